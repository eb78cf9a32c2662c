package main

// -guidance FILE: records the SQL GORM v2 sends for each N+1 route of app.go and for its fix, as
// packages/guidance/recorded/*.json holds it (see that README): statements exactly as GORM hands them to the driver,
// with ? placeholders, captured by a callback after each statement on a handle without the tracing plugin.

import (
	"encoding/json"
	"net/http/httptest"
	"os"

	"gorm.io/gorm"
)

type recordedScenario struct {
	Name            string         `json:"name"`
	Kind            string         `json:"kind"`
	SourceStatement *string        `json:"sourceStatement"`
	Statement       string         `json:"statement"`
	Chain           []string       `json:"chain,omitempty"`
	Repeats         int            `json:"repeats"`
	Recorded        []string       `json:"recorded"`
	FixStatements   []string       `json:"fixStatements"`
	Expected        map[string]any `json:"expected"`
}

// recorder collects every statement the handle runs.
type recorder struct{ sql []string }

func (r *recorder) install(db *gorm.DB) error {
	after := func(tx *gorm.DB) { r.sql = append(r.sql, tx.Statement.SQL.String()) }
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("n1:record", after),
		cb.Create().After("gorm:create").Register("n1:record", after),
		cb.Update().After("gorm:update").Register("n1:record", after),
		cb.Delete().After("gorm:delete").Register("n1:record", after),
		cb.Row().After("gorm:row").Register("n1:record", after),
		cb.Raw().After("gorm:raw").Register("n1:record", after),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// mostRepeated is the statement sent most often; the chain lists the distinct statements in order.
func mostRepeated(sql []string) (string, []string) {
	counts := map[string]int{}
	var distinct []string
	best := ""
	for _, s := range sql {
		if counts[s] == 0 {
			distinct = append(distinct, s)
		}
		counts[s]++
		if counts[s] > counts[best] {
			best = s
		}
	}
	return best, distinct
}

func recordGuidance(a *app, path string) error {
	db, err := open(a.dbPath)
	if err != nil {
		return err
	}
	rec := &recorder{}
	if err := rec.install(db); err != nil {
		return err
	}
	routes := a.routes()
	call := func(route, target string) ([]string, error) {
		rec.sql = nil
		err := routes[route](db, httptest.NewRequest("GET", target, nil))
		return rec.sql, err
	}
	specs := []struct {
		name, kind, route, fixRoute, query, strategy string
		snippet                                      []string
		source, nested                               bool
	}{
		{"many_to_one", "n_plus_one", "GET /posts/authors", "GET /posts/authors-fixed", "?limit=5", "eager-many-to-one", []string{`Preload("Author")`}, true, false},
		{"one_to_many", "n_plus_one", "GET /posts/comments", "GET /posts/comments-fixed", "?limit=5", "eager-one-to-many", []string{`Preload("Comments")`}, true, false},
		{"nested", "n_plus_one", "GET /posts/thread", "GET /posts/thread-fixed", "?limit=3", "chained", []string{`Preload("Comments.Author")`}, true, true},
		{"count_per_row", "n_plus_one", "GET /posts/counts", "GET /posts/counts-fixed", "?limit=5", "aggregate", []string{"Group(", "COUNT("}, true, false},
		{"find_per_id", "n_plus_one", "GET /posts/batch", "GET /posts/batch-fixed", "?ids=9,4,17,2,30", "batch-ids", []string{`Where("id IN ?"`}, false, false},
		{"insert_per_row", "repeated_write", "POST /tags/3/posts", "POST /tags/3/posts-fixed", "?ids=1,2,3,4,5", "bulk-write", []string{"CreateInBatches("}, false, false},
	}
	var scenarios []recordedScenario
	for _, s := range specs {
		sql, err := call(s.route, "/"+s.query)
		if err != nil {
			return err
		}
		fix, err := call(s.fixRoute, "/"+s.query)
		if err != nil {
			return err
		}
		statement, distinct := mostRepeated(sql)
		n := 0
		for _, q := range sql {
			if q == statement {
				n++
			}
		}
		r := recordedScenario{Name: s.name, Kind: s.kind, Statement: statement, Repeats: n, Recorded: sql, FixStatements: fix,
			Expected: map[string]any{"orm": "gorm", "strategy": s.strategy, "snippetContains": s.snippet}}
		if s.source {
			// the query just above the repeated one: the list for a plain loop, the comments for the nested one
			src := distinct[0]
			if s.nested {
				src = distinct[1]
				r.Chain = distinct
			}
			r.SourceStatement = &src
		}
		scenarios = append(scenarios, r)
	}
	doc := map[string]any{
		"orm": "gorm", "package": "gorm.io/gorm", "version": moduleVersion("gorm.io/gorm"),
		"generator": "../detector/corpus/generators/go (gormgen -guidance)", "sdkLanguage": "go",
		"scopeName": "gorm.io/plugin/opentelemetry", "dbSystem": "sqlite", "scenarios": scenarios,
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(out, '\n'), 0o644)
}
