package main

// The blog app: net/http routes with otelhttp, GORM v2 on SQLite (gorm.io/driver/sqlite, cgo) traced by GORM's
// own OpenTelemetry plugin. Every handler passes the request's context to GORM (db.WithContext), as the plugin
// needs to parent its spans. Each route is one corpus scenario: the N+1, its fix, or a look-alike.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"gorm.io/gorm"
)

type Author struct {
	gorm.Model
	Name  string
	Email string
}

type Post struct {
	gorm.Model
	AuthorID  uint
	Author    Author
	Title     string
	Body      string
	ViewCount int
	Comments  []Comment
}

type Comment struct {
	gorm.Model
	PostID   uint
	AuthorID uint
	Author   Author
	Body     string
}

type Tag struct {
	ID   uint
	Name string
}

type PostTag struct {
	ID        uint
	PostID    uint
	TagID     uint
	CreatedAt time.Time
}

func seed(db *gorm.DB) error {
	if err := db.AutoMigrate(&Author{}, &Post{}, &Comment{}, &Tag{}, &PostTag{}); err != nil {
		return err
	}
	x := 5
	rand := func(n int) uint { x = (x*1103515245 + 12345) % 2147483648; return uint(x%n + 1) }
	var authors []Author
	for i := 1; i <= 120; i++ {
		authors = append(authors, Author{Name: fmt.Sprintf("Author %d", i), Email: fmt.Sprintf("a%d@example.org", i)})
	}
	var tags []Tag
	for i := 1; i <= 10; i++ {
		tags = append(tags, Tag{Name: fmt.Sprintf("tag%d", i)})
	}
	var posts []Post
	var comments []Comment
	for i := 1; i <= 150; i++ {
		posts = append(posts, Post{AuthorID: uint((i-1)%120 + 1), Title: fmt.Sprintf("Post %d", i), Body: "..."})
		for k := 0; k < 2+i%4; k++ {
			comments = append(comments, Comment{PostID: uint(i), AuthorID: rand(120), Body: "Nice post"})
		}
	}
	for _, batch := range []any{&authors, &tags, &posts, &comments} {
		if err := db.CreateInBatches(batch, 200).Error; err != nil {
			return err
		}
	}
	return nil
}

type app struct {
	db     *gorm.DB
	dbPath string // the SQLite file, for the retry scenario's second connection
}

func limitOf(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil {
		return 10
	}
	return n
}

func idsOf(r *http.Request) []uint {
	var ids []uint
	for _, s := range strings.Split(r.URL.Query().Get("ids"), ",") {
		if n, err := strconv.Atoi(s); err == nil {
			ids = append(ids, uint(n))
		}
	}
	return ids
}

