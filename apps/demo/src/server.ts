/**
 * The demo blog API: Express on a fresh, seeded SQLite file. Each operation of blog.ts is served twice, with
 * its N+1 at `/posts`, `/authors`, ... and fixed at `/fixed/posts`, `/fixed/authors`, ... Settings:
 * DEMO_PORT (default 3100), DEMO_HOST (127.0.0.1), DEMO_DATABASE (data/demo/blog.db). Start it with
 * telemetry.js loaded first (`npm start -w @n1radar/demo`, or `npm run demo` for the whole tour).
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { type Blog, fixedBlog, naiveBlog } from "./blog.js";
import { openFreshDb } from "./db.js";

/** Wraps an async handler so a failed query reaches Express's error handler instead of hanging the request. */
function reply(load: (req: Request) => Promise<unknown>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.json(await load(req));
    } catch (error) {
      next(error);
    }
  };
}

function routes(blog: Blog): Router {
  const router = express.Router();
  router.get("/posts", reply(blog.posts));
  router.get("/authors", reply(blog.authors));
  router.get("/feed", reply(blog.feed));
  router.get("/posts/popular", reply(blog.popular));
  router.get("/comments/recent", reply(blog.recentComments));
  router.post("/posts/views", reply(blog.recordViews));
  router.post(
    "/tags/:id/posts",
    reply((req) => blog.tagPosts(Number(req.params.id) || 1)),
  );
  return router;
}

const port = Number(process.env.DEMO_PORT ?? 3100);
const host = process.env.DEMO_HOST ?? "127.0.0.1";
const db = await openFreshDb(process.env.DEMO_DATABASE ?? "data/demo/blog.db");

const app = express();
app.get("/health", (_req, res) => {
  res.json({ status: "ok" });
});
app.use("/fixed", routes(fixedBlog(db)));
app.use("/", routes(naiveBlog(db)));
app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
  res.status(500).json({ error: error.message });
});
app.listen(port, host, () => console.log(`demo blog API on http://${host}:${port}`));
