// Records the SQL GORM v1 (github.com/jinzhu/gorm, Debian golang-github-jinzhu-gorm-dev) really sends for the
// N+1 scenarios and their fixes, with SQLite (mattn/go-sqlite3, cgo).
// Debian: apt-get install golang-go golang-github-jinzhu-gorm-dev golang-github-mattn-go-sqlite3-dev libsqlite3-dev gcc
// Run:    GOPATH=/usr/share/gocode GO111MODULE=off go run packages/guidance/recorded/generators/gorm.go > packages/guidance/recorded/gorm.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/jinzhu/gorm"
	_ "github.com/jinzhu/gorm/dialects/sqlite"
)

type Author struct {
	gorm.Model
	Name string
}

type Post struct {
	gorm.Model
	AuthorID uint
	Author   Author
	Title    string
	Comments []Comment
}

type Comment struct {
	gorm.Model
	PostID   uint
	AuthorID uint
	Author   Author
	Body     string
}

// recorder is a GORM v1 logger: Print("sql", source, duration, sql, vars, rowsAffected) for each statement.
type recorder struct{ sqls []string }

func (r *recorder) Print(v ...interface{}) {
	if len(v) > 3 && v[0] == "sql" {
		if s, ok := v[3].(string); ok {
			r.sqls = append(r.sqls, s)
		}
	}
}

type expected struct {
	Orm             string   `json:"orm"`
	Strategy        string   `json:"strategy"`
	SnippetContains []string `json:"snippetContains"`
}

type scenario struct {
	Name            string   `json:"name"`
	Kind            string   `json:"kind"`
	SourceStatement *string  `json:"sourceStatement"`
	Statement       string   `json:"statement"`
	Repeats         int      `json:"repeats"`
	Chain           []string `json:"chain,omitempty"`
	Recorded        []string `json:"recorded"`
	FixStatements   []string `json:"fixStatements"`
	Expected        expected `json:"expected"`
}

var rec = &recorder{}

func capture(fn func()) []string {
	rec.sqls = nil
	fn()
	return rec.sqls
}

// First(&a, id) inlines the key, so statements are grouped the way a trace tool groups them: literals aside.
var number = regexp.MustCompile(`\b\d+\b`)

func run(name, kind string, n1, fix func(), exp expected, withSource, chain bool) scenario {
	sqls := capture(n1)
	counts := map[string]int{}
	var distinct []string
	for _, s := range sqls {
		key := number.ReplaceAllString(s, "?")
		if counts[key] == 0 {
			distinct = append(distinct, s)
		}
		counts[key]++
	}
	statement, repeats := "", 0
	for _, s := range distinct {
		if n := counts[number.ReplaceAllString(s, "?")]; n > repeats {
			statement, repeats = s, n
		}
	}
	out := scenario{Name: name, Kind: kind, Statement: statement, Repeats: repeats, Recorded: sqls, Expected: exp}
	// The query whose rows drive the loop: the first one, or for a nested loop the level just above.
	above := distinct[0]
	if chain {
		out.Chain = distinct
		for i, s := range distinct {
			if s == statement && i > 0 {
				above = distinct[i-1]
			}
		}
	}
	if withSource && above != statement {
		out.SourceStatement = &above
	}
	if fix != nil {
		out.FixStatements = capture(fix)
	}
	return out
}

func must(db *gorm.DB) {
	if db.Error != nil {
		panic(db.Error)
	}
}

