"""The blog schema in SQLAlchemy 2.0 declarative style (Mapped / mapped_column), shared by the sync and asyncio
apps, and its seed rows. Post.tags is loaded with selectin by default (a model-level lazy="selectin")."""

from sqlalchemy import Column, ForeignKey, Table, Text, create_engine, insert
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(AsyncAttrs, DeclarativeBase):
    pass


post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    email: Mapped[str]


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    title: Mapped[str]
    body: Mapped[str] = mapped_column(Text)
    view_count: Mapped[int] = mapped_column(default=0)
    author: Mapped[Author] = relationship()
    comments: Mapped[list["Comment"]] = relationship(back_populates="post", order_by="Comment.id")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags, lazy="selectin", order_by=Tag.id)


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    body: Mapped[str] = mapped_column(Text)
    post: Mapped[Post] = relationship(back_populates="comments")
    author: Mapped[Author] = relationship()


def seed(url):
    """Creates the tables afresh and fills them: 120 authors, 11 tags, 150 posts with 2-5 comments and 2 of the first 10 tags each.
    Run without instrumentation, before the app starts."""
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Author(id=i, name=f"Author {i}", email=f"a{i}@example.org") for i in range(1, 121)])
        s.add_all([Tag(id=i, name=f"tag{i}") for i in range(1, 12)])
        s.flush()
        s.add_all([Post(id=i, author_id=(i - 1) % 120 + 1, title=f"Post {i}", body="...") for i in range(1, 151)])
        s.flush()
        cid = 0
        for i in range(1, 151):
            for k in range(2 + i % 4):
                cid += 1
                s.add(Comment(id=cid, post_id=i, author_id=(i * 7 + k * 13) % 120 + 1, body="Nice post"))
        s.execute(insert(post_tags), [{"post_id": i, "tag_id": t} for i in range(1, 151) for t in {i % 10 + 1, (i + 3) % 10 + 1}])
        s.commit()
    engine.dispose()
