// A new user's app: the Node SDK from env at its defaults (BatchSpanProcessor 5 s), an HTTP server whose
// handlers run real SQLite queries in nested loops, and steady traffic.
import http from "node:http";
import { SpanKind, trace, context } from "@opentelemetry/api";
import { NodeSDK } from "@opentelemetry/sdk-node";
import Database from "better-sqlite3";

const sdk = new NodeSDK({ instrumentations: [] });
sdk.start();
const tracer = trace.getTracer("try-app");
const db = new Database(":memory:");
db.exec(`CREATE TABLE posts(id INTEGER PRIMARY KEY, title TEXT);
CREATE TABLE comments(id INTEGER PRIMARY KEY, post_id INT, author_id INT, body TEXT);
CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);`);
for (let p = 1; p <= 6; p++) db.prepare("INSERT INTO posts VALUES (?, ?)").run(p, `post ${p}`);
for (let c = 1; c <= 24; c++) db.prepare("INSERT INTO comments VALUES (?, ?, ?, ?)").run(c, ((c - 1) % 6) + 1, c, "hi");
for (let u = 1; u <= 24; u++) db.prepare("INSERT INTO users VALUES (?, ?)").run(u, `user ${u}`);

function query(sql, ...args) {
  return tracer.startActiveSpan("SELECT app", { kind: SpanKind.CLIENT, attributes: { "db.system": "sqlite", "db.statement": sql } }, (span) => {
    try { return db.prepare(sql).all(...args); } finally { span.end(); }
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function feed() {
  const posts = query("SELECT id, title FROM posts ORDER BY id LIMIT 3");
  for (const post of posts) {
    const comments = query("SELECT id, author_id, body FROM comments WHERE post_id = ?", post.id);
    for (const c of comments) query("SELECT id, name FROM users WHERE id = ?", c.author_id);
    await sleep(2);
  }
}
async function authors() {
  const posts = query("SELECT id, title FROM posts ORDER BY id LIMIT 6");
  for (const post of posts) { query("SELECT id, name FROM users WHERE id = ?", post.id); await sleep(1); }
}

const server = http.createServer((req, res) => {
  const route = req.url.startsWith("/feed") ? "/feed" : "/authors";
  tracer.startActiveSpan(`GET ${route}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": "GET", "http.route": route, "url.path": req.url } }, async (span) => {
    await (route === "/feed" ? feed() : authors());
    await sleep(5 + Math.random() * 20); // rendering
    res.end("ok");
    span.end();
  });
});
await new Promise((r) => server.listen(14050, "127.0.0.1", r));
const seconds = Number(process.argv[2] ?? 60);
const counts = { "/feed": 0, "/authors": 0 };
const end = Date.now() + seconds * 1000;
const inflight = [];
while (Date.now() < end) {
  const route = Math.random() < 0.6 ? "/feed" : "/authors";
  counts[route]++;
  inflight.push(fetch(`http://127.0.0.1:14050${route}`).then((r) => r.text()));
  await sleep(50);
}
await Promise.all(inflight);
console.log("sent", JSON.stringify(counts));
server.close();
await sdk.shutdown(); // as the app stops: the SDK flushes what is left
console.log("sdk shut down");
