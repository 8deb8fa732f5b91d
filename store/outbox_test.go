package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

type recordingSender struct {
	mu   sync.Mutex
	sent []string
	fail error
}

func (r *recordingSender) Send(_ context.Context, chatID, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.sent = append(r.sent, chatID+":"+text)
	return nil
}

// A notification is delivered once, even when it is enqueued twice and the
// process restarts between deliveries; a permanent failure is not retried.
func TestOutboxDeliversOnceAcrossRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *store.DB {
		db, err := store.Open(ctx, store.Options{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	now := time.Now()
	db := open()
	n := dossier.Notification{ID: "H57.22-241022-0015#2#telegram#7", Channel: "telegram", ChatID: "7", Text: "Đã có kết quả"}
	for i := 0; i < 2; i++ {
		if err := db.Outbox().Enqueue(ctx, n, now); err != nil {
			t.Fatal(err)
		}
	}
	s := &recordingSender{}
	d := &dossier.Dispatcher{Queue: db.Outbox(), Senders: map[string]dossier.Sender{"telegram": s}}
	if sent := d.RunOnce(ctx, now); sent != 1 {
		t.Fatalf("first run sent %d", sent)
	}
	db.Close(ctx)

	db = open()
	defer db.Close(ctx)
	d = &dossier.Dispatcher{Queue: db.Outbox(), Senders: map[string]dossier.Sender{"telegram": s}}
	if sent := d.RunOnce(ctx, now.Add(time.Minute)); sent != 0 || len(s.sent) != 1 {
		t.Fatalf("after restart: sent %d, total %v", sent, s.sent)
	}
	blocked := dossier.Notification{ID: "x#1#telegram#8", Channel: "telegram", ChatID: "8", Text: "t"}
	if err := db.Outbox().Enqueue(ctx, blocked, now); err != nil {
		t.Fatal(err)
	}
	s.fail = &dossier.PermanentError{Err: errors.New("bot blocked")}
	d.RunOnce(ctx, now)
	s.fail = nil
	d.RunOnce(ctx, now.Add(time.Hour))
	if st, _ := db.Outbox().Status(ctx, blocked.ID); st != "failed" || len(s.sent) != 1 {
		t.Fatalf("permanent failure: status %q, sent %v", st, s.sent)
	}
}

// TestFinishedNotificationsExpire: a delivered notification is swept after
// the outbox retention; a pending one, however old, stays.
func TestFinishedNotificationsExpire(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	o := db.Outbox()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"sent", "waiting"} {
		if err := o.Enqueue(ctx, dossier.Notification{ID: id, Channel: "web", ChatID: "c", Text: id}, now); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := o.Claim(ctx, "sent", now); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := o.Finish(ctx, "sent", nil, false, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SweepExpired(ctx, now.Add(store.OutboxRetention+time.Hour)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"sent": "", "waiting": "pending"} {
		if st, err := o.Status(ctx, id); err != nil || st != want {
			t.Errorf("%s after the retention: %q %v, want %q", id, st, err, want)
		}
	}
}
