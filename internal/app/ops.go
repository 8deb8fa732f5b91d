package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/handlers"
	"github.com/dvcbot/dvcbot/internal/config"
	"github.com/dvcbot/dvcbot/internal/limit"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// chatEngine is what channels call; *bot.Engine implements it.
type chatEngine interface {
	Handle(ctx context.Context, m bot.Message) (bot.Response, error)
}

// meteredEngine counts turns by channel and intent and times them. It also
// puts the client ("channel:chat" unless the channel set one) in the context.
type meteredEngine struct{ next chatEngine }

func (e meteredEngine) Handle(ctx context.Context, m bot.Message) (bot.Response, error) {
	if obs.Client(ctx) == "" {
		ctx = obs.WithClient(ctx, m.Channel+":"+m.ChatID)
	}
	ctx, span := obs.Span(ctx, "turn", attribute.String("dvcbot.channel", m.Channel))
	start := time.Now()
	resp, err := e.next.Handle(ctx, m)
	span.SetAttributes(attribute.String("dvcbot.intent", resp.Intent), attribute.String("dvcbot.procedure_id", resp.ProcedureID), attribute.String("dvcbot.section", resp.Section))
	obs.EndSpan(span, err)
	ch := channelLabel(m.Channel)
	obs.TurnDuration.WithLabelValues(ch).Observe(time.Since(start).Seconds())
	if err != nil {
		obs.TurnErrors.WithLabelValues(ch).Inc()
		return resp, err
	}
	obs.Turns.WithLabelValues(ch, resp.Intent).Inc()
	return resp, nil
}

// channelLabel keeps the channel label a bounded set.
func channelLabel(ch string) string {
	switch ch {
	case bot.ChannelWeb, bot.ChannelTelegram, "zalo", "messenger":
		return ch
	}
	return "other"
}

// chatLimitedEngine applies DVCBOT_CHANNEL_LIMIT_PER_CHAT on a messaging
// channel: over the limit the message is not handled; the first refusal in a
// minute answers politely, later ones answer nothing (no reply storm).
type chatLimitedEngine struct {
	next   chatEngine
	perMin *limit.Limiter
	warn   *limit.Limiter
}

func newChatLimitedEngine(next chatEngine, perMinute int) chatEngine {
	if perMinute <= 0 {
		return next
	}
	return &chatLimitedEngine{next: next, perMin: limit.New(perMinute), warn: limit.New(1)}
}

func (e *chatLimitedEngine) Handle(ctx context.Context, m bot.Message) (bot.Response, error) {
	key := m.Channel + ":" + m.ChatID
	now := time.Now()
	ok, wait := e.perMin.Allow(key, now)
	if ok {
		return e.next.Handle(ctx, m)
	}
	obs.RateLimited.WithLabelValues("chat").Inc()
	resp := bot.Response{Intent: bot.IntentHelp, Candidates: []string{}}
	if warn, _ := e.warn.Allow(key, now); warn {
		resp.Replies = []bot.Reply{{Text: fmt.Sprintf(handlers.SlowDownText, limit.RetryAfterSeconds(wait))}}
	}
	return resp, nil
}

// timedSearcher measures search latency.
type timedSearcher struct{ next bot.Searcher }

func (s timedSearcher) Search(ctx context.Context, q string, limit int) (bot.SearchResult, error) {
	return timeSearch(ctx, func(ctx context.Context) (bot.SearchResult, error) { return s.next.Search(ctx, q, limit) })
}

// SearchWithin measures like Search.
func (s timedSearcher) SearchWithin(ctx context.Context, part, message string, limit int) (bot.SearchResult, error) {
	return timeSearch(ctx, func(ctx context.Context) (bot.SearchResult, error) {
		return s.next.SearchWithin(ctx, part, message, limit)
	})
}

