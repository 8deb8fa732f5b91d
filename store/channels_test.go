package store_test

import (
	"context"
	"errors"
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
		stored, done, err := st.Accept(ctx, "zalo", id, "u1", []byte(`{"id":"`+id+`"}`), now)
		if err != nil || !stored || done {
			t.Fatalf("accept %s: %v %v %v", id, stored, done, err)
		}
	}
	if stored, done, _ := st.Accept(ctx, "zalo", "a", "u1", nil, now); stored || done {
		t.Fatal("redelivery stored again")
	}
	if stored, _, _ := st.Accept(ctx, "messenger", "a", "u1", []byte(`{}`), now); !stored {
		t.Fatal("ids are per channel")
	}
	if err := st.Done(ctx, "zalo", "a", now); err != nil {
		t.Fatal(err)
	}
	if err := st.Done(ctx, "zalo", "a", now); err != nil {
		t.Fatal("done twice:", err)
	}
	if _, done, _ := st.Accept(ctx, "zalo", "a", "u1", nil, now); !done {
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
	st.Touch(ctx, "zalo", "u1", now)
	if c, _ := st.Chat(ctx, "zalo", "u1"); c.Inactive || !c.LastIn.Equal(now) {
		t.Fatalf("after touch %+v", c)
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
