import type { Offender } from "@n1radar/core";
import type { AlertItem, AlertMessage } from "../types.js";

/** An offender as the API returns it, for notifier tests. */
export function makeOffender(fields: Partial<Offender> = {}): Offender {
  return {
    id: "a1b2c3",
    kind: "n_plus_one",
    service: "blog-api",
    endpoint: "GET /posts",
    statement: "SELECT authors.id, authors.name FROM authors WHERE authors.id = ?",
    sourceStatement: "SELECT posts.id, posts.author_id FROM posts",
    chain: [],
    parallel: false,
    dbSystem: "postgresql",
    orm: "sqlalchemy",
    repeats: 48,
    repeatsMedian: 40,
    traces: 57,
    occurrences: 60,
    wastedMs: 204_000,
    firstSeen: "2026-01-01T00:00:00.000Z",
    lastSeen: "2026-01-01T01:00:00.000Z",
    status: "open",
    code: null,
    savings: {
      requestsPerDay: 1440,
      dbCallsPerDay: 56_160,
      dbTimeMsPerDay: 4_896_000,
      requestTimeMsPerDay: 4_896_000,
    },
    guidance: {
      orm: "sqlalchemy",
      ormName: "SQLAlchemy",
      confidence: 0.9,
      summary: "Eager-load Post.author with selectinload() on the query that loads posts",
      why: "48 queries per request",
      before: "session.scalars(select(Post))",
      after: "session.scalars(select(Post).options(selectinload(Post.author)))",
      verify: "2 queries per request",
    },
    ...fields,
  };
}

export function makeItem(fields: Partial<AlertItem> = {}, offender: Partial<Offender> = {}): AlertItem {
  return {
    event: "new",
    offender: makeOffender(offender),
    environment: "production",
    wastedMsPerHour: 1_200,
    url: "https://n1radar.example.com/findings/a1b2c3",
    ...fields,
  };
}

export function alertMessage(item: AlertItem = makeItem()): AlertMessage {
  return {
    kind: "alert",
    id: "msg_2hM0zFs6vQk",
    createdAt: "2026-01-01T01:00:00.000Z",
    dashboardUrl: "https://n1radar.example.com",
    item,
  };
}

/** Span text an attacker controls: mentions, links, markup and fence breakers in every field. */
export const hostile: Partial<Offender> = {
  service: "@channel <!here> @everyone",
  endpoint: "GET /[login](https://evil.example/phish) <https://evil.example|click> www.evil.example",
  statement: "SELECT * FROM t WHERE x = '```<!channel>``` https://evil.example @here <users/all>'",
  guidance: {
    orm: null,
    ormName: "SQL",
    confidence: 0,
    summary: "Load [all](https://evil.example) rows of <b>evil.example</b> in one query @all",
    why: "",
    before: null,
    after: null,
    verify: "",
  },
};
