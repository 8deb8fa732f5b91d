package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/bot"
)

// EventRetention is how long turn events are kept for statistics.
const EventRetention = 180 * 24 * time.Hour

// Events implements bot.EventSink and computes staff statistics.
type Events struct{ db *DB }

var _ bot.EventSink = (*Events)(nil)

// Events returns the event store.
func (d *DB) Events() *Events { return &Events{db: d} }

// RecordTurn queues one event for the background writer and returns at once:
// a turn never waits for its statistics. Events reach the store within
// EventFlushEvery (sooner under load), before Close returns, and before this
// process reads or erases events; a crash loses at most that last second.
func (e *Events) RecordTurn(_ context.Context, ev bot.TurnEvent) error {
	e.db.eventLog().add(eventDoc{ID: bson.NewObjectID(), TurnEvent: ev, ExpiresAt: ev.At.Add(EventRetention)})
	return nil
}

// eventDoc is a stored turn event. Its _id is chosen here, so that writing a
// batch again after a failure cannot store an event twice.
type eventDoc struct {
	ID            bson.ObjectID `bson:"_id"`
	bot.TurnEvent `bson:",inline"`
	ExpiresAt     time.Time `bson:"expires_at"`
}

// DayStat counts one day on one channel (days in Vietnam time).
type DayStat struct {
	Day           string `json:"day"`
	Channel       string `json:"channel"`
	Conversations int    `json:"conversations"`
	Messages      int    `json:"messages"`
}

// ProcedureCount is how often a procedure was answered.
type ProcedureCount struct {
	ProcedureID string `json:"procedure_id"`
	Title       string `json:"title,omitempty"`
	Count       int    `json:"count"`
}

// Stats summarises a period.
type Stats struct {
	Days           []DayStat        `json:"days"`
	TopProcedures  []ProcedureCount `json:"top_procedures"`
	Messages       int              `json:"messages"`
	Fallbacks      int              `json:"fallbacks"`
	UnansweredRate float64          `json:"unanswered_rate"`
}

var vnZone = time.FixedZone("ICT", 7*3600)

// Stats counts the events since since (conversations = distinct chats per day).
func (e *Events) Stats(ctx context.Context, since time.Time) (Stats, error) {
	if err := e.db.flushEvents(ctx); err != nil {
		return Stats{}, err
	}
	cur, err := e.db.db.Collection(colEvents).Find(ctx, bson.M{"at": bson.M{"$gte": since}})
	if err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	defer cur.Close(ctx)
	type key struct{ day, channel string }
	days := map[key]*DayStat{}
	chats := map[key]map[string]bool{}
	procs := map[string]int{}
	st := Stats{Days: []DayStat{}, TopProcedures: []ProcedureCount{}}
	for cur.Next(ctx) {
		var ev bot.TurnEvent
		if err := cur.Decode(&ev); err != nil {
			return Stats{}, fmt.Errorf("store: stats: %w", err)
		}
		k := key{ev.At.In(vnZone).Format("2006-01-02"), ev.Channel}
		d := days[k]
		if d == nil {
			d = &DayStat{Day: k.day, Channel: k.channel}
			days[k] = d
			chats[k] = map[string]bool{}
		}
		d.Messages++
		if !chats[k][ev.ChatID] {
			chats[k][ev.ChatID] = true
			d.Conversations++
		}
		st.Messages++
		if ev.Intent == bot.IntentFallback {
			st.Fallbacks++
		}
		if ev.ProcedureID != "" && ev.Intent == bot.IntentProcedure {
			procs[ev.ProcedureID]++
		}
	}
	if err := cur.Err(); err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	for _, d := range days {
		st.Days = append(st.Days, *d)
	}
	sort.Slice(st.Days, func(i, j int) bool {
		if st.Days[i].Day != st.Days[j].Day {
			return st.Days[i].Day < st.Days[j].Day
		}
		return st.Days[i].Channel < st.Days[j].Channel
	})
	for id, n := range procs {
		st.TopProcedures = append(st.TopProcedures, ProcedureCount{ProcedureID: id, Count: n})
	}
	sort.Slice(st.TopProcedures, func(i, j int) bool {
		if st.TopProcedures[i].Count != st.TopProcedures[j].Count {
			return st.TopProcedures[i].Count > st.TopProcedures[j].Count
		}
		return st.TopProcedures[i].ProcedureID < st.TopProcedures[j].ProcedureID
	})
	if len(st.TopProcedures) > 10 {
		st.TopProcedures = st.TopProcedures[:10]
	}
	if st.Messages > 0 {
		st.UnansweredRate = float64(st.Fallbacks) / float64(st.Messages)
	}
	return st, nil
}

// FeedbackSummary is the votes on one procedure's answers.
type FeedbackSummary struct {
	ProcedureID string `json:"procedure_id"`
	Title       string `json:"title,omitempty"`
	Up          int    `json:"up"`
	Down        int    `json:"down"`
}

