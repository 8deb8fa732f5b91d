package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

func TestTelegramClaimOnce(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	tu := db.TelegramUpdates()
	now := time.Now()

	ok, err := tu.Claim(ctx, 1001, now)
	if err != nil || !ok {
		t.Fatalf("first claim = %v, %v; want true", ok, err)
	}
	ok, err = tu.Claim(ctx, 1001, now)
	if err != nil || ok {
		t.Fatalf("second claim = %v, %v; want false", ok, err)
	}

	// Concurrent claims of one id: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := tu.Claim(ctx, 2002, now)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("concurrent claims won %d times, want 1", wins)
	}

	// Claims expire: after the sweep the id can be claimed again.
	if _, err := db.SweepExpired(ctx, now.Add(store.TelegramSeenTTL+time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ok, err := tu.Claim(ctx, 1001, now); err != nil || !ok {
		t.Fatalf("claim after expiry = %v, %v; want true", ok, err)
	}
}

func TestTelegramParkAndTake(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	tu := db.TelegramUpdates()
	for _, id := range []int64{7, 8} {
		if _, err := tu.Claim(ctx, id, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := tu.Park(ctx, 7, []byte(`{"update_id":7}`)); err != nil {
		t.Fatal(err)
	}
	if err := tu.Park(ctx, 9, []byte(`{"update_id":9}`)); err != nil { // not claimed before: still kept
		t.Fatal(err)
	}
	got, err := tu.TakeParked(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, g := range got {
		s = append(s, string(g))
	}
	if len(s) != 2 || s[0] != `{"update_id":7}` || s[1] != `{"update_id":9}` {
		t.Fatalf("parked = %q", s)
	}
	if again, err := tu.TakeParked(ctx, 0); err != nil || len(again) != 0 {
		t.Fatalf("second take = %q, %v; want nothing", again, err)
	}
	if ok, _ := tu.Claim(ctx, 7, time.Now()); ok {
		t.Fatal("a parked update must stay claimed")
	}
}

func TestTelegramCallbackActions(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	tu := db.TelegramUpdates()
	exp := time.Now().Add(time.Hour)
	if err := tu.SaveAction(ctx, "tok1", "field:Hộ tịch, khai sinh, kết hôn", exp); err != nil {
		t.Fatal(err)
	}
	if err := tu.SaveAction(ctx, "tok1", "field:Hộ tịch, khai sinh, kết hôn", exp.Add(time.Hour)); err != nil {
		t.Fatalf("saving again: %v", err)
	}
	a, err := tu.Action(ctx, "tok1")
	if err != nil || a != "field:Hộ tịch, khai sinh, kết hôn" {
		t.Fatalf("Action = %q, %v", a, err)
	}
	if _, err := tu.Action(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v, want ErrNotFound", err)
	}
	if err := tu.SaveAction(ctx, "old", "menu", time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := tu.Action(ctx, "old"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired token: %v, want ErrNotFound", err)
	}
}

func TestTelegramInactiveChats(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	tu := db.TelegramUpdates()
	const chat = -1001234567890
	if in, err := tu.IsInactive(ctx, chat); err != nil || in {
		t.Fatalf("fresh chat inactive = %v, %v", in, err)
	}
	for range 2 {
		if err := tu.MarkInactive(ctx, chat); err != nil {
			t.Fatal(err)
		}
	}
	if in, err := tu.IsInactive(ctx, chat); err != nil || !in {
		t.Fatalf("marked chat inactive = %v, %v", in, err)
	}
	if in, _ := tu.IsInactive(ctx, 42); in {
		t.Fatal("another chat must not be inactive")
	}
	for range 2 {
		if err := tu.ClearInactive(ctx, chat); err != nil {
			t.Fatal(err)
		}
	}
	if in, err := tu.IsInactive(ctx, chat); err != nil || in {
		t.Fatalf("cleared chat inactive = %v, %v", in, err)
	}
}
