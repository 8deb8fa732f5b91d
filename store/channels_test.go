package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/channel"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

func TestChannelStateEvents(t *testing.T) {
	st := storetest.New(t).ChannelState()
	ctx, now := context.Background(), time.Now()
	for _, id := range []string{"b", "a", "c"} {
		stored, err := st.Accept(ctx, "zalo", id, "u1", []byte(`{"id":"`+id+`"}`), now)
		if err != nil || !stored {
			t.Fatalf("accept %s: %v %v", id, stored, err)
		}
	}
	if stored, _ := st.Accept(ctx, "zalo", "a", "u1", nil, now); stored {
		t.Fatal("redelivery stored again")
	}
	if done, _ := st.IsDone(ctx, "zalo", "a"); done {
		t.Fatal("done before Done")
	}
	if stored, _ := st.Accept(ctx, "messenger", "a", "u1", []byte(`{}`), now); !stored {
		t.Fatal("ids are per channel")
	}
	if err := st.Done(ctx, "zalo", "a", now); err != nil {
		t.Fatal(err)
	}
	if err := st.Done(ctx, "zalo", "a", now); err != nil {
		t.Fatal("done twice:", err)
	}
	if done, _ := st.IsDone(ctx, "zalo", "a"); !done {
		t.Fatal("done not reported")
	}
	raws, err := st.Unfinished(ctx, "zalo", now.Add(time.Minute))
	if err != nil || len(raws) != 2 || string(raws[0]) != `{"id":"b"}` || string(raws[1]) != `{"id":"c"}` {
		t.Fatalf("unfinished %q %v", raws, err)
	}
	if raws, _ := st.Unfinished(ctx, "zalo", now.Add(-time.Minute)); len(raws) != 0 {
		t.Fatalf("recent events of a live process taken: %q", raws)
	}
}

func TestChannelStateChatsAndTokens(t *testing.T) {
	st := storetest.New(t).ChannelState()
	ctx, now := context.Background(), time.Now().Truncate(time.Millisecond)
	if c, err := st.Chat(ctx, "zalo", "u1"); err != nil || !c.LastIn.IsZero() || c.Inactive {
		t.Fatalf("unknown chat %+v %v", c, err)
	}
	st.MarkInactive(ctx, "zalo", "u1")
	if c, _ := st.Chat(ctx, "zalo", "u1"); !c.Inactive {
		t.Fatal("not inactive")
	}
	if prev, err := st.Touch(ctx, "zalo", "u1", now); err != nil || !prev.Inactive || !prev.LastIn.IsZero() {
		t.Fatalf("touch of an inactive chat returned %+v, %v", prev, err)
	}
	if c, _ := st.Chat(ctx, "zalo", "u1"); c.Inactive || !c.LastIn.Equal(now) {
		t.Fatalf("after touch %+v", c)
	}
	if prev, err := st.Touch(ctx, "zalo", "u1", now.Add(time.Hour)); err != nil || prev.Inactive || !prev.LastIn.Equal(now) {
		t.Fatalf("second touch returned %+v, %v; want the first touch's time", prev, err)
	}
	if prev, err := st.Touch(ctx, "zalo", "u2", now); err != nil || prev != (channel.ChatState{}) {
		t.Fatalf("touch of an unknown chat returned %+v, %v", prev, err)
	}
	if _, err := st.Tokens(ctx, "zalo"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no tokens: %v", err)
	}
	t1, err := st.SaveTokens(ctx, "zalo", 0, channel.Tokens{Access: "a1", Refresh: "r1"})
	if err != nil || t1.Version != 1 {
		t.Fatalf("first save %+v %v", t1, err)
	}
	if _, err := st.SaveTokens(ctx, "zalo", 0, channel.Tokens{Access: "x", Refresh: "x"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second first save: %v", err)
	}
	t2, err := st.SaveTokens(ctx, "zalo", 1, channel.Tokens{Access: "a2", Refresh: "r2", ExpiresAt: now.Add(time.Hour)})
	if err != nil || t2.Version != 2 {
		t.Fatalf("save over 1: %+v %v", t2, err)
	}
	if _, err := st.SaveTokens(ctx, "zalo", 1, channel.Tokens{Access: "stale", Refresh: "stale"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale save: %v", err)
	}
	got, _ := st.Tokens(ctx, "zalo")
	if got.Refresh != "r2" || got.Version != 2 || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("loaded %+v", got)
	}
}

// TestChannelStateConcurrentAccepts: inserts committed together still give
// each caller its own outcome, and exactly one of concurrent accepts of an id
// stores it.
func TestChannelStateConcurrentAccepts(t *testing.T) {
	st := storetest.New(t).ChannelState()
	ctx, now := context.Background(), time.Now()
	var mu sync.Mutex
	stored := map[string]int{}
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprint(i % 200) // every id twice
			ok, err := st.Accept(ctx, "messenger", id, "c", []byte(`{}`), now)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				stored[id]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(stored) != 200 {
		t.Fatalf("%d ids stored", len(stored))
	}
	for id, n := range stored {
		if n != 1 {
			t.Fatalf("id %s stored %d times", id, n)
		}
	}
	raws, err := st.Unfinished(ctx, "messenger", now.Add(time.Minute))
	if err != nil || len(raws) != 200 {
		t.Fatalf("%d unfinished, %v", len(raws), err)
	}
}
