/**
 * The scenario table shared by the Node corpus generators. Every ORM's app serves the same routes and is asked
 * for the same rows, ids and pages; what differs per ORM is how it describes its code (`what`) and the statement
 * each expected finding names (`contains`, plus `extra` label fields such as sourceContains).
 *
 * `spec` holds, per scenario name:
 *   p_*: { what, contains, extra?, check? }   a positive: one expected finding (writes are POSTs and
 *                                            `repeated_write`); `check(traceId)`, if given, throws when the
 *                                            trace lacks a property the scenario depends on
 *   f_*, n_cached: what               a negative: no finding
 *   n_pagination: how offset pages are described ("offset", "skip/take"), or { offset, keyset } to also name
 *                 the keyset pages (default "keyset")
 *
 * An ORM's own scenarios go in `more` (optional): `more.runs[name]` are further runs of a shared scenario,
 * `more.after[name]` are scenarios of its own ({ name: runs }), recorded right after the shared one `name`.
 */
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

const list = (route, ns, what, expected, method = "GET") =>
  ns.map((n) => ({ description: `${what}, ${n} rows`, method, path: `${route}?limit=${n}`, expected }));

const ids = (route, sets, what, expected, method = "GET", query = "") =>
  sets.map((s) => ({
    description: `${what}, ${s.length} ids`,
    method,
    path: `${route}?ids=${s.join(",")}${query}`,
    expected,
  }));

async function runScenarios(corpus, server, spec, more = {}) {
  const run = async (name, runs) => {
    await corpus.scenario(server, name, [...runs, ...(more.runs?.[name] ?? [])]);
    for (const [own, ownRuns] of Object.entries(more.after?.[name] ?? {}))
      await corpus.scenario(server, own, ownRuns);
  };
  // `what` and `expected` of a positive scenario: one finding of `kind` on the ORM's own statement
  const found = (name, kind = "n_plus_one") => {
    const { what, contains, extra = {}, check } = spec[name];
    return [
      what,
      (tid) => {
        check?.(tid);
        return [corpus.expect(tid, contains, kind, extra)];
      },
    ];
  };
  const pages =
    typeof spec.n_pagination === "string"
      ? { offset: spec.n_pagination, keyset: "keyset" }
      : spec.n_pagination;

  await run("p_many_to_one", list("/posts/authors", [5, 12, 30], ...found("p_many_to_one")));
  await run("p_one_to_many", list("/posts/comments", [6, 10, 16], ...found("p_one_to_many")));
  // one finding for the whole 1+N+N² (the fix is one change): the inner loop, author per comment, whose
  // chain holds the outer levels (Finding.chain); the comments-per-post loop is not a finding of its own
  await run("p_nested", list("/posts/thread", [3, 5, 7], ...found("p_nested")));
  await run("p_wrapped_per_item", list("/posts/cards", [5, 8, 15], ...found("p_wrapped_per_item")));
  await run(
    "p_ids_no_source",
    ids("/posts/batch", [[9, 4, 17, 2, 30], range(100, 110), range(31, 45)], ...found("p_ids_no_source")),
  );
  await run("p_count_per_row", list("/posts/counts", [5, 9, 15], ...found("p_count_per_row")));
  await run(
    "p_insert_per_row",
    ids(
      "/tags/3/posts",
      [range(1, 5), range(1, 8), range(1, 16)],
      ...found("p_insert_per_row", "repeated_write"),
      "POST",
    ),
  );
  await run(
    "p_update_per_row",
    list("/posts/views", [5, 11, 16], ...found("p_update_per_row", "repeated_write"), "POST"),
  );
  await run("p_parallel", list("/posts/authors-parallel", [6, 12, 20], ...found("p_parallel")));

  await run("f_many_to_one", list("/posts/authors-fixed", [5, 12, 30], spec.f_many_to_one));
  await run("f_one_to_many", list("/posts/comments-fixed", [6, 10, 16], spec.f_one_to_many));
  await run("f_nested", list("/posts/thread-fixed", [3, 5, 7], spec.f_nested));
  await run(
    "f_ids_no_source",
    ids("/posts/batch-fixed", [[9, 4, 17, 2, 30], range(100, 110)], spec.f_ids_no_source),
  );
  await run("f_count_per_row", list("/posts/counts-fixed", [5, 9, 15], spec.f_count_per_row));
  await run(
    "f_insert_per_row",
    ids("/tags/3/posts-fixed", [range(1, 5), range(1, 16)], spec.f_insert_per_row, undefined, "POST"),
  );
  await run(
    "f_update_per_row",
    list("/posts/views-fixed", [5, 16], spec.f_update_per_row, undefined, "POST"),
  );
  await run("f_parallel", list("/posts/authors-fixed", [6, 20], spec.f_parallel));
  await run("n_under_threshold", list("/posts/authors", [3, 4, 4], "posts, few rows"));
  await run("n_pagination", [
    { description: `export, 6 pages by ${pages.offset}`, path: "/export?pages=6" },
    { description: `export, 7 pages by ${pages.offset}`, path: "/export?pages=7" },
    { description: `export, 6 pages by ${pages.keyset}`, path: "/export?pages=6&keyset=1" },
  ]);
  await run(
    "n_retry",
    [2, 4, 5].map((k) => ({
      description: `read retried after ${k} SQLITE_BUSY errors`,
      path: `/posts/1?failures=${k}`,
    })),
  );
  await run("n_cached", list("/posts/cached-authors", [12, 25], spec.n_cached));
  await run(
    "n_many_distinct",
    [1, 2].map(() => ({ description: "dashboard, many distinct queries", path: "/admin" })),
  );
}

module.exports = { ids, list, range, runScenarios };
