package main

// The OTLP receiver the app's exporter sends to: it keeps every export request exactly as it arrived (OTLP/HTTP
// protobuf or gRPC), turns each into one OTLP/JSON line for the corpus with the Collector's own pdata marshaler
// (hex ids, string int64s: the OTLP/JSON the spec defines), and forwards the request unchanged to a running
// n1radar when one is named, so the same spans reach the real server too.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

type capture struct {
	mu       sync.Mutex
	requests []ptraceotlp.ExportRequest
	httpURL  string                // n1radar's OTLP/HTTP endpoint to forward to ("" = none)
	grpcOut  ptraceotlp.GRPCClient // n1radar's OTLP gRPC service (nil = none)
	errs     []error
	ptraceotlp.UnimplementedGRPCServer
}

func (c *capture) keep(req ptraceotlp.ExportRequest) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, req)
}

func (c *capture) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, err)
}

// take returns the requests received since the last call, and any forwarding error.
func (c *capture) take() ([]ptraceotlp.ExportRequest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.requests
	c.requests = nil
	if len(c.errs) > 0 {
		err := fmt.Errorf("forwarding to n1radar: %v", c.errs)
		c.errs = nil
		return out, err
	}
	return out, nil
}

// ServeHTTP is POST /v1/traces with a protobuf body, what otlptracehttp sends.
func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "expected an OTLP protobuf body", http.StatusBadRequest)
		return
	}
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalProto(body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.keep(req)
	if c.httpURL != "" {
		res, err := http.Post(c.httpURL, "application/x-protobuf", bytes.NewReader(body))
		if err != nil {
			c.fail(err)
		} else {
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode != http.StatusOK {
				c.fail(fmt.Errorf("n1radar answered %s", res.Status))
			}
		}
	}
	out, _ := ptraceotlp.NewExportResponse().MarshalProto()
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// Export is the gRPC TraceService/Export that otlptracegrpc calls.
func (c *capture) Export(ctx context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	c.keep(req)
	if c.grpcOut != nil {
		if _, err := c.grpcOut.Export(ctx, req); err != nil {
			c.fail(err)
		}
	}
	return ptraceotlp.NewExportResponse(), nil
}

// listen starts the receiver on a loopback port for the protocol and returns the exporter's endpoint (host:port).
func (c *capture) listen(protocol, n1radarHTTP, n1radarGRPC string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	switch protocol {
	case "http/protobuf":
		c.httpURL = n1radarHTTP
		mux := http.NewServeMux()
		mux.Handle("POST /v1/traces", c)
		go func() { _ = http.Serve(ln, mux) }()
	case "grpc":
		if n1radarGRPC != "" {
			conn, err := grpc.NewClient(n1radarGRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				return "", err
			}
			c.grpcOut = ptraceotlp.NewGRPCClient(conn)
		}
		srv := grpc.NewServer()
		ptraceotlp.RegisterGRPCServer(srv, c)
		go func() { _ = srv.Serve(ln) }()
	default:
		return "", fmt.Errorf("unknown protocol %q (http/protobuf or grpc)", protocol)
	}
	return ln.Addr().String(), nil
}
