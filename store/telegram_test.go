package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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

func TestTelegramAcceptDoneAndUnfinished(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	tu := db.TelegramUpdates()
	now := time.Now()
	raw := func(id int64) []byte { return []byte(fmt.Sprintf(`{"update_id":%d}`, id)) }
	for _, id := range []int64{9, 7, 8, 10} {
		stored, done, err := tu.Accept(ctx, id, 42, raw(id), now)
		if err != nil || !stored || done {
			t.Fatalf("accept %d = %v, %v, %v; want stored", id, stored, done, err)
		}
	}
	// A redelivery is not stored again; done says whether it was answered.
	if stored, done, err := tu.Accept(ctx, 7, 42, raw(7), now); err != nil || stored || done {
		t.Fatalf("redelivery of an unfinished update = %v, %v, %v", stored, done, err)
	}
	if err := tu.Done(ctx, 8, now); err != nil {
		t.Fatal(err)
	}
	if err := tu.Done(ctx, 8, now); err != nil {
		t.Fatalf("second Done = %v", err)
	}
	if stored, done, err := tu.Accept(ctx, 8, 42, raw(8), now); err != nil || stored || !done {
		t.Fatalf("redelivery of a done update = %v, %v, %v", stored, done, err)
	}
	// An update claimed without a payload (older processes) is not taken up.
	if ok, err := tu.Claim(ctx, 5, now); err != nil || !ok {
		t.Fatal(ok, err)
	}
	got, err := tu.Unfinished(ctx, now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprintf("%s", got); s != `[{"update_id":7} {"update_id":9} {"update_id":10}]` {
		t.Fatalf("unfinished = %s, want 7, 9, 10 in order", s)
	}
	// Only those accepted before the given time.
	if got, err := tu.Unfinished(ctx, now.Add(-time.Second)); err != nil || len(got) != 0 {
		t.Fatalf("unfinished before = %s, %v; want none", got, err)
	}
	// Of concurrent accepts of one id exactly one stores it.
	var wg sync.WaitGroup
	var wins atomic.Int32
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if stored, _, err := tu.Accept(ctx, 77, 1, raw(77), now); err != nil {
				t.Error(err)
			} else if stored {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("concurrent accepts stored %d times, want 1", wins.Load())
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
	for i, want := range []bool{true, false} {
		if was, err := tu.ClearInactive(ctx, chat); err != nil || was != want {
			t.Fatalf("clear %d: was inactive = %v, %v; want %v", i, was, err, want)
		}
	}
	if in, err := tu.IsInactive(ctx, chat); err != nil || in {
		t.Fatalf("cleared chat inactive = %v, %v", in, err)
	}
}
