package main

// The corpus scenarios (the same routes, rows, ids and pages as the Node generators' scenarios.cjs), each with the
// statement its expected finding names. p_ scenarios expect one finding, f_ and n_ none.

import (
	"fmt"
	"strings"
)

type run struct{ description, method, path string }

type scenario struct {
	name   string
	runs   []run
	expect *expected // nil: no finding
}

func list(route, what string, ns ...int) []run {
	method := "GET"
	if strings.HasPrefix(route, "POST ") {
		method, route = "POST", strings.TrimPrefix(route, "POST ")
	}
	var out []run
	for _, n := range ns {
		out = append(out, run{fmt.Sprintf("%s, %d rows", what, n), method, fmt.Sprintf("%s?limit=%d", route, n)})
	}
	return out
}

func ids(route, what string, sets ...[]int) []run {
	method := "GET"
	if strings.HasPrefix(route, "POST ") {
		method, route = "POST", strings.TrimPrefix(route, "POST ")
	}
	var out []run
	for _, set := range sets {
		s := make([]string, len(set))
		for i, n := range set {
			s[i] = fmt.Sprint(n)
		}
		out = append(out, run{fmt.Sprintf("%s, %d ids", what, len(set)), method, route + "?ids=" + strings.Join(s, ",")})
	}
	return out
}

func span(a, b int) []int {
	var out []int
	for i := a; i <= b; i++ {
		out = append(out, i)
	}
	return out
}

// GORM's SQLite dialect quotes names with backticks; the plugin inlines the values (its default).
const (
	authorByID   = "FROM `authors` WHERE `authors`.`id` = ?"
	postsPage    = "FROM `posts` WHERE `posts`.`deleted_at` IS NULL ORDER BY id LIMIT"
	commentsOf   = "FROM `comments` WHERE post_id = ?"
	assocComment = "FROM `comments` WHERE `comments`.`post_id` = ?"
)

func n1(contains string, extra expected) *expected {
	extra.StatementContains, extra.Kind = contains, "n_plus_one"
	return &extra
}

func write(contains string) *expected {
	return &expected{StatementContains: contains, Kind: "repeated_write"}
}

// scenarios: each p_ and f_ scenario also runs once more on the handle traced with WithoutQueryVariables(), and,
// with pg, on PostgreSQL with either handle.
func scenarios(pg bool) []scenario {
	all := baseScenarios()
	for i, s := range all {
		if !strings.HasPrefix(s.name, "p_") && !strings.HasPrefix(s.name, "f_") {
			continue
		}
		last, first := s.runs[len(s.runs)-1], s.runs[0]
		more := []run{{last.description + ", tracing.WithoutQueryVariables()", last.method, last.path + "&vars=0"}}
		if pg {
			more = append(more,
				run{first.description + ", PostgreSQL", first.method, first.path + "&db=pg"},
				run{last.description + ", PostgreSQL, tracing.WithoutQueryVariables()", last.method, last.path + "&db=pg&vars=0"})
		}
		all[i].runs = append(s.runs, more...)
	}
	return all
}

func baseScenarios() []scenario {
	return []scenario{
		{"p_many_to_one", list("/posts/authors", "posts, db.First(&post.Author, post.AuthorID) each", 5, 12, 30),
			n1(authorByID, expected{SourceContains: postsPage})},
		{"p_one_to_many", list("/posts/comments", `posts, Association("Comments").Find each`, 6, 10, 16),
			n1(assocComment, expected{SourceContains: postsPage})},
		{"p_nested", list("/posts/thread", "posts, their comments, each comment's db.First(&c.Author)", 3, 5, 7),
			n1(authorByID, expected{SourceContains: commentsOf, ChainContains: []string{postsPage, commentsOf}})},
		{"p_wrapped_per_item", list("/posts/cards", "posts, db.First(&author) inside a renderPostCard span each", 5, 8, 15),
			n1(authorByID, expected{SourceContains: postsPage})},
		{"p_ids_no_source", ids("/posts/batch", "db.First(&post, id) per id", []int{9, 4, 17, 2, 30}, span(100, 110), span(31, 45)),
			n1("FROM `posts` WHERE `posts`.`id` = ?", expected{})},
		{"p_count_per_row", list("/posts/counts", `posts, Model(&Comment{}).Where("post_id = ?").Count each`, 5, 9, 15),
			n1("SELECT count(*) FROM `comments` WHERE post_id = ?", expected{SourceContains: postsPage})},
		{"p_insert_per_row", ids("POST /tags/3/posts", "db.Create(&PostTag{}) per post", span(1, 5), span(1, 8), span(1, 16)),
			write("INSERT INTO `post_tags`")},
		{"p_update_per_row", list("POST /posts/views", `posts, Update("view_count", gorm.Expr(...)) each`, 5, 11, 16),
			write("UPDATE `posts` SET `view_count`=view_count + ?")},
		{"p_parallel", list("/posts/authors-parallel", "posts, db.First(&post.Author) in a goroutine each", 6, 12, 20),
			n1(authorByID, expected{SourceContains: postsPage, Parallel: true})},

		{"f_many_to_one", append(list("/posts/authors-fixed", `Preload("Author")`, 5, 12, 30),
			list("/posts/authors-joined", `Joins("Author")`, 5, 30)...), nil},
		{"f_one_to_many", list("/posts/comments-fixed", `Preload("Comments")`, 6, 10, 16), nil},
		{"f_nested", list("/posts/thread-fixed", `Preload("Comments.Author")`, 3, 5, 7), nil},
		{"f_ids_no_source", ids("/posts/batch-fixed", `Where("id IN ?", ids).Find`, []int{9, 4, 17, 2, 30}, span(100, 110)), nil},
		{"f_count_per_row", list("/posts/counts-fixed", "LEFT JOIN comments, COUNT, Group(\"posts.id\")", 5, 9, 15), nil},
		{"f_insert_per_row", ids("POST /tags/3/posts-fixed", "CreateInBatches", span(1, 5), span(1, 16)), nil},
		{"f_update_per_row", list("POST /posts/views-fixed", `Where("id IN ?").Update(gorm.Expr(...))`, 5, 16), nil},
		{"f_parallel", list("/posts/authors-fixed", `Preload("Author")`, 6, 20), nil},
		{"n_under_threshold", list("/posts/authors", "posts, few rows", 3, 4, 4), nil},
		{"n_pagination", []run{
			{"export, 6 pages by Limit/Offset", "GET", "/export?pages=6"},
			{"export, 7 pages by Limit/Offset", "GET", "/export?pages=7"},
			{`export, 6 pages by keyset (Where("id > ?"))`, "GET", "/export?pages=6&keyset=1"},
		}, nil},
		{"n_retry", []run{
			{"read retried after 2 database-is-locked errors", "GET", "/posts/1?failures=2"},
			{"read retried after 4 database-is-locked errors", "GET", "/posts/1?failures=4"},
			{"read retried after 5 database-is-locked errors", "GET", "/posts/1?failures=5"},
		}, nil},
		{"n_lookup_by_id", []run{
			{`one post by id, Preload("Author")`, "GET", "/posts/7"},
			{`one post by id, Preload("Author")`, "GET", "/posts/42"},
		}, nil},
		{"n_cached", list("/posts/cached-authors", "posts by 3 authors, authors cached in the request", 12, 25), nil},
		{"n_many_distinct", []run{
			{"dashboard, many distinct queries", "GET", "/admin"},
			{"dashboard, many distinct queries", "GET", "/admin"},
		}, nil},
	}
}
