/**
 * The blog's read and write operations, twice: `naiveBlog` with the N+1s n1radar is built to find, one per
 * method, written the way they are usually written (a loop over rows, an await inside), and `fixedBlog` with the
 * fix n1radar's guidance gives for each. Both return the same data (blog.int.test.ts checks it), so the only
 * difference the dashboard can show is the number of queries.
 */
import type { Db } from "./db.js";

/** One method per N+1 kind; server.ts serves each at the same path under `/` (naive) and `/fixed`. */
export interface Blog {
  /** GET /posts: many-to-one, each post's author. */
  posts(): Promise<unknown>;
  /** GET /authors: one-to-many, each author's posts. */
  authors(): Promise<unknown>;
  /** GET /feed: nested 1+N+N², posts, their comments, each comment's author. */
  feed(): Promise<unknown>;
  /** GET /posts/popular: an aggregate per row, the comment count of each post. */
  popular(): Promise<unknown>;
  /** GET /comments/recent: a fan-out, each comment's post read in parallel with Promise.all. */
  recentComments(): Promise<unknown>;
  /** POST /posts/views: a write per row, one UPDATE per post. */
  recordViews(): Promise<unknown>;
  /** POST /tags/:id/posts: a write per row, one INSERT per post. */
  tagPosts(tagId: number): Promise<unknown>;
}

export const PAGE = 15;
const latest = { orderBy: { id: "desc" }, take: PAGE } as const;

export function naiveBlog(db: Db): Blog {
  return {
    async posts() {
      const posts = await db.post.findMany(latest);
      const out = [];
      for (const post of posts)
        out.push({ ...post, author: await db.author.findUnique({ where: { id: post.authorId } }) });
      return out;
    },
    async authors() {
      const authors = await db.author.findMany({ orderBy: { id: "asc" }, take: PAGE });
      const out = [];
      for (const author of authors)
        out.push({ ...author, posts: await db.post.findMany({ where: { authorId: author.id } }) });
      return out;
    },
    async feed() {
      const posts = await db.post.findMany({ orderBy: { id: "desc" }, take: 6 });
      const out = [];
      for (const post of posts) {
        const comments = await db.comment.findMany({ where: { postId: post.id } });
        const withAuthors = [];
        for (const comment of comments)
          withAuthors.push({
            ...comment,
            author: await db.author.findUnique({ where: { id: comment.authorId } }),
          });
        out.push({ ...post, comments: withAuthors });
      }
      return out;
    },
    async popular() {
      const posts = await db.post.findMany(latest);
      const out = [];
      for (const post of posts)
        out.push({
          id: post.id,
          title: post.title,
          comments: await db.comment.count({ where: { postId: post.id } }),
        });
      return out;
    },
    async recentComments() {
      const comments = await db.comment.findMany({ orderBy: { id: "desc" }, take: PAGE });
      // findFirst, not findUnique: Prisma batches findUnique calls made in one tick into one IN query by itself.
      const posts = await Promise.all(comments.map((c) => db.post.findFirst({ where: { id: c.postId } })));
      return comments.map((comment, i) => ({ ...comment, post: posts[i] }));
    },
    async recordViews() {
      const posts = await db.post.findMany(latest);
      for (const post of posts)
        await db.post.update({ where: { id: post.id }, data: { viewCount: { increment: 1 } } });
      return { updated: posts.length };
    },
    async tagPosts(tagId) {
      const posts = await db.post.findMany(latest);
      for (const post of posts) await db.postTag.create({ data: { postId: post.id, tagId } });
      return { tagged: posts.length };
    },
  };
}

export function fixedBlog(db: Db): Blog {
  return {
    posts: () => db.post.findMany({ ...latest, include: { author: true } }),
    authors: () => db.author.findMany({ orderBy: { id: "asc" }, take: PAGE, include: { posts: true } }),
    feed: () =>
      db.post.findMany({
        orderBy: { id: "desc" },
        take: 6,
        include: { comments: { include: { author: true } } },
      }),
    async popular() {
      const posts = await db.post.findMany({
        ...latest,
        include: { _count: { select: { comments: true } } },
      });
      return posts.map((post) => ({ id: post.id, title: post.title, comments: post._count.comments }));
    },
    recentComments: () =>
      db.comment.findMany({ orderBy: { id: "desc" }, take: PAGE, include: { post: true } }),
    async recordViews() {
      const ids = (await db.post.findMany({ ...latest, select: { id: true } })).map((p) => p.id);
      await db.post.updateMany({ where: { id: { in: ids } }, data: { viewCount: { increment: 1 } } });
      return { updated: ids.length };
    },
    async tagPosts(tagId) {
      const posts = await db.post.findMany(latest);
      await db.postTag.createMany({ data: posts.map((post) => ({ postId: post.id, tagId })) });
      return { tagged: posts.length };
    },
  };
}
