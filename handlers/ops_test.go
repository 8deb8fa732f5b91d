package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/common/expfmt"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// syncBuffer is a log destination safe for concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logLines decodes JSON log lines.
func logLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

var errStoreDown = errors.New("connection refused")

// A failing request logs its error chain once, with the request id, and the
// request id reaches every line logged with the request's context.
func TestFailedRequestLogsErrorAndRequestID(t *testing.T) {
	var buf syncBuffer
	log := obs.NewLogger(&buf, "info", "json")
	r := NewRouter(Options{Log: log, Routes: []func(*gin.Engine){func(e *gin.Engine) {
		e.GET("/fail", func(c *gin.Context) {
			log.InfoContext(c.Request.Context(), "engine step") // as the engine, store or a channel would
			writeError(c, fmt.Errorf("bot: load session: %w", fmt.Errorf("store: sessions: %w", errStoreDown)))
		})
		e.GET("/panic", func(*gin.Context) { panic("boom") })
	}}})

	req := httptest.NewRequest("GET", "/fail", nil)
	req.Header.Set("X-Request-ID", "req-42")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != 500 || !strings.Contains(w.Body.String(), "req-42") || strings.Contains(w.Body.String(), "refused") {
		t.Fatalf("response %d %s: want 500 with the request id and no detail", w.Code, w.Body.String())
	}
	lines := logLines(t, buf.String())
	var withErr int
	for _, l := range lines {
		if l["request_id"] != "req-42" {
			t.Errorf("log line without the request id: %v", l)
		}
		if e, ok := l["err"].(string); ok {
			withErr++
			if e != "bot: load session: store: sessions: connection refused" {
				t.Errorf("err = %q, want the whole chain", e)
			}
			if l["level"] != "ERROR" || l["status"] != float64(500) {
				t.Errorf("failure line %v: want level ERROR, status 500", l)
			}
		}
	}
	if withErr != 1 || len(lines) != 2 {
		t.Fatalf("want the step line and one access line carrying the error, got:\n%s", buf.String())
	}

	buf = syncBuffer{}
	req = httptest.NewRequest("GET", "/panic", nil)
	req.Header.Set("X-Request-ID", "req-43")
	r.ServeHTTP(httptest.NewRecorder(), req)
	out := buf.String()
	if !strings.Contains(out, `"panic":"boom"`) || !strings.Contains(out, "goroutine") || !strings.Contains(out, `"request_id":"req-43"`) {
		t.Fatalf("panic not logged with a stack and the request id:\n%s", out)
	}
}

func TestMetricsParse(t *testing.T) {
	r := NewRouter(Options{Metrics: obs.Handler(), Routes: []func(*gin.Engine){
		LimitedChatRoutes(fakeEngine{}, ChatLimits{}),
	}})
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/chat", strings.NewReader(`{"session_id":"s1","text":"hi"}`)))
	obs.Turns.WithLabelValues("web", "greeting").Inc()
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != 200 {
		t.Fatalf("GET /metrics = %d", w.Code)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(strings.NewReader(w.Body.String()))
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v", err)
	}
	for _, name := range []string{
		"dvcbot_http_requests_total", "dvcbot_http_request_duration_seconds", "dvcbot_turns_total",
		"go_goroutines",
	} {
		if fams[name] == nil {
			t.Errorf("metric %s missing", name)
		}
	}
	var found bool
	for _, m := range fams["dvcbot_http_requests_total"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["route"] == "/api/chat" && labels["code"] == "200" && m.GetCounter().GetValue() >= 1 {
			found = true
		}
	}
	if !found {
		t.Error("the chat request is not counted by route and code")
	}
}

type fakeEngine struct{}

func (fakeEngine) Handle(ctx context.Context, m bot.Message) (bot.Response, error) {
	return bot.Response{Intent: bot.IntentGreeting, Replies: []bot.Reply{{Text: "xin chào " + m.ClientIP}}}, nil
}

func TestChatLimits(t *testing.T) {
	r := NewRouter(Options{TrustedProxies: []string{"10.0.0.0/8"}, Routes: []func(*gin.Engine){
		LimitedChatRoutes(fakeEngine{}, ChatLimits{PerIP: 3, PerSession: 2}),
	}})
	post := func(remote, xff, session string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/chat", strings.NewReader(`{"session_id":"`+session+`","text":"hi"}`))
		req.RemoteAddr = remote + ":1234"
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}
	// Per session: the third turn of one session in a minute is refused.
	for i := 0; i < 2; i++ {
		if w := post("192.0.2.1", "", "sess-a"); w.Code != 200 {
			t.Fatalf("turn %d = %d %s", i+1, w.Code, w.Body.String())
		}
	}
	w := post("192.0.2.1", "", "sess-a")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "Vui lòng đợi") {
		t.Fatalf("over the session limit: %d %q Retry-After=%q", w.Code, w.Body.String(), w.Header().Get("Retry-After"))
	}
	// Per IP: rotating sessions does not help; 192.0.2.1 has used 3 turns.
	if w := post("192.0.2.1", "", "sess-b"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("over the IP limit with a new session: %d", w.Code)
	}
	// X-Forwarded-For from an untrusted peer is ignored: a spoofed address
	// does not escape the limit.
	if w := post("192.0.2.1", "198.51.100.7", "sess-c"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("spoofed X-Forwarded-For escaped the limit: %d", w.Code)
	}
	// From a trusted proxy the forwarded address is the client.
	for i := 0; i < 3; i++ {
		w := post("10.1.2.3", "198.51.100.8", fmt.Sprintf("sess-d%d", i))
		if w.Code != 200 || !strings.Contains(w.Body.String(), "198.51.100.8") {
			t.Fatalf("behind a trusted proxy, turn %d = %d %s", i+1, w.Code, w.Body.String())
		}
	}
	if w := post("10.1.2.3", "198.51.100.8", "sess-e"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("forwarded client over its limit: %d", w.Code)
	}
	if w := post("10.1.2.3", "198.51.100.9", "sess-f"); w.Code != 200 {
		t.Fatalf("another client behind the same proxy was limited: %d", w.Code)
	}
}

// BenchmarkChatHTTP is one /api/chat turn through the middleware (request id,
// access log, HTTP metrics, limits) with an engine that does nothing: the
// per-request cost of the HTTP layer's instrumentation.
func BenchmarkChatHTTP(b *testing.B) {
	r := NewRouter(Options{Routes: []func(*gin.Engine){LimitedChatRoutes(fakeEngine{}, ChatLimits{PerIP: 1 << 30, PerSession: 1 << 30})}})
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("POST", "/api/chat", strings.NewReader(`{"session_id":"s1","text":"hi"}`)))
	}
}
