package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
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