// routes maps "METHOD /path" to a handler that returns the error to answer 500 with.
func (a *app) routes() map[string]func(*gorm.DB, *http.Request) error {
	tracer := otel.Tracer("blog-api")
	page := func(db *gorm.DB, r *http.Request) *gorm.DB { return db.Order("id").Limit(limitOf(r)) }
	return map[string]func(*gorm.DB, *http.Request) error{
		"GET /posts/authors": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			page(db, r).Find(&posts)
			for i := range posts {
				db.First(&posts[i].Author, posts[i].AuthorID)
			}
			return db.Error
		},
		"GET /posts/authors-fixed": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			return page(db, r).Preload("Author").Find(&posts).Error
		},
		"GET /posts/authors-joined": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			return db.Joins("Author").Order("posts.id").Limit(limitOf(r)).Find(&posts).Error
		},
		"GET /posts/authors-parallel": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			page(db, r).Find(&posts)
			var wg sync.WaitGroup
			for i := range posts {
				wg.Add(1)
				go func() { defer wg.Done(); db.First(&posts[i].Author, posts[i].AuthorID) }()
			}
			wg.Wait()
			return nil
		},
		"GET /posts/comments": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			page(db, r).Find(&posts)
			for i := range posts {
				if err := db.Model(&posts[i]).Association("Comments").Find(&posts[i].Comments); err != nil {
					return err
				}
			}
			return nil
		},
		"GET /posts/comments-fixed": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			return page(db, r).Preload("Comments").Find(&posts).Error
		},
		"GET /posts/thread": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			page(db, r).Find(&posts)
			for i := range posts {
				db.Where("post_id = ?", posts[i].ID).Find(&posts[i].Comments)
				for k := range posts[i].Comments {
					c := &posts[i].Comments[k]
					db.First(&c.Author, c.AuthorID)
				}
			}
			return nil
		},
		"GET /posts/thread-fixed": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			return page(db, r).Preload("Comments.Author").Find(&posts).Error
		},
		"GET /posts/cards": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			page(db, r).Find(&posts)
			for i := range posts {
				ctx, span := tracer.Start(db.Statement.Context, "renderPostCard")
				db.WithContext(ctx).First(&posts[i].Author, posts[i].AuthorID)
				span.End()
			}
			return nil
		},
		"GET /posts/batch": func(db *gorm.DB, r *http.Request) error {
			for _, id := range idsOf(r) {
				var p Post
				db.First(&p, id)
			}
			return nil
		},
		"GET /posts/batch-fixed": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			return db.Where("id IN ?", idsOf(r)).Find(&posts).Error
		},
		"GET /posts/counts": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			page(db, r).Find(&posts)
			for _, p := range posts {
				var n int64
				db.Model(&Comment{}).Where("post_id = ?", p.ID).Count(&n)
			}
			return nil
		},
		"GET /posts/counts-fixed": func(db *gorm.DB, r *http.Request) error {
			type row struct {
				Post
				CommentCount int64
			}
			var rows []row
			return db.Model(&Post{}).Select("posts.*, COUNT(comments.id) AS comment_count").
				Joins("LEFT JOIN comments ON comments.post_id = posts.id AND comments.deleted_at IS NULL").
				Group("posts.id").Order("posts.id").Limit(limitOf(r)).Scan(&rows).Error
		},
		"POST /tags/3/posts": func(db *gorm.DB, r *http.Request) error {
			for _, id := range idsOf(r) {
				if err := db.Create(&PostTag{PostID: id, TagID: 3}).Error; err != nil {
					return err
				}
			}
			return nil
		},
		"POST /tags/3/posts-fixed": func(db *gorm.DB, r *http.Request) error {
			var rows []PostTag
			for _, id := range idsOf(r) {
				rows = append(rows, PostTag{PostID: id, TagID: 3})
			}
			return db.CreateInBatches(rows, 100).Error
		},
		"POST /posts/views": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			page(db, r).Find(&posts)
			for i := range posts {
				db.Model(&posts[i]).Update("view_count", gorm.Expr("view_count + ?", 1))
			}
			return db.Error
		},
		"POST /posts/views-fixed": func(db *gorm.DB, r *http.Request) error {
			var ids []uint
			page(db, r).Model(&Post{}).Pluck("id", &ids)
			return db.Model(&Post{}).Where("id IN ?", ids).Update("view_count", gorm.Expr("view_count + ?", 1)).Error
		},
		"GET /posts/cached-authors": func(db *gorm.DB, r *http.Request) error {
			var posts []Post
			db.Where("author_id IN ?", []uint{1, 2, 3}).Order("id").Limit(limitOf(r)).Find(&posts)
			cache := map[uint]*Author{}
			for _, p := range posts {
				if cache[p.AuthorID] == nil {
					cache[p.AuthorID] = &Author{}
					db.First(cache[p.AuthorID], p.AuthorID)
				}
			}
			return nil
		},
		"GET /export": func(db *gorm.DB, r *http.Request) error {
			pages, _ := strconv.Atoi(r.URL.Query().Get("pages"))
			keyset := r.URL.Query().Get("keyset") != ""
			var last uint
			for i := 0; i < pages; i++ {
				var posts []Post
				if keyset {
					db.Where("id > ?", last).Order("id").Limit(20).Find(&posts)
					if len(posts) > 0 {
						last = posts[len(posts)-1].ID
					}
				} else {
					db.Order("id").Limit(20).Offset(i * 20).Find(&posts)
				}
			}
			return nil
		},
		"GET /posts/{id}": func(db *gorm.DB, r *http.Request) error {
			id, _ := strconv.Atoi(r.PathValue("id"))
			failures, _ := strconv.Atoi(r.URL.Query().Get("failures"))
			var p Post
			if failures == 0 {
				return db.Preload("Author").First(&p, id).Error
			}
			return a.retryPastLock(r.Context(), failures, func() error { return db.First(&p, id).Error })
		},
		"GET /admin": func(db *gorm.DB, r *http.Request) error {
			var n int64
			var posts []Post
			var authors []Author
			var tags []Tag
			db.Model(&Post{}).Count(&n)
			db.Model(&Comment{}).Count(&n)
			db.Model(&Author{}).Count(&n)
			db.Order("created_at desc").Limit(5).Find(&posts)
			db.Order("id desc").Limit(5).Find(&authors)
			db.Find(&tags)
			db.Model(&PostTag{}).Count(&n)
			db.Model(&Post{}).Where("view_count > ?", 10).Count(&n)
			db.Model(&Comment{}).Where("created_at > ?", time.Now().Add(-24*time.Hour)).Count(&n)
			return nil
		},
	}
}

// retryPastLock: another connection holds BEGIN EXCLUSIVE, so read fails with "database is locked" until the lock
// is released before the last attempt; the app retries with backoff, as a handler retrying SQLITE_BUSY would.
func (a *app) retryPastLock(ctx context.Context, failures int, read func() error) error {
	locker, err := sql.Open("sqlite3", a.dbPath)
	if err != nil {
		return err
	}
	defer locker.Close()
	conn, err := locker.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		return err
	}
	for attempt := 0; attempt <= failures; attempt++ {
		if attempt == failures {
			if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
				return err
			}
		}
		if err := read(); err == nil {
			return nil
		}
		time.Sleep(time.Duration(1<<attempt) * time.Millisecond)
	}
	return errors.New("read failed after the lock was released")
}
