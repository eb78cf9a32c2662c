package main

// Drives the scenarios over HTTP and writes <scenario>.jsonl (one OTLP/JSON export request per line, as the
// exporter sent them) and labels.json. Repeats are counted from the statements really exported.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

type expected struct {
	StatementContains string   `json:"statementContains"`
	Kind              string   `json:"kind"`
	Repeats           int      `json:"repeats"`
	SourceContains    string   `json:"sourceContains,omitempty"`
	ChainContains     []string `json:"chainContains,omitempty"`
	Parallel          bool     `json:"parallel,omitempty"`
}

type label struct {
	File        string     `json:"file"`
	Scenario    string     `json:"scenario"`
	TraceID     string     `json:"traceId"`
	Description string     `json:"description"`
	Expected    []expected `json:"expected"`
}

type corpus struct {
	dir    string
	base   string
	tp     *sdktrace.TracerProvider
	rx     *capture
	pg     bool // also run each p_ and f_ scenario on PostgreSQL
	labels []label
}

func newCorpus(dir, base string, tp *sdktrace.TracerProvider, rx *capture, pg bool) *corpus {
	return &corpus{dir: dir, base: base, tp: tp, rx: rx, pg: pg}
}

// dbSpan is one span with a statement, as exported.
type dbSpan struct {
	statement  string
	start, end uint64
}

var (
	quoted  = regexp.MustCompile(`'(?:[^']|'')*'`)
	dollar  = regexp.MustCompile(`\$\d+`)
	numbers = regexp.MustCompile(`\b\d+(?:\.\d+)?\b`)
	spaces  = regexp.MustCompile(`\s+`)
)

// norm: lower case, names unquoted, literals and $n as ?, one space: enough to count repeats (the plugin inlines
// values by default; SQLite quotes names with backticks, PostgreSQL with double quotes).
func norm(sql string) string {
	s := quoted.ReplaceAllString(strings.ToLower(sql), "?")
	s = strings.NewReplacer("`", "", `"`, "").Replace(dollar.ReplaceAllString(s, "?"))
	return spaces.ReplaceAllString(numbers.ReplaceAllString(s, "?"), " ")
}

func statementOf(s ptrace.Span) string {
	for _, key := range []string{"db.query.text", "db.statement"} {
		if v, ok := s.Attributes().Get(key); ok {
			return v.Str()
		}
	}
	return ""
}

// trace holds one request's exported spans with a statement, and whether its SERVER span arrived.
func traceOf(reqs []ptraceotlp.ExportRequest, traceID string) (spans []dbSpan, done bool) {
	for _, req := range reqs {
		rss := req.Traces().ResourceSpans()
		for i := 0; i < rss.Len(); i++ {
			sss := rss.At(i).ScopeSpans()
			for j := 0; j < sss.Len(); j++ {
				ss := sss.At(j).Spans()
				for k := 0; k < ss.Len(); k++ {
					s := ss.At(k)
					if s.TraceID().String() != traceID {
						continue
					}
					if s.Kind() == ptrace.SpanKindServer {
						done = true
					}
					if st := statementOf(s); st != "" {
						spans = append(spans, dbSpan{st, uint64(s.StartTimestamp()), uint64(s.EndTimestamp())})
					}
				}
			}
		}
	}
	return spans, done
}

func repeatsOf(spans []dbSpan, contains string) (n int) {
	for _, s := range spans {
		if strings.Contains(norm(s.statement), norm(contains)) {
			n++
		}
	}
	return n
}

// overlapping: some two of the matching spans ran at the same time (the goroutine fan-out).
func overlapping(spans []dbSpan, contains string) bool {
	var open []dbSpan
	for _, s := range spans {
		if !strings.Contains(norm(s.statement), norm(contains)) {
			continue
		}
		for _, o := range open {
			if s.start < o.end && o.start < s.end {
				return true
			}
		}
		open = append(open, s)
	}
	return false
}

func (c *corpus) call(method, path string) (string, error) {
	req, err := http.NewRequest(method, c.base+path, nil)
	if err != nil {
		return "", err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s: %s", method, path, res.Status)
	}
	return res.Header.Get("X-Trace-Id"), nil
}

