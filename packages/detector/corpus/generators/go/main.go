// GORM v2 corpus generator: the blog app of app.go, traced by the real OpenTelemetry Go SDK (BatchSpanProcessor,
// otlptracehttp or otlptracegrpc), otelhttp and GORM's own plugin (gorm.io/plugin/opentelemetry/tracing), serves
// the corpus scenarios over real HTTP on 127.0.0.1. The exporter sends to capture.go's receiver, which writes
// every export request as one OTLP/JSON line and forwards it to n1radar when -n1radar-http / -n1radar-grpc name one.
//
// Run: ./record.sh (see the corpus README).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.30.0"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

func exporter(ctx context.Context, protocol, endpoint string) (sdktrace.SpanExporter, error) {
	if protocol == "grpc" {
		return otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(endpoint), otlptracegrpc.WithInsecure())
	}
	return otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(endpoint), otlptracehttp.WithInsecure())
}

// open: _busy_timeout=0, so a locked database fails at once (the retry scenario), as with the Node and Python apps.
func open(path string) (*gorm.DB, error) {
	return gorm.Open(sqlite.Open(path+"?_busy_timeout=0"), &gorm.Config{Logger: logger.Discard})
}

func main() {
	out := flag.String("out", "", "corpus directory (packages/detector/corpus); the gorm/ folder is rewritten")
	protocol := flag.String("protocol", "http/protobuf", "OTLP protocol of the Go SDK exporter: http/protobuf or grpc")
	n1HTTP := flag.String("n1radar-http", "", "forward each export to this OTLP/HTTP URL (…/v1/traces)")
	n1GRPC := flag.String("n1radar-grpc", "", "forward each export to this OTLP gRPC host:port")
	pgDSN := flag.String("postgres", "", "also run each p_ and f_ scenario once on this PostgreSQL database (its tables are recreated)")
	guidanceOut := flag.String("guidance", "", "instead of the corpus, write the SQL of each N+1 and its fix to this file (packages/guidance/recorded/gorm-v2.json)")
	flag.Parse()
	if *out == "" && *guidanceOut == "" {
		log.Fatal("-out or -guidance is required")
	}
	ctx := context.Background()

	rx := &capture{}
	endpoint, err := rx.listen(*protocol, *n1HTTP, *n1GRPC)
	if err != nil {
		log.Fatal(err)
	}
	exp, err := exporter(ctx, *protocol, endpoint)
	if err != nil {
		log.Fatal(err)
	}
	res, err := resource.New(ctx, resource.WithTelemetrySDK(), resource.WithAttributes(
		semconv.ServiceName("blog-api"), semconv.ServiceVersion("0.9.2"), semconv.DeploymentEnvironmentName("production")))
	if err != nil {
		log.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})

	work, err := os.MkdirTemp("", "n1-gorm-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)
	dbPath := filepath.Join(work, "blog.sqlite")
	// Per database, two handles: the plugin's default (values inlined into db.query.text) and, for requests with
	// ?vars=0, tracing.WithoutQueryVariables() (the SQL as sent, with placeholders). Requests with ?db=pg go to
	// PostgreSQL when -postgres names one.
	dbs := map[string]handles{}
	sqliteHandles, err := traced(func() (*gorm.DB, error) { return open(dbPath) })
	if err != nil {
		log.Fatal(err)
	}
	dbs[""] = sqliteHandles
	if *pgDSN != "" {
		pgHandles, err := traced(func() (*gorm.DB, error) {
			return gorm.Open(postgres.Open(*pgDSN), &gorm.Config{Logger: logger.Discard})
		})
		if err != nil {
			log.Fatal(err)
		}
		dbs["pg"] = pgHandles
	}
	db := sqliteHandles.vars

	a := &app{db: db, dbPath: dbPath}
	if *guidanceOut != "" {
		if err := recordGuidance(a, *guidanceOut); err != nil {
			log.Fatal(err)
		}
		return
	}
	mux := http.NewServeMux()
	for route, handler := range a.routes() {
		mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Trace-Id", trace.SpanContextFromContext(r.Context()).TraceID().String())
			hs := dbs[r.URL.Query().Get("db")]
			h := hs.vars
			if r.URL.Query().Get("vars") == "0" {
				h = hs.noVars
			}
			if err := handler(h.WithContext(r.Context()), r); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			_, _ = w.Write([]byte(`{"ok":true}`))
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = http.Serve(ln, otelhttp.NewHandler(mux, "blog-api")) }()

	c := newCorpus(filepath.Join(*out, "gorm"), "http://"+ln.Addr().String(), tp, rx, *pgDSN != "")
	if err := c.runAll(); err != nil {
		log.Fatal(err)
	}
	if err := c.finish(*protocol); err != nil {
		log.Fatal(err)
	}
	if err := tp.Shutdown(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("gorm: %d traces (%d with expected findings) -> %s\n", len(c.labels), c.positives(), c.dir)
}
