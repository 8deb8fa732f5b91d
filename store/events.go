package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/dvcbot/dvcbot/bot"
)

// EventRetention is how long turn events are kept for statistics.
const EventRetention = 180 * 24 * time.Hour

// Events implements bot.EventSink and computes staff statistics.
type Events struct{ db *DB }

var _ bot.EventSink = (*Events)(nil)

// Events returns the event store.
func (d *DB) Events() *Events { return &Events{db: d} }

// RecordTurn stores one event (an insert, group-committed with the events of
// concurrent turns).
func (e *Events) RecordTurn(ctx context.Context, ev bot.TurnEvent) error {
	doc := struct {
		bot.TurnEvent `bson:",inline"`
		ExpiresAt     time.Time `bson:"expires_at"`
	}{ev, ev.At.Add(EventRetention)}
	if err := e.db.eventBatcher().insert(doc); err != nil {
		return fmt.Errorf("store: record turn: %w", err)
	}
	return nil
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

// eventBatcher is the DB's group commit of turn events (views of one server
// get their own).
func (d *DB) eventBatcher() *insertBatcher {
	d.eventsOnce.Do(func() {
		d.eventWrites = &insertBatcher{col: func() *mongo.Collection { return d.db.Collection(colEvents) }}
	})
	return d.eventWrites
}