func main() {
	db, err := gorm.Open("sqlite3", ":memory:")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	must(db.AutoMigrate(&Author{}, &Post{}, &Comment{}))
	for a := 1; a <= 3; a++ {
		must(db.Create(&Author{Name: fmt.Sprintf("author %d", a)}))
	}
	for p := 1; p <= 5; p++ {
		post := Post{AuthorID: uint(p%3 + 1), Title: fmt.Sprintf("post %d", p)}
		must(db.Create(&post))
		for c := 1; c <= 2; c++ {
			must(db.Create(&Comment{PostID: post.ID, AuthorID: uint(c), Body: fmt.Sprintf("comment %d", c)}))
		}
	}
	db.SetLogger(rec)
	db.LogMode(true)

	gormExp := func(strategy string, snippets ...string) expected {
		return expected{Orm: "gorm", Strategy: strategy, SnippetContains: snippets}
	}
	var scenarios []scenario

	scenarios = append(scenarios, run("many_to_one", "n_plus_one", func() {
		var posts []Post
		must(db.Find(&posts))
		for i := range posts {
			must(db.Model(&posts[i]).Related(&posts[i].Author))
		}
	}, func() {
		var posts []Post
		must(db.Preload("Author").Find(&posts))
	}, gormExp("eager-many-to-one", `Preload("Author")`), true, false))

	scenarios = append(scenarios, run("one_to_many", "n_plus_one", func() {
		var posts []Post
		must(db.Find(&posts))
		for i := range posts {
			must(db.Model(&posts[i]).Related(&posts[i].Comments))
		}
	}, func() {
		var posts []Post
		must(db.Preload("Comments").Find(&posts))
	}, gormExp("eager-one-to-many", `Preload("Comments")`), true, false))

	scenarios = append(scenarios, run("one_to_many_where", "n_plus_one", func() {
		var posts []Post
		must(db.Find(&posts))
		for i := range posts {
			must(db.Where("post_id = ?", posts[i].ID).Find(&posts[i].Comments))
		}
	}, func() {
		var posts []Post
		must(db.Preload("Comments").Find(&posts))
	}, gormExp("eager-one-to-many", `Preload("Comments")`), true, false))

	scenarios = append(scenarios, run("nested", "n_plus_one", func() {
		var posts []Post
		must(db.Find(&posts))
		for i := range posts {
			must(db.Model(&posts[i]).Related(&posts[i].Comments))
			for j := range posts[i].Comments {
				c := &posts[i].Comments[j]
				must(db.Model(c).Related(&c.Author))
			}
		}
	}, func() {
		var posts []Post
		must(db.Preload("Comments.Author").Find(&posts))
	}, gormExp("chained", `Preload("Comments.Author")`), true, true))

	scenarios = append(scenarios, run("count_per_row", "n_plus_one", func() {
		var posts []Post
		must(db.Find(&posts))
		for i := range posts {
			var n int
			must(db.Model(&Comment{}).Where("post_id = ?", posts[i].ID).Count(&n))
		}
	}, func() {
		type row struct {
			PostID uint
			N      int
		}
		var rows []row
		must(db.Model(&Comment{}).Select("post_id, count(*) AS n").Group("post_id").Scan(&rows))
	}, gormExp("aggregate", "Group(", "COUNT("), true, false))

	scenarios = append(scenarios, run("insert_per_row", "repeated_write", func() {
		for i := 0; i < 5; i++ {
			must(db.Create(&Comment{PostID: 1, AuthorID: 1, Body: fmt.Sprintf("bulk %d", i)}))
		}
	}, nil, gormExp("bulk-write", "CreateInBatches("), false, false))

	scenarios = append(scenarios, run("find_per_id", "n_plus_one", func() {
		for _, id := range []uint{1, 2, 3, 1, 2} {
			var a Author
			must(db.First(&a, id))
		}
	}, func() {
		var authors []Author
		must(db.Where("id IN (?)", []uint{1, 2, 3}).Find(&authors))
	}, gormExp("batch-ids", `Where("id IN ?"`), false, false))

	version, _ := exec.Command("dpkg-query", "-W", "-f=${Version}", "golang-github-jinzhu-gorm-dev").Output()
	out := map[string]interface{}{
		"orm":         "gorm",
		"package":     "golang-github-jinzhu-gorm-dev",
		"version":     strings.TrimSpace(string(version)),
		"generator":   "recorded/generators/gorm.go",
		"sdkLanguage": "go",
		"scopeName":   "gorm.io/plugin/opentelemetry",
		"dbSystem":    "sqlite",
		"scenarios":   scenarios,
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
