package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/store/storetest"
)

// Turn events are written in the background: a turn never waits for them,
// yet this process's statistics and erasures see every one, Close writes what
// is waiting, and an event recorded after Close is still written.
func TestTurnEventsAreWrittenInTheBackground(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	ev := db.Events()
	now := time.Now().UTC()
	const n = 300 // more than one background batch
	for i := range n {
		err := ev.RecordTurn(ctx, bot.TurnEvent{At: now, Channel: "web", ChatID: fmt.Sprintf("c%d", i%7), Intent: "procedure", ProcedureID: "cap-ho-chieu", NewConversation: i < 7})
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := ev.Stats(ctx, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st.Messages != n {
		t.Fatalf("stats right after the turns count %d messages, want %d", st.Messages, n)
	}
	if _, err := db.EraseChat(ctx, "web", "c0", "tester"); err != nil {
		t.Fatal(err)
	}
	_ = ev.RecordTurn(ctx, bot.TurnEvent{At: now, Channel: "web", ChatID: "late", Intent: "greeting"})
	if err := db.Close(ctx); err != nil {
		t.Fatal(err)
	}
	_ = ev.RecordTurn(ctx, bot.TurnEvent{At: now, Channel: "web", ChatID: "after-close", Intent: "greeting"})
	events := db.Database().Collection("events")
	for _, c := range []struct {
		filter bson.M
		want   int64
	}{
		{bson.M{"chat_id": "c0"}, 0}, // erased, none written after the erasure
		{bson.M{"chat_id": "late"}, 1},
		{bson.M{"chat_id": "after-close"}, 1},
		{bson.M{}, n - (n+6)/7 + 2},
	} {
		if got, err := events.CountDocuments(ctx, c.filter); err != nil || got != c.want {
			t.Errorf("events %v: %d (%v), want %d", c.filter, got, err, c.want)
		}
	}
}
