package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
)

// BenchmarkChatTurn measures one web chat turn through the whole HTTP handler
// (middleware, engine, search, embedded store): the overhead of metrics and
// logging is judged against it.
func BenchmarkChatTurn(b *testing.B) {
	cfg := testConfig(&testing.T{}, b.TempDir())
	a, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close(context.Background())
	h := a.Handler()
	questions := []string{"làm lại cccd cần giấy tờ gì", "đăng ký khai sinh ở đâu", "lệ phí cấp hộ chiếu", "xin chào"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := fmt.Sprintf(`{"session_id":"bench-%d","text":%q}`, i%50, questions[i%len(questions)])
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", "/api/chat", strings.NewReader(body)))
		if w.Code != 200 {
			b.Fatalf("turn = %d %s", w.Code, w.Body.String())
		}
	}
}

type nopEngine struct{}

func (nopEngine) Handle(context.Context, bot.Message) (bot.Response, error) {
	return bot.Response{Intent: bot.IntentProcedure}, nil
}

type nopSearcher struct{}

func (nopSearcher) Search(context.Context, string, int) (bot.SearchResult, error) {
	return bot.SearchResult{}, nil
}

func (nopSearcher) SearchWithin(context.Context, string, string, int) (bot.SearchResult, error) {
	return bot.SearchResult{}, nil
}

type nopSessions struct{}

func (nopSessions) LoadSession(context.Context, string) (bot.Session, error) {
	return bot.Session{}, nil
}
func (nopSessions) SaveSession(context.Context, *bot.Session) error { return nil }

// BenchmarkTurnInstrumentation is what metrics add to one turn: the turn
// counter and histogram, two searches, a session load and save.
func BenchmarkTurnInstrumentation(b *testing.B) {
	e := meteredEngine{nopEngine{}}
	s := timedSearcher{nopSearcher{}}
	st := timedSessions{nopSessions{}}
	ctx := context.Background()
	m := bot.Message{Channel: bot.ChannelWeb, ChatID: "x"}
	for i := 0; i < b.N; i++ {
		_, _ = e.Handle(ctx, m)
		_, _ = s.Search(ctx, "q", 5)
		_, _ = s.Search(ctx, "q", 5)
		_, _ = st.LoadSession(ctx, "k")
		_ = st.SaveSession(ctx, &bot.Session{})
	}
}
