package n1radar.corpus.spring;

import java.util.Arrays;
import java.util.List;
import n1radar.corpus.Comment;
import n1radar.corpus.Post;
import n1radar.corpus.PostTag;
import n1radar.corpus.spring.Repositories.CommentRepository;
import n1radar.corpus.spring.Repositories.PostRepository;
import n1radar.corpus.spring.Repositories.PostTagRepository;
import n1radar.corpus.spring.Repositories.TagRepository;
import org.springframework.data.domain.PageRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The corpus scenarios (../../../../../../scenarios.mjs) as Spring MVC endpoints. No @Transactional on the reads:
 * with Boot's open-in-view the lazy loads run in the request's EntityManager, as in most Spring apps; each
 * repository save() is its own transaction.
 */
@RestController
class BlogController {
  private final PostRepository posts;
  private final CommentRepository comments;
  private final TagRepository tags;
  private final PostTagRepository postTags;

  BlogController(PostRepository posts, CommentRepository comments, TagRepository tags, PostTagRepository postTags) {
    this.posts = posts;
    this.comments = comments;
    this.tags = tags;
    this.postTags = postTags;
  }

  private static List<Long> ids(String ids) {
    return Arrays.stream(ids.split(",")).map(Long::valueOf).toList();
  }

  private List<Post> first(int limit) {
    return posts.findAllByOrderByIdAsc(PageRequest.of(0, limit));
  }

  @GetMapping("/posts/authors")
  String authors(@RequestParam int limit) {
    first(limit).forEach(p -> p.getAuthor().getName());
    return "ok";
  }

  @GetMapping("/posts/authors-fixed")
  String authorsFixed(@RequestParam int limit) {
    posts.findAllWithAuthor(PageRequest.of(0, limit)).forEach(p -> p.getAuthor().getName());
    return "ok";
  }

  @GetMapping("/posts/comments")
  String comments(@RequestParam int limit) {
    first(limit).forEach(p -> p.getComments().size());
    return "ok";
  }

  @GetMapping("/posts/comments-fixed")
  String commentsFixed(@RequestParam int limit) {
    posts.findWithCommentsUpTo(limit).forEach(p -> p.getComments().size());
    return "ok";
  }

  @GetMapping("/posts/comments-batched")
  String commentsBatched(@RequestParam int limit) {
    first(limit).forEach(p -> p.getCommentsInBatches().size());
    return "ok";
  }

  @GetMapping("/posts/thread")
  String thread(@RequestParam int limit) {
    for (Post p : first(limit)) for (Comment c : p.getComments()) c.getAuthor().getName();
    return "ok";
  }

  @GetMapping("/posts/thread-fixed")
  String threadFixed(@RequestParam int limit) {
    posts.findThreadsUpTo(limit).forEach(p -> p.getComments().forEach(c -> c.getAuthor().getName()));
    return "ok";
  }

  @GetMapping("/posts/batch")
  String batch(@RequestParam String ids) {
    ids(ids).forEach(posts::findById);
    return "ok";
  }

  @GetMapping("/posts/batch-fixed")
  String batchFixed(@RequestParam String ids) {
    posts.findAllById(ids(ids));
    return "ok";
  }

  @GetMapping("/posts/counts")
  String counts(@RequestParam int limit) {
    first(limit).forEach(comments::countByPost);
    return "ok";
  }

  @GetMapping("/posts/counts-fixed")
  String countsFixed(@RequestParam int limit) {
    comments.countByPostIds(first(limit).stream().map(p -> p.id).toList());
    return "ok";
  }

  @PostMapping("/tags/posts")
  String tagPerRow(@RequestParam String ids, @RequestParam long tag) {
    for (Long id : ids(ids)) postTags.save(new PostTag(posts.getReferenceById(id), tags.getReferenceById(tag)));
    postTags.deleteByTag(tag);
    return "ok";
  }

  @PostMapping("/tags/posts-fixed")
  String tagAll(@RequestParam String ids, @RequestParam long tag) {
    postTags.saveAll(
        ids(ids).stream().map(id -> new PostTag(posts.getReferenceById(id), tags.getReferenceById(tag))).toList());
    postTags.deleteByTag(tag);
    return "ok";
  }

  @PostMapping("/posts/views")
  String views(@RequestParam int limit) {
    for (Post p : first(limit)) {
      p.viewCount++;
      posts.save(p);
    }
    return "ok";
  }

  @PostMapping("/posts/views-fixed")
  String viewsFixed(@RequestParam int limit) {
    posts.bumpViews(first(limit).stream().map(p -> p.id).toList());
    return "ok";
  }

  @GetMapping("/export")
  String export(@RequestParam int pages, @RequestParam(required = false) String keyset) {
    long last = 0;
    for (int page = 0; page < pages; page++) {
      if (keyset == null) posts.findAllByOrderByIdAsc(PageRequest.of(page, 20));
      else {
        List<Post> rows = posts.findByIdGreaterThanOrderByIdAsc(last, PageRequest.of(0, 20));
        last = rows.get(rows.size() - 1).id;
      }
    }
    return "ok";
  }

  @GetMapping("/posts/one")
  String one(@RequestParam long id) {
    posts.findById(id).orElseThrow().getAuthor().getName();
    return "ok";
  }
}
