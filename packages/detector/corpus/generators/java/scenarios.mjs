/**
 * The Hibernate app's scenarios (routes in src/main/java/n1radar/corpus/Routes.java), as the corpus names them:
 * the same rows, ids and pages as the other generators (../node/scenarios.cjs). `expect` names the statement each
 * positive repeats, in Hibernate 6's own SQL (the recorder counts the repeats in the recorded trace; a label
 * with fewer than 5 is refused); negatives expect nothing.
 */
/**
 * What the Spring Data JPA app (spring/BlogController.java) does on the same route, in its own words; scenarios
 * without an entry are not served by it.
 */
export const springWords = {
  p_many_to_one: "posts by a derived query with Pageable, lazy post.getAuthor() per row (open-in-view)",
  p_one_to_many: "posts by a derived query with Pageable, lazy post.getComments() per row (open-in-view)",
  p_nested: "posts, their comments, each comment's author, lazily in the controller (1+N+N²)",
  p_ids_no_source: "postRepository.findById(id) per id",
  p_count_per_row: "commentRepository.countByPost(post) per row",
  p_insert_per_row: "postTagRepository.save(...) per row, a transaction each",
  p_update_per_row: "viewCount++ and postRepository.save(post) per row, a transaction each",
  f_many_to_one: "@Query with join fetch p.author and Pageable",
  f_one_to_many: '@EntityGraph(attributePaths = "comments") on a @Query method',
  f_one_to_many_batch_size: "lazy comments with @BatchSize(size = 25)",
  f_nested: "@Query with left join fetch comments and their authors",
  f_ids_no_source: "postRepository.findAllById(ids)",
  f_count_per_row: "one grouped count @Query",
  f_insert_per_row: "postTagRepository.saveAll(...), one JDBC batch",
  f_update_per_row: "one @Modifying bulk update @Query",
  n_under_threshold: "posts, few rows",
  n_pagination: null, // the same words
  n_lookup_by_id: "postRepository.findById(id) and its author",
};

const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const list = (route, ns, what, method = "GET") =>
  ns.map((n) => ({ what, description: `${what}, ${n} rows`, method, path: `${route}?limit=${n}` }));
const byIds = (route, sets, what, method = "GET", query = "") =>
  sets.map((s) => ({
    what,
    description: `${what}, ${s.length} ids`,
    method,
    path: `${route}?ids=${s.join(",")}${query}`,
  }));

const authorById = "from authors a1_0 where a1_0.id=?";
const commentsOfPost = "from comments c1_0 where c1_0.post_id=?";

export const scenarios = [
  {
    name: "p_many_to_one",
    runs: list("/posts/authors", [5, 12, 30], "posts, lazy @ManyToOne post.getAuthor() per row"),
    expect: { statementContains: authorById, kind: "n_plus_one", sourceContains: "from posts p1_0" },
  },
  {
    name: "p_one_to_many",
    runs: list("/posts/comments", [6, 10, 16], "posts, lazy @OneToMany post.getComments() per row"),
    expect: { statementContains: commentsOfPost, kind: "n_plus_one", sourceContains: "from posts p1_0" },
  },
  {
    name: "p_nested",
    runs: list("/posts/thread", [3, 5, 7], "posts, their comments, each comment's author (1+N+N²)"),
    expect: {
      statementContains: authorById,
      kind: "n_plus_one",
      sourceContains: commentsOfPost,
      chainContains: ["from posts p1_0", commentsOfPost],
    },
  },
  {
    name: "p_wrapped_per_item",
    runs: list(
      "/posts/cards",
      [5, 8, 15],
      "posts, post.getAuthor() inside a @WithSpan renderPostCard per row",
    ),
    expect: { statementContains: authorById, kind: "n_plus_one", sourceContains: "from posts p1_0" },
  },
  {
    name: "p_ids_no_source",
    runs: byIds(
      "/posts/batch",
      [[9, 4, 17, 2, 30], range(100, 110), range(31, 45)],
      "session.find(Post.class, id) per id",
    ),
    expect: { statementContains: "from posts p1_0 where p1_0.id=?", kind: "n_plus_one" },
  },
  {
    name: "p_count_per_row",
    runs: list(
      "/posts/counts",
      [5, 9, 15],
      "posts, select count(c) from Comment c where c.post = :post per row",
    ),
    expect: {
      statementContains: `count(c1_0.id) ${commentsOfPost}`,
      kind: "n_plus_one",
      sourceContains: "from posts p1_0",
    },
  },
  {
    name: "p_insert_per_row",
    runs: byIds(
      "/tags/posts",
      [range(1, 5), range(1, 8), range(1, 16)],
      "a transaction per PostTag persist",
      "POST",
      "&tag=3",
    ),
    expect: { statementContains: "insert into post_tags", kind: "repeated_write" },
  },
  {
    name: "p_update_per_row",
    runs: list("/posts/views", [5, 11, 16], "posts, viewCount++ and session.flush() per row", "POST"),
    expect: { statementContains: "update posts set", kind: "repeated_write" },
  },
  { name: "f_many_to_one", runs: list("/posts/authors-fixed", [5, 12, 30], "posts join fetch p.author") },
  {
    name: "f_one_to_many",
    runs: list("/posts/comments-fixed", [6, 10, 16], "posts with an entity graph on comments"),
  },
  {
    name: "f_one_to_many_batch_size",
    runs: list("/posts/comments-batched", [6, 16, 30], "posts, lazy comments with @BatchSize(size = 25)"),
  },
  {
    name: "f_nested",
    runs: list("/posts/thread-fixed", [3, 5, 7], "posts left join fetch comments left join fetch author"),
  },
  {
    name: "f_ids_no_source",
    runs: byIds(
      "/posts/batch-fixed",
      [[9, 4, 17, 2, 30], range(100, 110)],
      "session.byMultipleIds(Post.class).multiLoad(ids)",
    ),
  },
  {
    name: "f_count_per_row",
    runs: list("/posts/counts-fixed", [5, 9, 15], "posts, one grouped count query"),
  },
  {
    name: "f_insert_per_row",
    runs: byIds(
      "/tags/posts-fixed",
      [range(1, 5), range(1, 16)],
      "persist all, one flush (a JDBC batch)",
      "POST",
      "&tag=3",
    ),
  },
  { name: "f_update_per_row", runs: list("/posts/views-fixed", [5, 16], "one bulk JPQL update", "POST") },
  { name: "n_under_threshold", runs: list("/posts/authors", [3, 4, 4], "posts, few rows") },
  {
    name: "n_pagination",
    runs: [
      {
        description: "export, 6 pages by setFirstResult/setMaxResults",
        method: "GET",
        path: "/export?pages=6",
      },
      {
        description: "export, 7 pages by setFirstResult/setMaxResults",
        method: "GET",
        path: "/export?pages=7",
      },
      {
        description: "export, 6 pages by keyset (id > :last)",
        method: "GET",
        path: "/export?pages=6&keyset=1",
      },
    ],
  },
  {
    name: "n_lookup_by_id",
    runs: [3, 77].map((id) => ({
      description: `session.find one post and its author`,
      method: "GET",
      path: `/posts/one?id=${id}`,
    })),
  },
  {
    name: "n_cached",
    runs: list(
      "/posts/cached-authors",
      [12, 25],
      "posts by 3 authors, the session holds each author once loaded",
    ),
  },
  {
    name: "n_many_distinct",
    runs: [1, 2].map(() => ({
      description: "dashboard, many distinct queries",
      method: "GET",
      path: "/admin",
    })),
  },
];