// Summary counts votes per procedure, most down-voted first.
func (f *FeedbackStore) Summary(ctx context.Context) ([]FeedbackSummary, error) {
	cur, err := f.db.db.Collection(colFeedback).Find(ctx, bson.M{})
	if err != nil {
		return nil, fmt.Errorf("store: feedback summary: %w", err)
	}
	var all []bot.Feedback
	if err := cur.All(ctx, &all); err != nil {
		return nil, fmt.Errorf("store: feedback summary: %w", err)
	}
	by := map[string]*FeedbackSummary{}
	for _, fb := range all {
		s := by[fb.ProcedureID]
		if s == nil {
			s = &FeedbackSummary{ProcedureID: fb.ProcedureID}
			by[fb.ProcedureID] = s
		}
		if fb.Vote == "up" {
			s.Up++
		} else {
			s.Down++
		}
	}
	out := []FeedbackSummary{}
	for _, s := range by {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Down != out[j].Down {
			return out[i].Down > out[j].Down
		}
		return out[i].ProcedureID < out[j].ProcedureID
	})
	return out, nil
}

// EventFlushEvery is how long a recorded turn event waits in memory at most
// (statistics may lag by that much).
const EventFlushEvery = time.Second

// eventFlushAt is how many waiting events make the writer start at once: one
// insert of that many holds the embedded server for a few milliseconds.
const eventFlushAt = 256

// maxPendingEvents bounds the events kept in memory while the store refuses
// them; beyond it new ones are dropped (and logged).
const maxPendingEvents = 100_000

// eventLog keeps recorded turn events in memory and writes them in batches
// from one background goroutine (started by the first event), so that the
// insert of the events never sits in a chat turn's path. A failed batch is
// kept and written again by the next flush.
type eventLog struct {
	col func() *mongo.Collection
	log *slog.Logger

	mu      sync.Mutex
	pending []any
	dropped int64

	flushMu sync.Mutex // one write at a time, in order
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	started sync.Once
	stopped bool
}

// eventLog is the DB's event writer (views of one server get their own).
func (d *DB) eventLog() *eventLog {
	d.eventsOnce.Do(func() {
		d.events = &eventLog{
			col: func() *mongo.Collection { return d.db.Collection(colEvents) }, log: d.log,
			kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		}
	})
	return d.events
}

func (l *eventLog) add(doc eventDoc) {
	l.started.Do(func() { go l.run() })
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		l.writeNow(doc) // after Close began: no writer left to wait for
		return
	}
	if len(l.pending) >= maxPendingEvents {
		l.dropped++ // the front may be in a write: drop the newest
		l.mu.Unlock()
		return
	}
	l.pending = append(l.pending, doc)
	n := len(l.pending)
	l.mu.Unlock()
	if n >= eventFlushAt {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

func (l *eventLog) writeNow(doc eventDoc) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := l.col().InsertOne(ctx, doc); err != nil {
		l.log.Warn("turn event not recorded", "err", err)
	}
}

func (l *eventLog) run() {
	defer close(l.done)
	t := time.NewTicker(EventFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		case <-l.kick:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := l.flush(ctx); err != nil {
			l.log.Warn("turn events not written yet; kept for the next try", "err", err)
		}
		cancel()
	}
}

// flush writes the waiting events, eventFlushAt per insert, and returns when
// they are stored or an insert failed (the unwritten ones are kept, in order).
func (l *eventLog) flush(ctx context.Context) error {
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	for {
		l.mu.Lock()
		if l.dropped > 0 {
			l.log.Error("turn events dropped: the store refused them for too long", "events", l.dropped)
			l.dropped = 0
		}
		batch := l.pending[:min(len(l.pending), eventFlushAt)]
		l.mu.Unlock()
		if len(batch) == 0 {
			return nil
		}
		_, err := l.col().InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		if err != nil && !onlyDuplicates(err) {
			return fmt.Errorf("store: write turn events: %w", err)
		}
		l.mu.Lock()
		l.pending = l.pending[len(batch):] // events added meanwhile are behind the batch
		l.mu.Unlock()
	}
}

// onlyDuplicates reports whether every failure of a bulk insert was a
// duplicate key (documents written by an earlier, partly failed try).
func onlyDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 && we.Code != 11001 && we.Code != 12582 {
			return false
		}
	}
	return true
}

// flushEvents writes the turn events this DB holds in memory (before reading
// or erasing events, so that this process sees its own).
func (d *DB) flushEvents(ctx context.Context) error {
	return d.eventLog().flush(ctx)
}

// stopEvents writes what is waiting and stops the writer; events recorded
// later are written one by one.
func (d *DB) stopEvents(ctx context.Context) {
	l := d.eventLog()
	l.mu.Lock()
	already := l.stopped
	l.stopped = true
	l.mu.Unlock()
	if already {
		return
	}
	l.started.Do(func() { close(l.done) }) // never started: nothing runs
	close(l.stop)
	<-l.done
	if err := l.flush(ctx); err != nil {
		l.log.Error("turn events lost at shutdown", "err", err)
	}
}
