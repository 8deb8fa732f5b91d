package app

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// fakeCollector is an OTLP/HTTP traces endpoint that keeps the spans it gets.
type fakeCollector struct {
	mu     sync.Mutex
	spans  map[string][]string // span name → trace ids (hex)
	parent map[string]string   // span id → parent span id
	ids    map[string]string   // span name → span id (the last one)
}

func (f *fakeCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req coltrace.ExportTraceServiceRequest
	if r.URL.Path != "/v1/traces" || proto.Unmarshal(body, &req) != nil {
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				f.spans[s.Name] = append(f.spans[s.Name], hex.EncodeToString(s.TraceId))
				f.ids[s.Name] = hex.EncodeToString(s.SpanId)
				f.parent[hex.EncodeToString(s.SpanId)] = hex.EncodeToString(s.ParentSpanId)
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	_, _ = w.Write(out)
}

// TestTracingExportsATurn: with an OTLP endpoint configured, one web chat turn
// is exported as one trace: the HTTP request, the turn under it, and the
// search and store operations under the turn; a traceparent sent by the
// caller is continued.
func TestTracingExportsATurn(t *testing.T) {
	col := &fakeCollector{spans: map[string][]string{}, parent: map[string]string{}, ids: map[string]string{}}
	srv := httptest.NewServer(col)
	defer srv.Close()
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })
	cfg := testConfig(t, t.TempDir())
	cfg.TraceEndpoint = srv.URL + "/v1/traces"
	base, stop := startApp(t, cfg)
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, _ := http.NewRequest("POST", base+"/api/chat", strings.NewReader(`{"session_id":"trace-1","text":"làm hộ chiếu cần giấy tờ gì"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("chat: %v %v", err, resp)
	}
	resp.Body.Close()
	if err := stop(); err != nil { // flushes the spans
		t.Fatal(err)
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	for _, name := range []string{"POST /api/chat", "turn", "search", "store.load_session", "store.save_session"} {
		ids := col.spans[name]
		if len(ids) == 0 || ids[0] != traceID {
			t.Fatalf("span %q: trace ids %v, want %s (got spans %v)", name, ids, traceID, col.spans)
		}
	}
	if col.parent[col.ids["turn"]] != col.ids["POST /api/chat"] || col.parent[col.ids["search"]] != col.ids["turn"] {
		t.Fatalf("spans are not nested request → turn → search: %v %v", col.ids, col.parent)
	}
}
