package n1radar.corpus;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.BatchSize;

/**
 * The post, with its author and comments lazy, as JPA apps map them. `commentsInBatches` maps the same comments
 * a second time with @BatchSize, so one app can show the lazy loop and its @BatchSize fix side by side (an app
 * would put @BatchSize on its one collection).
 */
@Entity
@Table(name = "posts")
public class Post {
  @Id public Long id;
  public String title;
  public String body;

  @Column(name = "view_count")
  public int viewCount;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "author_id")
  private Author author;

  @OneToMany(mappedBy = "post")
  @OrderBy("id")
  private List<Comment> comments = new ArrayList<>();

  @OneToMany(mappedBy = "post")
  @BatchSize(size = 25)
  private List<Comment> commentsInBatches = new ArrayList<>();

  protected Post() {}

  Post(long id, Author author, String title) {
    this.id = id;
    this.author = author;
    this.title = title;
    this.body = "...";
  }

  public Author getAuthor() {
    return author;
  }

  public List<Comment> getComments() {
    return comments;
  }

  public List<Comment> getCommentsInBatches() {
    return commentsInBatches;
  }
}
