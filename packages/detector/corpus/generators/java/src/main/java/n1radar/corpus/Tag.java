package n1radar.corpus;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "tags")
public class Tag {
  @Id public Long id;
  public String name;

  protected Tag() {}

  Tag(long id, String name) {
    this.id = id;
    this.name = name;
  }
}
