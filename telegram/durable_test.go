package telegram_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/telegram"
)

// faultyStore injects store failures into the channel: Accept timing out (the
// write may or may not have landed), Done failing.
type faultyStore struct {
	telegram.Store
	mu          sync.Mutex
	acceptFails map[int64]int  // update id → Accept calls left to fail
	landed      map[int64]bool // a failing Accept that still stored the update
	doneFails   bool
}

func (f *faultyStore) Accept(ctx context.Context, id, chat int64, raw []byte, now time.Time) (bool, bool, error) {
	f.mu.Lock()
	fail := f.acceptFails[id] > 0
	if fail {
		f.acceptFails[id]--
	}
	landed := f.landed[id]
	f.mu.Unlock()
	if fail {
		if landed { // the write reached the store, the answer did not
			_, _, _ = f.Store.Accept(ctx, id, chat, raw, now)
		}
		return false, false, context.DeadlineExceeded
	}
	return f.Store.Accept(ctx, id, chat, raw, now)
}

func (f *faultyStore) Done(ctx context.Context, id int64, now time.Time) error {
	f.mu.Lock()
	fail := f.doneFails
	f.mu.Unlock()
	if fail {
		return fmt.Errorf("store: mark done: %w", context.DeadlineExceeded)
	}
	return f.Store.Done(ctx, id, now)
}

func TestStoreTimeoutOnAcceptIsAnswered503AndRedeliveryHandledOnce(t *testing.T) {
	var fs *faultyStore
	r := newRig(t, func(c *telegram.Config) {
		fs = &faultyStore{Store: c.Store, acceptFails: map[int64]int{801: 1, 802: 1}, landed: map[int64]bool{802: true}}
		c.Store = fs
	})
	// 801: nothing stored; 802: stored, but the acknowledgement was lost.
	for _, id := range []int64{801, 802} {
		if status, _ := r.post(t, textUpdate(id, int64(6000+id), "/start")); status != 503 {
			t.Fatalf("update %d with the store failing: status %d, want 503", id, status)
		}
	}
	// Telegram delivers both again.
	for _, id := range []int64{801, 802} {
		if status, _ := r.post(t, textUpdate(id, int64(6000+id), "/start")); status != 200 {
			t.Fatalf("redelivery of %d: status %d", id, status)
		}
	}
	r.close(t)
	// 801 is answered now; 802 was stored unfinished by the failed call and
	// is answered at the next start, once.
	if n := len(r.api.sentTo(6801)); n != 1 {
		t.Fatalf("801 answered %d times, want 1", n)
	}
	r.start(t, nil)
	r.svc.Start()
	waitFor(t, "802 taken up at start", func() bool { return len(r.api.sentTo(6802)) == 1 })
	r.close(t)
	if n, m := len(r.api.sentTo(6801)), len(r.api.sentTo(6802)); n != 1 || m != 1 {
		t.Fatalf("answers %d and %d, want 1 each", n, m)
	}
}

func TestUnmarkedDoneIsAnsweredAgainNeverLost(t *testing.T) {
	var fs *faultyStore
	r := newRig(t, func(c *telegram.Config) {
		fs = &faultyStore{Store: c.Store, doneFails: true}
		c.Store = fs
	})
	if status, _ := r.post(t, textUpdate(901, 6901, "/start")); status != 200 {
		t.Fatalf("status %d", status)
	}
	waitFor(t, "the reply", func() bool { return len(r.api.sentTo(6901)) == 1 })
	r.close(t)
	// Not marked done: a redelivery is still not answered twice by this store
	// (it is stored), and the next start answers it again rather than never.
	r.start(t, nil)
	r.svc.Start()
	waitFor(t, "answered again at start", func() bool { return len(r.api.sentTo(6901)) == 2 })
	r.close(t)
	// Now done: neither a start nor a redelivery answers it a third time.
	r.start(t, nil)
	r.svc.Start()
	waitFor(t, "start finished", func() bool {
		s, _ := r.post(t, textUpdate(901, 6901, "/start"))
		return s == 200
	})
	r.close(t)
	if n := len(r.api.sentTo(6901)); n != 2 {
		t.Fatalf("answered %d times, want 2", n)
	}
}

func TestWebhookWaitsWhileUnfinishedUpdatesAreTakenUpInOrder(t *testing.T) {
	r := newRig(t, func(c *telegram.Config) { c.Workers = 1 })
	r.engine.gate = make(chan struct{}) // nothing finishes: all stay unfinished
	for i := range 5 {
		if status, _ := r.post(t, textUpdate(int64(1001+i), 7001, fmt.Sprintf("/start %d", i))); status != 200 {
			t.Fatalf("status %d", status)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_ = r.svc.Close(ctx)
	cancel()
	close(r.engine.gate)

	r.start(t, func(c *telegram.Config) { c.Workers = 1 })
	r.engine.gate = make(chan struct{})
	r.svc.Start()
	// While the five are queued again, a new update of the chat waits (503) or
	// is queued behind them.
	status, _ := r.post(t, textUpdate(1006, 7001, "/start 5"))
	close(r.engine.gate)
	if status == 503 {
		waitFor(t, "the webhook to accept again", func() bool {
			s, _ := r.post(t, textUpdate(1006, 7001, "/start 5"))
			return s == 200
		})
	}
	waitFor(t, "six answers", func() bool { return len(r.api.sentTo(7001)) == 6 })
	r.close(t)
	got := r.engine.texts(7001)
	for i := range 6 {
		if want := fmt.Sprintf("/start %d", i); i >= len(got) || got[i] != want {
			t.Fatalf("handled %q, want /start 0 … /start 5 in order", got)
		}
	}
}

// texts is what the engine was asked for one chat, in order.
func (e *recEngine) texts(chat int64) []string {
	var out []string
	for _, m := range e.received() {
		if m.ChatID == fmt.Sprint(chat) {
			out = append(out, m.Text)
		}
	}
	return out
}
