package n1radar.corpus;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** Sequence ids (allocated 50 at a time), so Hibernate can send the INSERTs as one JDBC batch. */
@Entity
@Table(name = "post_tags")
public class PostTag {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "post_tags_seq")
  @SequenceGenerator(name = "post_tags_seq", sequenceName = "post_tags_seq", allocationSize = 50)
  public Long id;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "post_id")
  private Post post;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "tag_id")
  private Tag tag;

  protected PostTag() {}

  public PostTag(Post post, Tag tag) {
    this.post = post;
    this.tag = tag;
  }
}
