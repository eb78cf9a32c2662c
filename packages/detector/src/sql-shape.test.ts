import { describe, expect, it } from "vitest";
import { normalizeSql } from "./fingerprint.js";
import { classifySql, parentsNamed, tableRead } from "./sql-shape.js";

const shape = (sql: string) => classifySql(normalizeSql(sql).canonical);

describe("classifySql", () => {
  it("tells reads, writes, control statements and cursor fetches apart", () => {
    expect(shape("SELECT * FROM posts WHERE id = 1").op).toBe("read");
    expect(shape("SELECT * FROM posts WHERE id = 1 FOR UPDATE").op).toBe("read");
    for (const sql of [
      "INSERT INTO t (a) VALUES (1)",
      "UPDATE t SET a = 1 WHERE id = 2",
      "DELETE FROM t WHERE id = 3",
      "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
      "REPLACE INTO t VALUES (1)",
    ])
      expect(shape(sql).op).toBe("write");
    for (const sql of [
      "BEGIN",
      "COMMIT",
      "ROLLBACK TO SAVEPOINT s",
      "SET search_path TO x",
      "SELECT 1",
      "select nextval('s')",
      "SELECT seq.nextval FROM dual",
      "PRAGMA foreign_keys = ON",
    ])
      expect(shape(sql).op).toBe("control");
    expect(shape("FETCH FORWARD 100 FROM c1").op).toBe("cursor");
    expect(shape("WITH x AS (SELECT * FROM a) SELECT * FROM x").op).toBe("read");
  });

  it("recognises pages: LIMIT with OFFSET, and keyset comparisons on the ordered column", () => {
    for (const sql of [
      "SELECT * FROM t ORDER BY id LIMIT 10 OFFSET 20",
      "SELECT * FROM t ORDER BY id LIMIT 20, 10",
      "SELECT * FROM t ORDER BY id OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY",
      'SELECT "users".* FROM "users" WHERE "users"."id" > 1000 ORDER BY "users"."id" ASC LIMIT 1000',
      "SELECT * FROM t WHERE account_id = ? AND created_at < ? ORDER BY created_at DESC LIMIT ?",
      "SELECT * FROM t WHERE (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?",
    ])
      expect(shape(sql).paginated).toBe(true);
    for (const sql of [
      "SELECT * FROM t WHERE id = 1 LIMIT 21",
      "SELECT * FROM comments WHERE post_id = ? ORDER BY created_at DESC LIMIT 1",
      // Prisma 7, recorded (guidance/recorded/prisma.json): every findUnique / findMany ends in LIMIT ? OFFSET ?.
      "SELECT `main`.`Author`.`id`, `main`.`Author`.`name` FROM `main`.`Author` WHERE (`main`.`Author`.`id` = ? AND 1=1) LIMIT ? OFFSET ?",
      "SELECT `main`.`Comment`.`id`, `main`.`Comment`.`postId` FROM `main`.`Comment` WHERE `main`.`Comment`.`postId` = ? LIMIT ? OFFSET ?",
      'SELECT "public"."Post"."id" FROM "public"."Post" WHERE ("public"."Post"."id" = $1 AND 1=1) ORDER BY "public"."Post"."id" LIMIT $2 OFFSET $3',
      "SELECT * FROM t WHERE id > 5 ORDER BY name LIMIT 10",
      "SELECT * FROM t WHERE id > 5",
    ])
      expect(shape(sql).paginated).toBe(false);
  });
});

describe("what a per-row read points at", () => {
  const canonical = (sql: string) => normalizeSql(sql).canonical;

  it("names the parents of foreign-key equalities, and the table a read lists", () => {
    expect(parentsNamed(canonical('SELECT * FROM "comments" WHERE "comments"."post_id" = $1'))).toEqual([
      "post",
    ]);
    expect(
      parentsNamed(canonical("SELECT * FROM `main`.`Comment` WHERE `main`.`Comment`.`postId` = ?")),
    ).toEqual(["post"]);
    expect(parentsNamed(canonical("SELECT * FROM t WHERE tenant_id = ? AND blog_post_id = ?"))).toEqual([
      "tenant",
      "blog_post",
    ]);
    expect(parentsNamed(canonical("SELECT * FROM t WHERE id = ? AND t.id = ? AND uuid > ?"))).toEqual([]);
    expect(tableRead(canonical("SELECT p.id FROM main.posts p JOIN authors a ON a.id = p.author_id"))).toBe(
      "posts",
    );
    expect(tableRead(canonical("UPDATE posts SET x = ?"))).toBeNull();
  });
});
