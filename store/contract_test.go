package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

// The store's contract, run against both backends: the embedded one (this
// process owns the server) and the shared one (reached over MONGODB_URI, as
// several instances on MongoDB would), here served by the embedded FerretDB.
var backends = []struct {
	name string
	open func(testing.TB) *store.DB
}{
	{"embedded", storetest.New},
	{"shared", storetest.NewShared},
}

func forEachBackend(t *testing.T, test func(t *testing.T, db *store.DB)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.open(t)) })
	}
}

func TestContractSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ss := db.Sessions()
		key := bot.SessionKey(bot.ChannelWeb, "contract")
		s, err := ss.LoadSession(ctx, key)
		if err != nil || s.Key != "" || s.Version != 0 {
			t.Fatalf("unknown session = %+v, %v; want zero", s, err)
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		s = bot.Session{Key: key, Channel: bot.ChannelWeb, ChatID: "contract", Topic: "cap-ho-chieu", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := ss.SaveSession(ctx, &s); err != nil || s.Version != 1 {
			t.Fatalf("first save: version %d, %v", s.Version, err)
		}
		stale := s
		s.Section = "fees"
		if err := ss.SaveSession(ctx, &s); err != nil || s.Version != 2 {
			t.Fatalf("second save: version %d, %v", s.Version, err)
		}
		stale.Section = "time"
		if err := ss.SaveSession(ctx, &stale); !errors.Is(err, store.ErrConflict) || stale.Version != 1 {
			t.Fatalf("stale save = %v (version %d), want ErrConflict and the version kept", err, stale.Version)
		}
		fresh := bot.Session{Key: key, Channel: bot.ChannelWeb, ChatID: "contract"}
		if err := ss.SaveSession(ctx, &fresh); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("creating an existing session = %v, want ErrConflict", err)
		}
		got, err := ss.LoadSession(ctx, key)
		if err != nil || got.Version != 2 || got.Section != "fees" || got.Topic != "cap-ho-chieu" {
			t.Fatalf("load = %+v, %v", got, err)
		}
		// An expired session reads as a fresh one that keeps the version for
		// compare-and-set.
		exp := bot.Session{Key: "web:old", Channel: bot.ChannelWeb, ChatID: "old", Topic: "x", ExpiresAt: time.Now().Add(-time.Minute)}
		if err := ss.SaveSession(ctx, &exp); err != nil {
			t.Fatal(err)
		}
		got, err = ss.LoadSession(ctx, "web:old")
		if err != nil || got.Topic != "" || got.Version != 1 {
			t.Fatalf("expired = %+v, %v; want fresh with version 1", got, err)
		}
		if err := ss.SaveSession(ctx, &got); err != nil || got.Version != 2 {
			t.Fatalf("save over expired: %d %v", got.Version, err)
		}
	})
}

func TestContractTelegramUpdates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tu := db.TelegramUpdates()
		now := time.Now()
		for _, id := range []int64{3, 1, 2} {
			if stored, done, err := tu.Accept(ctx, id, 9, []byte(fmt.Sprintf(`{"update_id":%d}`, id)), now); err != nil || !stored || done {
				t.Fatalf("accept %d: %v %v %v", id, stored, done, err)
			}
		}
		if err := tu.Done(ctx, 2, now); err != nil {
			t.Fatal(err)
		}
		if stored, done, err := tu.Accept(ctx, 2, 9, []byte(`{"update_id":2}`), now); err != nil || stored || !done {
			t.Fatalf("redelivered done: %v %v %v", stored, done, err)
		}
		if stored, done, err := tu.Accept(ctx, 3, 9, []byte(`{"update_id":3}`), now); err != nil || stored || done {
			t.Fatalf("redelivered unfinished: %v %v %v", stored, done, err)
		}
		got, err := tu.Unfinished(ctx, now.Add(time.Second))
		if err != nil || fmt.Sprintf("%s", got) != `[{"update_id":1} {"update_id":3}]` {
			t.Fatalf("unfinished = %s, %v", got, err)
		}
		// Records expire: after the sweep an id can be accepted again.
		if _, err := db.SweepExpired(ctx, now.Add(store.TelegramSeenTTL+time.Minute)); err != nil {
			t.Fatal(err)
		}
		if stored, _, err := tu.Accept(ctx, 2, 9, []byte(`{"update_id":2}`), now); err != nil || !stored {
			t.Fatalf("accept after expiry: %v %v", stored, err)
		}
	})
}

