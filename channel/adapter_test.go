package channel_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
	"github.com/dvcbot/dvcbot/dossier"
)

// memStore is channel.Store in memory.
type memStore struct {
	mu       sync.Mutex
	accepted map[string][]byte
	order    []string
	done     map[string]bool
	chats    map[string]channel.ChatState
}

func newMemStore() *memStore {
	return &memStore{accepted: map[string][]byte{}, done: map[string]bool{}, chats: map[string]channel.ChatState{}}
}

func (s *memStore) Accept(_ context.Context, ch, id, chat string, raw []byte, _ time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accepted[ch+id]; ok {
		return false, nil
	}
	s.accepted[ch+id] = raw
	s.order = append(s.order, ch+id)
	return true, nil
}

func (s *memStore) Done(_ context.Context, ch, id string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done[ch+id] = true
	return nil
}

func (s *memStore) Unfinished(_ context.Context, ch string, _ time.Time) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for _, k := range s.order {
		if !s.done[k] {
			out = append(out, s.accepted[k])
		}
	}
	return out, nil
}

func (s *memStore) unfinished() int {
	raws, _ := s.Unfinished(context.Background(), "x", time.Time{})
	return len(raws)
}

func (s *memStore) Touch(_ context.Context, ch, chat string, at time.Time) (channel.ChatState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev := s.chats[chat]
	s.chats[chat] = channel.ChatState{LastIn: at}
	return prev, nil
}

func (s *memStore) Chat(_ context.Context, ch, chat string) (channel.ChatState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chats[chat], nil
}

func (s *memStore) MarkInactive(_ context.Context, ch, chat string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chats[chat]
	st.Inactive = true
	s.chats[chat] = st
	return nil
}

// echo answers "re: <text>" after an optional gate.
type echo struct{ gate chan struct{} }

func (e echo) Handle(ctx context.Context, m bot.Message) (bot.Response, error) {
	if e.gate != nil {
		select {
		case <-e.gate:
		case <-ctx.Done():
			return bot.Response{}, ctx.Err()
		}
	}
	return bot.Response{Replies: []bot.Reply{{Text: "re: " + m.Text + m.Action}}}, nil
}

// recorder is a Platform that records sends; fail, when set, decides an error.
type recorder struct {
	mu   sync.Mutex
	sent map[string][]string
	fail func(chat string) error
}

