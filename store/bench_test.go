package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/store/storetest"
)

// The store methods a turn or a webhook calls, one benchmark each, on the
// embedded store (its own database of the shared test server). Parallel ones
// run GOMAXPROCS×4 goroutines, as concurrent chats do.
//
//	go test ./store -run XXX -bench . -benchtime 2000x

func benchSession(key string, i int) *bot.Session {
	return &bot.Session{Key: key, Channel: "web", ChatID: key, Topic: "cap-ho-chieu", Section: "documents", Seq: int64(i),
		History: []bot.Turn{{Seq: int64(i), At: time.Now(), Text: "làm hộ chiếu cần giấy tờ gì", Intent: "procedure", ProcedureID: "cap-ho-chieu", Section: "documents"}}}
}

// parallel runs op with a growing number i on GOMAXPROCS×4 goroutines.
func parallel(b *testing.B, op func(i int64) error) {
	var n atomic.Int64
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(n.Add(1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSessionSaveNew saves the first version of a new session per op.
func BenchmarkSessionSaveNew(b *testing.B) {
	s := storetest.New(b).Sessions()
	ctx := context.Background()
	parallel(b, func(i int64) error {
		return s.SaveSession(ctx, benchSession(fmt.Sprintf("new-%d", i), int(i)))
	})
}

// BenchmarkSessionTurn is a turn's session work: load, then save the next
// version, over 200 sessions in use (two goroutines on one session at once
// make a conflict, which a turn retries; it counts as an op).
func BenchmarkSessionTurn(b *testing.B) {
	s := storetest.New(b).Sessions()
	ctx := context.Background()
	parallel(b, func(i int64) error {
		key := fmt.Sprintf("turn-%d", i%200)
		sess, err := s.LoadSession(ctx, key)
		if err != nil {
			return err
		}
		next := benchSession(key, int(i))
		next.Version = sess.Version
		if err := s.SaveSession(ctx, next); err != nil && !errors.Is(err, bot.ErrConflict) {
			return err
		}
		return nil
	})
}

// BenchmarkSessionLoadCold loads a stored session no process has in memory
// (a fresh Sessions over the same database reads it from the log).
func BenchmarkSessionLoadCold(b *testing.B) {
	db := storetest.New(b)
	ctx := context.Background()
	for i := 0; i < 500; i++ {
		if err := db.Sessions().SaveSession(ctx, benchSession(fmt.Sprintf("cold-%d", i), i)); err != nil {
			b.Fatal(err)
		}
	}
	_ = db.Close(ctx) // flushes; the view's database stays
	cold := db.WithDatabase(db.Database().Name()).Sessions()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if sess, err := cold.LoadSession(ctx, fmt.Sprintf("cold-%d", i%500)); err != nil || sess.Version == 0 {
			b.Fatalf("load: %v %+v", err, sess)
		}
	}
}

// BenchmarkRecordTurn records one turn event (buffered, flushed in the
// background).
func BenchmarkRecordTurn(b *testing.B) {
	ev := storetest.New(b).Events()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if err := ev.RecordTurn(ctx, bot.TurnEvent{At: time.Now(), Channel: "web", ChatID: "c", Intent: "procedure", ProcedureID: "cap-ho-chieu"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChannelUpdate is one webhook delivery's durable bookkeeping:
// store the update, touch the chat, mark the update done.
func BenchmarkChannelUpdate(b *testing.B) {
	cs := storetest.New(b).ChannelState()
	ctx := context.Background()
	raw := []byte(`{"event_name":"user_send_text","message":{"text":"làm hộ chiếu cần gì"}}`)
	parallel(b, func(i int64) error {
		id, chat := fmt.Sprint(i), fmt.Sprint(i%100)
		now := time.Now()
		if _, err := cs.Accept(ctx, "zalo", id, chat, raw, now); err != nil {
			return err
		}
		if _, err := cs.Touch(ctx, "zalo", chat, now); err != nil {
			return err
		}
		return cs.Done(ctx, "zalo", id, now)
	})
}

// BenchmarkTelegramUpdate is the same for a Telegram update.
func BenchmarkTelegramUpdate(b *testing.B) {
	tu := storetest.New(b).TelegramUpdates()
	ctx := context.Background()
	raw := []byte(`{"update_id":1,"message":{"text":"làm hộ chiếu cần gì"}}`)
	for i := 0; i < b.N; i++ {
		now := time.Now()
		if _, _, err := tu.Accept(ctx, int64(i+1), int64(i%100), raw, now); err != nil {
			b.Fatal(err)
		}
		if err := tu.Done(ctx, int64(i+1), now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGuardIncr counts one request against a rate limit key.
func BenchmarkGuardIncr(b *testing.B) {
	g := storetest.New(b).Guards()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if _, err := g.Incr(ctx, fmt.Sprintf("k%d", i%50), time.Hour, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordUnanswered records a question the bot could not answer.
func BenchmarkRecordUnanswered(b *testing.B) {
	u := storetest.New(b).Unanswered()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if err := u.RecordUnanswered(ctx, "web", fmt.Sprintf("câu hỏi chưa có hướng dẫn số %d", i%300), time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupAudit writes one dossier lookup audit record.
func BenchmarkLookupAudit(b *testing.B) {
	a := storetest.New(b).LookupAudit()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if err := a.Audit(ctx, dossier.AuditRecord{At: time.Now(), Channel: "web", CodeHash: fmt.Sprint(i), Outcome: "ok"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOutboxEnqueueClaim queues a notification, then claims it.
func BenchmarkOutboxEnqueueClaim(b *testing.B) {
	o := storetest.New(b).Outbox()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		id := fmt.Sprintf("n%d", i)
		now := time.Now()
		if err := o.Enqueue(ctx, dossier.Notification{ID: id, Channel: "telegram", ChatID: "1", Text: "Hồ sơ đã có kết quả"}, now); err != nil {
			b.Fatal(err)
		}
		if ok, err := o.Claim(ctx, id, now); err != nil || !ok {
			b.Fatalf("claim: %v %v", ok, err)
		}
	}
}
