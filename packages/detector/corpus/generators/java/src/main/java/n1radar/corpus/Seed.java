package n1radar.corpus;

import org.hibernate.SessionFactory;

/** The corpus's seed rows (as the Node generators make them): 120 authors, 10 tags, 150 posts, 2-5 comments each. */
public final class Seed {
  private Seed() {}

  public static void run(SessionFactory sf) {
    sf.inTransaction(
        s -> {
          Author[] authors = new Author[120];
          for (int i = 0; i < authors.length; i++) {
            authors[i] = new Author(i + 1, "Author " + (i + 1), "a" + (i + 1) + "@example.org");
            s.persist(authors[i]);
          }
          for (int i = 1; i <= 10; i++) s.persist(new Tag(i, "tag" + i));
          long x = 5;
          for (int i = 1; i <= 150; i++) {
            Post post = new Post(i, authors[(i - 1) % 120], "Post " + i);
            s.persist(post);
            for (int k = 0; k < 2 + (i % 4); k++) {
              x = (x * 1103515245L + 12345) % 2147483648L;
              s.persist(new Comment(post, authors[(int) (x % 120)], "Nice post"));
            }
          }
        });
  }
}