// scenario runs the requests, flushes the SDK until every request's SERVER span was exported, and writes the file.
func (c *corpus) scenario(s scenario) error {
	if _, err := c.rx.take(); err != nil {
		return err
	}
	var ids []string
	for _, r := range s.runs {
		id, err := c.call(r.method, r.path)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		ids = append(ids, id)
	}
	var reqs []ptraceotlp.ExportRequest
	for attempt := 0; ; attempt++ {
		if err := c.tp.ForceFlush(context.Background()); err != nil {
			return err
		}
		got, err := c.rx.take()
		if err != nil {
			return err
		}
		reqs = append(reqs, got...)
		all := true
		for _, id := range ids {
			if _, done := traceOf(reqs, id); !done {
				all = false
			}
		}
		if all {
			break
		}
		if attempt == 100 {
			return fmt.Errorf("%s: SERVER spans never exported", s.name)
		}
		time.Sleep(10 * time.Millisecond)
	}
	file := s.name + ".jsonl"
	var lines []byte
	for _, req := range reqs {
		line, err := req.MarshalJSON()
		if err != nil {
			return err
		}
		lines = append(append(lines, line...), '\n')
	}
	if err := os.WriteFile(filepath.Join(c.dir, file), lines, 0o644); err != nil {
		return err
	}
	for i, r := range s.runs {
		spans, _ := traceOf(reqs, ids[i])
		var exp []expected
		if s.expect != nil {
			e := *s.expect
			e.Repeats = repeatsOf(spans, e.StatementContains)
			if e.Repeats < 5 {
				return fmt.Errorf("%s: %s: only %d x %s", s.name, r.description, e.Repeats, e.StatementContains)
			}
			// A goroutine per row may still run one query at a time (fast SQLite reads, 2 cores): the label
			// says what the spans show.
			e.Parallel = e.Parallel && overlapping(spans, e.StatementContains)
			exp = []expected{e}
		}
		c.labels = append(c.labels, label{file, s.name, ids[i], r.description, exp})
		if exp == nil {
			c.labels[len(c.labels)-1].Expected = []expected{}
		}
	}
	return nil
}

func (c *corpus) runAll() error {
	if err := os.RemoveAll(c.dir); err != nil {
		return err
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	for _, s := range scenarios(c.pg) {
		if err := c.scenario(s); err != nil {
			return err
		}
	}
	return nil
}

func (c *corpus) positives() (n int) {
	for _, l := range c.labels {
		if len(l.Expected) > 0 {
			n++
		}
	}
	return n
}

func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == path {
				return m.Version
			}
		}
	}
	return "?"
}

func (c *corpus) finish(protocol string) error {
	versions := map[string]string{"go": runtime.Version()}
	for _, m := range []string{"gorm.io/gorm", "gorm.io/driver/sqlite", "github.com/mattn/go-sqlite3", "gorm.io/driver/postgres", "github.com/jackc/pgx/v5"} {
		versions[m] = moduleVersion(m)
	}
	exporter := "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	if protocol == "grpc" {
		exporter = "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	}
	doc := map[string]any{
		"orm":      "gorm",
		"stack":    "net/http + GORM v2 on SQLite (gorm.io/driver/sqlite, mattn/go-sqlite3)",
		"versions": versions,
		"instrumentation": fmt.Sprintf("real SDK: go.opentelemetry.io/otel/sdk %s (BatchSpanProcessor), %s %s (%s), otelhttp %s, gorm.io/plugin/opentelemetry %s (%s)",
			moduleVersion("go.opentelemetry.io/otel/sdk"), exporter, moduleVersion(exporter), protocol,
			moduleVersion("go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"),
			moduleVersion("gorm.io/plugin/opentelemetry"),
			"values inlined (the default); runs whose description ends in WithoutQueryVariables() keep the ? placeholders"),
		"traces": c.labels,
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.dir, "labels.json"), append(out, '\n'), 0o644)
}
