package n1radar.corpus;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.graph.GraphSemantic;
import org.hibernate.graph.RootGraph;

/**
 * The corpus scenarios as the app's routes (see the corpus README): the N+1 of each kind, the way Hibernate users
 * write it, and its fix. Each request is one session and one transaction, except the per-row inserts, which commit
 * each row as a method annotated @Transactional called in a loop would.
 */
final class Routes {
  interface Handler {
    void handle(Map<String, String> q);
  }

  private final SessionFactory sf;

  Routes(SessionFactory sf) {
    this.sf = sf;
  }

  private static int limit(Map<String, String> q) {
    return Integer.parseInt(q.getOrDefault("limit", "10"));
  }

  private static List<Long> ids(Map<String, String> q) {
    return Arrays.stream(q.get("ids").split(",")).map(Long::valueOf).toList();
  }

  private static List<Post> firstPosts(Session s, int n) {
    return s.createSelectionQuery("from Post p order by p.id", Post.class).setMaxResults(n).getResultList();
  }

  Map<String, Handler> all() {
    Map<String, Handler> r = new LinkedHashMap<>();
    r.put("/posts/authors", tx((s, q) -> firstPosts(s, limit(q)).forEach(p -> p.getAuthor().getName())));
    r.put(
        "/posts/authors-fixed",
        tx(
            (s, q) ->
                s.createSelectionQuery("from Post p join fetch p.author order by p.id", Post.class)
                    .setMaxResults(limit(q))
                    .getResultList()
                    .forEach(p -> p.getAuthor().getName())));
    r.put("/posts/comments", tx((s, q) -> firstPosts(s, limit(q)).forEach(p -> p.getComments().size())));
    r.put(
        "/posts/comments-fixed",
        tx(
            (s, q) -> {
              RootGraph<Post> graph = s.createEntityGraph(Post.class);
              graph.addAttributeNodes("comments");
              s.createSelectionQuery("from Post p where p.id <= :n order by p.id", Post.class)
                  .setParameter("n", (long) limit(q))
                  .setEntityGraph(graph, GraphSemantic.FETCH)
                  .getResultList()
                  .forEach(p -> p.getComments().size());
            }));
    r.put(
        "/posts/comments-batched",
        tx((s, q) -> firstPosts(s, limit(q)).forEach(p -> p.getCommentsInBatches().size())));
    r.put(
        "/posts/thread",
        tx(
            (s, q) -> {
              for (Post p : firstPosts(s, limit(q)))
                for (Comment c : p.getComments()) c.getAuthor().getName();
            }));
    r.put(
        "/posts/thread-fixed",
        tx(
            (s, q) ->
                s.createSelectionQuery(
                        "select distinct p from Post p left join fetch p.comments c left join fetch c.author"
                            + " where p.id <= :n order by p.id",
                        Post.class)
                    .setParameter("n", (long) limit(q))
                    .getResultList()
                    .forEach(p -> p.getComments().forEach(c -> c.getAuthor().getName()))));
    PostCards cards = new PostCards();
    r.put("/posts/cards", tx((s, q) -> firstPosts(s, limit(q)).forEach(cards::renderPostCard)));
    r.put("/posts/batch", tx((s, q) -> ids(q).forEach(id -> s.find(Post.class, id))));
    r.put("/posts/batch-fixed", tx((s, q) -> s.byMultipleIds(Post.class).multiLoad(ids(q))));
    r.put(
        "/posts/counts",
        tx(
            (s, q) -> {
              for (Post p : firstPosts(s, limit(q)))
                s.createSelectionQuery("select count(c) from Comment c where c.post = :post", Long.class)
                    .setParameter("post", p)
                    .getSingleResult();
            }));
    r.put(
        "/posts/counts-fixed",
        tx(
            (s, q) -> {
              List<Long> ids = firstPosts(s, limit(q)).stream().map(p -> p.id).toList();
              s.createSelectionQuery(
                      "select c.post.id, count(c) from Comment c where c.post.id in :ids group by c.post.id",
                      Object[].class)
                  .setParameter("ids", ids)
                  .getResultList();
            }));
    r.put("/tags/posts", this::tagPerRow);
    r.put(
        "/tags/posts-fixed",
        tx(
            (s, q) -> {
              long tagId = Long.parseLong(q.get("tag"));
              Tag tag = s.getReference(Tag.class, tagId);
              for (Long id : ids(q)) s.persist(new PostTag(s.getReference(Post.class, id), tag));
              s.flush(); // one JDBC batch of INSERTs (hibernate.jdbc.batch_size)
              untag(s, tagId);
            }));
    r.put(
        "/posts/views",
        tx(
            (s, q) -> {
              for (Post p : firstPosts(s, limit(q))) {
                p.viewCount++;
                s.flush(); // an UPDATE per row
              }
            }));
    r.put(
        "/posts/views-fixed",
        tx(
            (s, q) -> {
              List<Long> ids = firstPosts(s, limit(q)).stream().map(p -> p.id).toList();
              s.createMutationQuery("update Post p set p.viewCount = p.viewCount + 1 where p.id in :ids")
                  .setParameter("ids", ids)
                  .executeUpdate();
            }));
    r.put("/export", tx(Routes::export));
    r.put(
        "/posts/one",
        tx((s, q) -> s.find(Post.class, Long.valueOf(q.get("id"))).getAuthor().getName()));
    r.put(
        "/posts/cached-authors",
        tx(
            (s, q) ->
                s.createSelectionQuery("from Post p where p.author.id in (1, 2, 3) order by p.id", Post.class)
                    .setMaxResults(limit(q))
                    .getResultList()
                    .forEach(p -> p.getAuthor().getName()))); // the session holds each author after its load
    r.put("/admin", tx((s, q) -> admin(s)));
    return r;
  }