func (r *recorder) Send(_ context.Context, chat string, replies []bot.Reply) error {
	if r.fail != nil {
		if err := r.fail(chat); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sent == nil {
		r.sent = map[string][]string{}
	}
	for _, rep := range replies {
		r.sent[chat] = append(r.sent[chat], rep.Text)
	}
	return nil
}

func (r *recorder) to(chat string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sent[chat]...)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestOrderPerChatAndDuplicates(t *testing.T) {
	rec := &recorder{}
	a, err := channel.New(channel.Config{Channel: "x", Engine: echo{}, Platform: rec, Store: newMemStore(), Workers: 3, QueueSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		for _, chat := range []string{"a", "b", "c", "d"} {
			ev := channel.Event{ID: fmt.Sprint(chat, i), Chat: chat, Kind: channel.KindMessage, Text: fmt.Sprint(i)}
			if res, err := a.Accept(context.Background(), ev); err != nil || res != channel.Accepted {
				t.Fatalf("accept: %v %v", res, err)
			}
			if res, _ := a.Accept(context.Background(), ev); res != channel.Duplicate {
				t.Fatalf("second accept: %v", res)
			}
		}
	}
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, chat := range []string{"a", "b", "c", "d"} {
		got := rec.to(chat)
		if len(got) != 50 {
			t.Fatalf("%s: %d answers", chat, len(got))
		}
		for i, s := range got {
			if s != fmt.Sprint("re: ", i) {
				t.Fatalf("%s: answer %d is %q", chat, i, s)
			}
		}
	}
	if _, err := a.Accept(context.Background(), channel.Event{ID: "late", Chat: "a", Kind: channel.KindMessage, Text: "x"}); !errors.Is(err, channel.ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

func TestBusyQueueRefusesWithoutClaiming(t *testing.T) {
	gate := make(chan struct{})
	st := newMemStore()
	a, _ := channel.New(channel.Config{Channel: "x", Engine: echo{gate: gate}, Platform: &recorder{}, Store: st, Workers: 1, QueueSize: 2})
	defer func() { close(gate); a.Close(context.Background()) }()
	for i := range 2 {
		if _, err := a.Accept(context.Background(), channel.Event{ID: fmt.Sprint(i), Chat: "a", Kind: channel.KindMessage, Text: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Accept(context.Background(), channel.Event{ID: "2", Chat: "a", Kind: channel.KindMessage, Text: "t"}); !errors.Is(err, channel.ErrBusy) {
		t.Fatalf("full queue: %v", err)
	}
	if stored, _ := st.Accept(context.Background(), "x", "2", "a", nil, time.Now()); !stored {
		t.Fatal("a refused event was stored: its redelivery would be dropped")
	}
}

func TestUnfinishedAtShutdownHandledAtNextStart(t *testing.T) {
	gate := make(chan struct{}) // never opened: the engine blocks until cut
	st := newMemStore()
	a, _ := channel.New(channel.Config{Channel: "x", Engine: echo{gate: gate}, Platform: &recorder{}, Store: st, Workers: 1, QueueSize: 10})
	for i := range 3 {
		a.Accept(context.Background(), channel.Event{ID: fmt.Sprint(i), Chat: "a", Kind: channel.KindMessage, Text: fmt.Sprint(i)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := st.unfinished(); n != 3 {
		t.Fatalf("%d unfinished, want 3 (one cut while handled, two queued)", n)
	}
	// The next process answers them, in order.
	rec := &recorder{}
	b, _ := channel.New(channel.Config{Channel: "x", Engine: echo{}, Platform: rec, Store: st})
	b.Start()
	waitFor(t, "unfinished events answered", func() bool { return len(rec.to("a")) == 3 })
	b.Close(context.Background())
	if got := strings.Join(rec.to("a"), ","); got != "re: 0,re: 1,re: 2" {
		t.Fatalf("answers %q", got)
	}
	if n := st.unfinished(); n != 0 {
		t.Fatalf("%d still unfinished", n)
	}
}

type inbox struct {
	mu    sync.Mutex
	texts map[string][]string
	acked []string
	peeks int
}

func (i *inbox) PeekInbox(_ context.Context, ch, chat string) ([]bot.InboxItem, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.peeks++
	var out []bot.InboxItem
	for _, t := range i.texts[chat] {
		out = append(out, bot.InboxItem{ID: chat + ":" + t, Text: t})
	}
	return out, nil
}

func (i *inbox) AckInbox(_ context.Context, ids []string) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.acked = append(i.acked, ids...)
	for _, id := range ids {
		for chat, ts := range i.texts {
			for k, t := range ts {
				if chat+":"+t == id {
					i.texts[chat] = append(ts[:k:k], ts[k+1:]...)
				}
			}
		}
	}
	return nil
}

func TestWindowHoldsNotificationsUntilTheChatWrites(t *testing.T) {
	// The clock is read by the adapter's workers while the test moves it.
	var clockMu sync.Mutex
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }
	st, rec := newMemStore(), &recorder{}
	held := &inbox{texts: map[string][]string{}}
	a, _ := channel.New(channel.Config{Channel: "x", Engine: echo{}, Platform: rec, Store: st, Inbox: held, Window: 24 * time.Hour, Now: clock})
	defer a.Close(context.Background())
	a.Accept(context.Background(), channel.Event{ID: "1", Chat: "a", Kind: channel.KindMessage, Text: "hi", At: clock()})
	waitFor(t, "answer", func() bool { return len(rec.to("a")) == 1 })
	held.mu.Lock()
	if held.peeks != 0 {
		t.Errorf("a chat's first message read the inbox %d times: a chat never seen has nothing held", held.peeks)
	}
	held.mu.Unlock()

	advance(23 * time.Hour)
	if err := a.Notify(context.Background(), "a", "inside"); err != nil {
		t.Fatal(err)
	}
	advance(2 * time.Hour)
	err := a.Notify(context.Background(), "a", "outside")
	if !errors.Is(err, dossier.ErrAwaitingChat) || !errors.Is(err, channel.ErrWindowClosed) {
		t.Fatalf("outside the window: %v", err)
	}
	held.mu.Lock()
	held.texts["a"] = []string{"outside"}
	held.mu.Unlock()
	a.Accept(context.Background(), channel.Event{ID: "2", Chat: "a", Kind: channel.KindMessage, Text: "again", At: clock()})
	waitFor(t, "held notification", func() bool { return len(rec.to("a")) == 4 })
	if got := strings.Join(rec.to("a"), "|"); got != "re: hi|inside|re: again|outside" {
		t.Fatalf("sent %q", got)
	}
	waitFor(t, "acknowledged", func() bool { held.mu.Lock(); defer held.mu.Unlock(); return len(held.acked) == 1 })
	// Unfollowed: notifications fail for good.
	a.Accept(context.Background(), channel.Event{ID: "3", Chat: "a", Kind: channel.KindUnfollow, At: clock()})
	waitFor(t, "inactive", func() bool { s, _ := st.Chat(context.Background(), "x", "a"); return s.Inactive })
	var perm *dossier.PermanentError
	if err := a.Notify(context.Background(), "a", "x"); !errors.As(err, &perm) {
		t.Fatalf("inactive chat: %v", err)
	}
}

func TestRetryPolicy(t *testing.T) {
	p := channel.RetryPolicy{MaxAttempts: 4, Base: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxRetryAfter: 50 * time.Millisecond}
	calls := 0
	err := p.Do(context.Background(), func(context.Context) error {
		calls++
		if calls < 3 {
			return &channel.APIError{Platform: "p", Status: 429, Retry: true, RetryAfter: 5 * time.Millisecond}
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("rate limited: %v after %d calls", err, calls)
	}
	calls = 0
	err = p.Do(context.Background(), func(context.Context) error {
		calls++
		return &channel.APIError{Platform: "p", Status: 400, Kind: channel.ErrPermanent}
	})
	if calls != 1 || !errors.Is(err, channel.ErrPermanent) {
		t.Fatalf("permanent: %v after %d calls", err, calls)
	}
	calls = 0
	err = p.Do(context.Background(), func(context.Context) error {
		calls++
		return &channel.APIError{Platform: "p", Status: 429, Retry: true, RetryAfter: time.Hour}
	})
	if calls != 1 || err == nil {
		t.Fatalf("a wait beyond MaxRetryAfter is not waited: %v after %d calls", err, calls)
	}
	calls = 0
	err = p.Do(context.Background(), func(context.Context) error { calls++; return errors.New("connection reset") })
	if calls != 4 || err == nil {
		t.Fatalf("network errors: %v after %d calls", err, calls)
	}
}

func TestSplit(t *testing.T) {
	long := strings.Repeat("Mang căn cước đến bộ phận một cửa. ", 200)
	text := "**Giấy tờ**\n\n" + long + "\n\nHết."
	chunks := channel.Split(channel.PlainText(text), 500)
	if len(chunks) < 14 {
		t.Fatalf("%d chunks", len(chunks))
	}
	for _, c := range chunks {
		if n := utf8.RuneCountInString(c); n > 500 {
			t.Fatalf("chunk of %d runes", n)
		}
		if strings.Contains(c, "**") {
			t.Fatal("markers left")
		}
	}
	if chunks[0] != "Giấy tờ" || !strings.HasSuffix(chunks[len(chunks)-1], "Hết.") {
		t.Fatalf("first %q last %q", chunks[0], chunks[len(chunks)-1])
	}
	if strings.Join(strings.Fields(strings.Join(chunks, " ")), " ") != strings.Join(strings.Fields(channel.PlainText(text)), " ") {
		t.Fatal("words lost or changed")
	}
	if got := channel.Truncate("Cấp lại thẻ căn cước khi bị mất", 20); utf8.RuneCountInString(got) != 20 || !strings.HasSuffix(got, "…") {
		t.Fatalf("truncate %q", got)
	}
}