// timeSearch runs one search in a span, recording its latency and errors.
func timeSearch(ctx context.Context, search func(context.Context) (bot.SearchResult, error)) (bot.SearchResult, error) {
	ctx, span := obs.Span(ctx, "search")
	start := time.Now()
	res, err := search(ctx)
	obs.SearchDuration.Observe(time.Since(start).Seconds())
	span.SetAttributes(attribute.Int("dvcbot.hits", len(res.Hits)), attribute.Bool("dvcbot.confident", res.Confident))
	obs.EndSpan(span, err)
	if err != nil {
		obs.SearchErrors.Inc()
	}
	return res, err
}

// timedSessions measures the session store on the dialogue path. A conflict
// (another process saved first) is not an error of the store.
type timedSessions struct{ next bot.SessionStore }

func (s timedSessions) LoadSession(ctx context.Context, key string) (bot.Session, error) {
	ctx, span := obs.Span(ctx, "store.load_session")
	start := time.Now()
	sess, err := s.next.LoadSession(ctx, key)
	storeOp("load_session", start, err)
	obs.EndSpan(span, err)
	return sess, err
}

func (s timedSessions) SaveSession(ctx context.Context, sess *bot.Session) error {
	ctx, span := obs.Span(ctx, "store.save_session")
	defer func() { span.End() }()
	start := time.Now()
	err := s.next.SaveSession(ctx, sess)
	if err != nil {
		span.SetAttributes(attribute.String("dvcbot.error", err.Error()))
	}
	if errors.Is(err, bot.ErrConflict) {
		storeOp("save_session", start, nil)
		return err
	}
	storeOp("save_session", start, err)
	return err
}

// timedEvents measures the per-turn statistics event.
type timedEvents struct{ next bot.EventSink }

func (e timedEvents) RecordTurn(ctx context.Context, ev bot.TurnEvent) error {
	ctx, span := obs.Span(ctx, "store.record_turn")
	start := time.Now()
	err := e.next.RecordTurn(ctx, ev)
	storeOp("record_turn", start, err)
	obs.EndSpan(span, err)
	return err
}

func storeOp(op string, start time.Time, err error) {
	obs.StoreDuration.WithLabelValues(op).Observe(time.Since(start).Seconds())
	if err != nil {
		obs.StoreErrors.WithLabelValues(op).Inc()
	}
}

// MaxUnansweredPerClient is how many questions one client (web address or
// chat) may add to the staff's unanswered inbox per hour; more are counted in
// the metrics only.
const MaxUnansweredPerClient = 20

// cappedUnanswered counts unanswered questions and caps what one client adds.
type cappedUnanswered struct {
	next bot.UnansweredStore
	per  *limit.Limiter
}

func newCappedUnanswered(next bot.UnansweredStore) *cappedUnanswered {
	return &cappedUnanswered{next: next, per: limit.NewPer(MaxUnansweredPerClient, time.Hour)}
}

func (u *cappedUnanswered) RecordUnanswered(ctx context.Context, channel, text string, at time.Time) error {
	obs.Unanswered.WithLabelValues(channelLabel(channel)).Inc()
	if client := obs.Client(ctx); client != "" {
		if ok, _ := u.per.Allow(client, time.Now()); !ok {
			obs.UnansweredCapped.Inc()
			return nil
		}
	}
	start := time.Now()
	err := u.next.RecordUnanswered(ctx, channel, text, at)
	storeOp("record_unanswered", start, err)
	return err
}

// opsHandler serves /metrics and pprof, for the operations listener.
func opsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", obs.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// OpsHandler is what DVCBOT_OPS_ADDR serves: /metrics and /debug/pprof/.
func (a *App) OpsHandler() http.Handler { return opsHandler() }

// serveOps listens on addr for the operations handler until ctx ends. The
// returned function waits for it to stop.
func serveOps(ctx context.Context, addr string, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (set DVCBOT_OPS_ADDR to a free address): %w", addr, err)
	}
	srv := &http.Server{Handler: opsHandler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("operations listener stopped", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	log.Info("operations listener (metrics, pprof)", "addr", ln.Addr().String())
	return func() { <-done }, nil
}

// publicMetrics is the /metrics handler of the public listener: none when a
// separate operations listener serves it.
func publicMetrics(cfg config.Config) http.Handler {
	if cfg.OpsAddr != "" {
		return nil
	}
	return obs.Handler()
}
