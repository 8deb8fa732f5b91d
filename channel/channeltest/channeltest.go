// Package channeltest holds what the channels' tests share: a fake platform API
// server that records every call, the seed search index, a real engine on a
// test store, and a load driver that measures webhook → recorded send.
package channeltest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/searchtest"
	"github.com/dvcbot/dvcbot/knowledge/search"
	"github.com/dvcbot/dvcbot/store"
)

// Client posts webhooks the way a platform's delivery servers do: over a pool
// of kept-alive connections (http.DefaultClient keeps two per host, so a load
// test through it measures mostly TCP set-up and teardown).
var Client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512}}

// Call is one request the fake API received.
type Call struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	At     time.Time
}

// API is a fake platform API. Answer decides each answer (status, body); it
// defaults to 200 with DefaultBody. Notify, when set, sees each recorded call.
type API struct {
	Srv *httptest.Server

	mu          sync.Mutex
	calls       []Call
	answer      func(c Call) (int, string)
	notify      func(c Call)
	DefaultBody string
}

// NewAPI starts a fake API closed when t ends.
func NewAPI(t testing.TB, defaultBody string) *API {
	f := &API{DefaultBody: defaultBody}
	f.Srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Srv.Close)
	return f
}

func (f *API) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, At: time.Now()}
	f.mu.Lock()
	answer, notify := f.answer, f.notify
	status, out := http.StatusOK, f.DefaultBody
	if answer != nil {
		status, out = answer(c)
	}
	if status == http.StatusOK {
		f.calls = append(f.calls, c)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, out)
	if notify != nil && status == http.StatusOK {
		notify(c)
	}
}

// URL is the server's base URL.
func (f *API) URL() string { return f.Srv.URL }

// SetAnswer replaces the answering function (nil: always 200 DefaultBody).
// Only calls answered 200 are recorded.
func (f *API) SetAnswer(a func(c Call) (int, string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answer = a
}

// SetNotify sets the per-call observer.
func (f *API) SetNotify(n func(c Call)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notify = n
}

// Calls returns the recorded calls whose path is path ("" for all).
func (f *API) Calls(path string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if path == "" || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// Reset forgets the recorded calls.
func (f *API) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}

// Index is the seed knowledge base's index, built once per test binary
// (searchtest.Index).
func Index(t testing.TB) *search.Index {
	t.Helper()
	return searchtest.Index(t)
}

// Engine is a real engine on db with the seed index.
func Engine(t testing.TB, db *store.DB) *bot.Engine {
	t.Helper()
	ix := Index(t)
	eng, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Procedures: ix, Sessions: db.Sessions(), Unanswered: db.Unanswered(), Feedback: db.Feedback(), Events: db.Events()})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// WaitFor polls cond for up to 10 s.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// RecEngine wraps an engine and records what it was asked.
type RecEngine struct {
	Inner interface {
		Handle(ctx context.Context, m bot.Message) (bot.Response, error)
	}
	mu   sync.Mutex
	msgs []bot.Message
}

// Handle records m and passes it on.
func (e *RecEngine) Handle(ctx context.Context, m bot.Message) (bot.Response, error) {
	e.mu.Lock()
	e.msgs = append(e.msgs, m)
	e.mu.Unlock()
	return e.Inner.Handle(ctx, m)
}

// Received returns the messages handled so far.
func (e *RecEngine) Received() []bot.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]bot.Message(nil), e.msgs...)
}

// MemSessions is an in-memory bot.SessionStore with the store's compare-and-set
// contract, for load tests that measure the channel without the session store.
type MemSessions struct {
	mu sync.Mutex
	m  map[string]bot.Session
}

// LoadSession returns the session under key (zero when none).
func (s *MemSessions) LoadSession(_ context.Context, key string) (bot.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[key], nil
}

// SaveSession saves sess when its version is current.
func (s *MemSessions) SaveSession(_ context.Context, sess *bot.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]bot.Session{}
	}
	if s.m[sess.Key].Version != sess.Version {
		return bot.ErrConflict
	}
	sess.Version++
	s.m[sess.Key] = *sess
	return nil
}

// LoadEngine is the engine a load test runs: the real engine on db's stores;
// with DVCBOT_LOAD_SESSIONS=memory, sessions in memory and no event log (to
// measure the channel without the session store on a busy machine); with
// DVCBOT_LOAD_ENGINE=echo, an engine that answers at once without searching
// or storing anything (the adapter, the channel store, HTTP and rendering
// alone). It returns the engine and which it is.
func LoadEngine(t testing.TB, db *store.DB) (interface {
	Handle(ctx context.Context, m bot.Message) (bot.Response, error)
}, string) {
	t.Helper()
	if os.Getenv("DVCBOT_LOAD_ENGINE") == "echo" {
		return echoEngine{}, "none (echo engine)"
	}
	if os.Getenv("DVCBOT_LOAD_SESSIONS") != "memory" {
		return Engine(t, db), "store"
	}
	ix := Index(t)
	eng, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Procedures: ix, Sessions: &MemSessions{}})
	if err != nil {
		t.Fatal(err)
	}
	return eng, "memory"
}

// echoEngine answers every message with one short reply and a button.
type echoEngine struct{}

func (echoEngine) Handle(_ context.Context, m bot.Message) (bot.Response, error) {
	return bot.Response{Replies: []bot.Reply{{Text: "Đã nhận: " + m.Text + m.Action, Buttons: []bot.Button{{Label: "Menu", Action: "menu"}}}}}, nil
}