  private interface Work {
    void run(Session s, Map<String, String> q);
  }

  private Handler tx(Work work) {
    return q -> sf.inTransaction(s -> work.run(s, q));
  }

  private void tagPerRow(Map<String, String> q) {
    long tag = Long.parseLong(q.get("tag"));
    for (Long id : ids(q)) {
      sf.inTransaction(
          s -> s.persist(new PostTag(s.getReference(Post.class, id), s.getReference(Tag.class, tag))));
    }
    sf.inTransaction(s -> untag(s, tag));
  }

  private static void untag(Session s, long tag) {
    s.createMutationQuery("delete from PostTag pt where pt.tag.id = :tag").setParameter("tag", tag).executeUpdate();
  }

  private static void export(Session s, Map<String, String> q) {
    int pages = Integer.parseInt(q.get("pages"));
    if (q.containsKey("keyset")) {
      long last = 0;
      for (int i = 0; i < pages; i++) {
        List<Post> rows =
            s.createSelectionQuery("from Post p where p.id > :last order by p.id", Post.class)
                .setParameter("last", last)
                .setMaxResults(20)
                .getResultList();
        last = rows.get(rows.size() - 1).id;
      }
    } else {
      for (int page = 0; page < pages; page++)
        s.createSelectionQuery("from Post p order by p.id", Post.class)
            .setFirstResult(page * 20)
            .setMaxResults(20)
            .getResultList();
    }
  }

  private static void admin(Session s) {
    Map<String, Object> stats = new HashMap<>();
    stats.put("authors", s.createSelectionQuery("select count(a) from Author a", Long.class).getSingleResult());
    stats.put("posts", s.createSelectionQuery("select count(p) from Post p", Long.class).getSingleResult());
    stats.put("comments", s.createSelectionQuery("select count(c) from Comment c", Long.class).getSingleResult());
    stats.put(
        "latest",
        s.createSelectionQuery("from Post p order by p.id desc", Post.class).setMaxResults(5).getResultList());
    stats.put(
        "names",
        s.createSelectionQuery("from Author a order by a.name", Author.class).setMaxResults(10).getResultList());
    stats.put(
        "recent",
        s.createSelectionQuery("from Comment c order by c.id desc", Comment.class).setMaxResults(10).getResultList());
    stats.put("tags", s.createSelectionQuery("from Tag", Tag.class).getResultList());
    stats.put("views", s.createSelectionQuery("select max(p.viewCount) from Post p", Integer.class).getSingleResult());
    stats.put(
        "top",
        s.createSelectionQuery(
                "select p.author.id, count(p) from Post p group by p.author.id order by count(p) desc", Object[].class)
            .setMaxResults(5)
            .getResultList());
  }

  /** A per-item method with its own span, as a view helper traced with @WithSpan would be. */
  static class PostCards {
    @WithSpan("renderPostCard")
    void renderPostCard(Post post) {
      post.getAuthor().getName();
    }
  }
}
