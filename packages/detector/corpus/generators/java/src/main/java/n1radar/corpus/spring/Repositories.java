package n1radar.corpus.spring;

import java.util.List;
import n1radar.corpus.Comment;
import n1radar.corpus.Post;
import n1radar.corpus.PostTag;
import n1radar.corpus.Tag;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/** The Spring Data repositories: derived queries, @Query with JOIN FETCH, @EntityGraph, bulk @Modifying. */
final class Repositories {
  private Repositories() {}

  interface PostRepository extends JpaRepository<Post, Long> {
    List<Post> findAllByOrderByIdAsc(Pageable page);

    List<Post> findByIdGreaterThanOrderByIdAsc(long id, Pageable page);

    @Query("select p from Post p join fetch p.author order by p.id")
    List<Post> findAllWithAuthor(Pageable page);

    @EntityGraph(attributePaths = "comments")
    @Query("select p from Post p where p.id <= :n order by p.id")
    List<Post> findWithCommentsUpTo(long n);

    @Query(
        "select distinct p from Post p left join fetch p.comments c left join fetch c.author"
            + " where p.id <= :n order by p.id")
    List<Post> findThreadsUpTo(long n);

    @Transactional
    @Modifying
    @Query("update Post p set p.viewCount = p.viewCount + 1 where p.id in :ids")
    int bumpViews(List<Long> ids);
  }

  interface CommentRepository extends JpaRepository<Comment, Long> {
    long countByPost(Post post);

    @Query("select c.post.id, count(c) from Comment c where c.post.id in :ids group by c.post.id")
    List<Object[]> countByPostIds(List<Long> ids);
  }

  interface TagRepository extends JpaRepository<Tag, Long> {}

  interface PostTagRepository extends JpaRepository<PostTag, Long> {
    @Transactional
    @Modifying
    @Query("delete from PostTag pt where pt.tag.id = :tag")
    int deleteByTag(long tag);
  }
}
