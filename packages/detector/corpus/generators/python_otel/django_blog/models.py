from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=80)
    email = models.CharField(max_length=120)


class Tag(models.Model):
    name = models.CharField(max_length=40)


class Post(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    body = models.TextField()
    view_count = models.IntegerField(default=0)
    tags = models.ManyToManyField(Tag, through="PostTag")


class PostTag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        unique_together = [("post", "tag")]


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    body = models.TextField()