// TestContractOutbox: the outbox's moves on both backends. A notification is
// stored once however often it is enqueued, listed for its chat and as due
// oldest first, claimed once, and gone from the lists once finished; a retry
// is due again only at its time; erasing a chat drops its notifications.
func TestContractOutbox(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := db.Outbox()
		now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
		for i, id := range []string{"b", "a", "c", "b"} {
			chat := "1"
			if id == "c" {
				chat = "2"
			}
			n := dossier.Notification{ID: id, Channel: "web", ChatID: chat, Text: "tin " + id}
			if err := o.Enqueue(ctx, n, now.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(ns []dossier.Notification, err error) string {
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range ns {
				out = append(out, n.ID)
			}
			return strings.Join(out, ",")
		}
		if got := ids(o.ForChat(ctx, "web", "1")); got != "b,a" {
			t.Fatalf("chat 1's notifications = %q, want b,a (oldest first, b once)", got)
		}
		if got := ids(o.Due(ctx, "web", now.Add(time.Minute), 2)); got != "b,a" {
			t.Fatalf("due, limit 2 = %q, want b,a", got)
		}
		if got := ids(o.Due(ctx, "telegram", now.Add(time.Minute), 10)); got != "" {
			t.Fatalf("another channel's due = %q", got)
		}
		if ok, err := o.Claim(ctx, "b", now); !ok || err != nil {
			t.Fatalf("first claim = %v %v", ok, err)
		}
		if ok, err := o.Claim(ctx, "b", now); ok || err != nil {
			t.Fatalf("second claim = %v %v, want false", ok, err)
		}
		if ok, err := o.Claim(ctx, "nope", now); ok || err != nil {
			t.Fatalf("claim of an unknown notification = %v %v", ok, err)
		}
		if st, _ := o.Status(ctx, "b"); st != "sending" {
			t.Fatalf("claimed status = %q", st)
		}
		if got := ids(o.ForChat(ctx, "web", "1")); got != "a" {
			t.Fatalf("after the claim chat 1 has %q, want a", got)
		}
		if err := o.Finish(ctx, "b", nil, false, now, now); err != nil {
			t.Fatal(err)
		}
		if err := o.Finish(ctx, "a", nil, false, now, now); err != nil { // not claimed: left pending
			t.Fatal(err)
		}
		for id, want := range map[string]string{"b": "sent", "a": "pending", "nope": ""} {
			if st, err := o.Status(ctx, id); st != want || err != nil {
				t.Errorf("status of %s = %q %v, want %q", id, st, err, want)
			}
		}
		// A failed send to retry in an hour: pending again, due only then.
		if ok, _ := o.Claim(ctx, "a", now); !ok {
			t.Fatal("claim a")
		}
		if err := o.Finish(ctx, "a", errors.New("timeout"), true, now.Add(time.Hour), now); err != nil {
			t.Fatal(err)
		}
		if got := ids(o.Due(ctx, "web", now.Add(time.Minute), 10)); got != "c" {
			t.Fatalf("due before the retry time = %q, want c", got)
		}
		if got := ids(o.Due(ctx, "web", now.Add(2*time.Hour), 10)); got != "a,c" {
			t.Fatalf("due after the retry time = %q, want a,c", got)
		}
		if lag, err := o.OldestPending(ctx); err != nil || !lag["web"].Equal(now.Add(time.Second)) {
			t.Fatalf("oldest pending = %v %v, want a's time", lag, err)
		}
		if _, err := db.EraseChat(ctx, "web", "2", "test"); err != nil {
			t.Fatal(err)
		}
		if got := ids(o.ForChat(ctx, "web", "2")); got != "" {
			t.Fatalf("erased chat still has %q", got)
		}
		if ok, err := o.Claim(ctx, "c", now); ok || err != nil {
			t.Fatalf("claim of an erased notification = %v %v", ok, err)
		}
	})
}

// TestOutboxClaimsOnceUnderConcurrency: on the embedded backend, of many
// concurrent claims of one notification exactly one wins (the shared
// backend relies on MongoDB's atomic update, which the test server does not
// provide; see ../shared/notes/ferretdb.md).
func TestOutboxClaimsOnceUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	o := storetest.New(t).Outbox()
	now := time.Now()
	for i := 0; i < 5; i++ {
		id := fmt.Sprint("n", i)
		if err := o.Enqueue(ctx, dossier.Notification{ID: id, Channel: "telegram", ChatID: "7", Text: "t"}, now); err != nil {
			t.Fatal(err)
		}
		var won atomic.Int32
		var wg sync.WaitGroup
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, err := o.Claim(ctx, id, now); err != nil {
					t.Error(err)
				} else if ok {
					won.Add(1)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%s: %d claims won, want 1", id, won.Load())
		}
	}
}
