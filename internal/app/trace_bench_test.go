package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/dvcbot/dvcbot/internal/obs"
)

// BenchmarkTurnTracing measures one web chat turn through the whole HTTP
// handler with tracing off (no provider: the spans are no-ops) and on (the
// SDK recording every span into a batching in-memory exporter, as with an
// OTLP endpoint minus the network). Compare ns/op of the two.
func BenchmarkTurnTracing(b *testing.B) {
	cfg := testConfig(&testing.T{}, b.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close(context.Background())
	h := a.Handler()
	turn := func(b *testing.B, i int) {
		body := fmt.Sprintf(`{"session_id":"bench-%d","text":"làm hộ chiếu mất bao lâu"}`, i%64)
		req := httptest.NewRequest(http.MethodPost, "/api/chat", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("chat = %d %s", w.Code, w.Body.String())
		}
	}
	for _, mode := range []string{"off", "on"} {
		b.Run("tracing="+mode, func(b *testing.B) {
			if mode == "on" {
				tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewInMemoryExporter(), sdktrace.WithBatchTimeout(100*time.Millisecond)))
				otel.SetTracerProvider(tp)
				defer func() { _ = tp.Shutdown(context.Background()); otel.SetTracerProvider(noop.NewTracerProvider()) }()
			}
			for i := 0; i < b.N; i++ {
				turn(b, i)
			}
		})
	}
}

// BenchmarkMetricsPerTurn is the cost of the metric updates one turn makes
// (turn counter and latency, search latency, three store operations, the
// HTTP counter and latency).
func BenchmarkMetricsPerTurn(b *testing.B) {
	for i := 0; i < b.N; i++ {
		obs.Turns.WithLabelValues("web", "procedure").Inc()
		obs.TurnDuration.WithLabelValues("web").Observe(0.004)
		obs.SearchDuration.Observe(0.002)
		obs.StoreDuration.WithLabelValues("load_session").Observe(0.0005)
		obs.StoreDuration.WithLabelValues("save_session").Observe(0.0008)
		obs.StoreDuration.WithLabelValues("record_turn").Observe(0.0004)
		obs.HTTPRequests.WithLabelValues("/api/chat", "POST", "200").Inc()
		obs.HTTPDuration.WithLabelValues("/api/chat").Observe(0.005)
	}
}
