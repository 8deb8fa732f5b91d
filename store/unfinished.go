package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// acceptedEvent is what unfinished reads of an accepted event before its
// payload: the _id it is stored under and its sequence number (zero where the
// store keeps none).
type acceptedEvent[K cmp.Ordered] struct {
	ID  K     `bson:"_id"`
	Seq int64 `bson:"seq"`
}

// unfinishedQuery says which accepted events unfinished hands over and how.
// The events are documents with a "raw" payload and an "at" time; a done mark
// is a document with done: true whose _id is doneID of the event's _id.
type unfinishedQuery[K cmp.Ordered] struct {
	col    *mongo.Collection
	scope  bson.M                          // narrows both the events and the done marks (a channel); nil: the whole collection
	doneID func(K) string                  // the _id of the done mark of the event stored under K
	order  func(a, b acceptedEvent[K]) int // the order the payloads are handed over in
	what   string                          // names the events in errors ("zalo events", "telegram updates")
}

// unfinished returns the payloads of q's events accepted before the given time
// and without a done mark, ordered by q.order. It makes three reads: the
// accepted events' keys, the done marks, then the payloads by _id in chunks of
// 500 (so no single query grows with the backlog). An event that expires
// between the reads is left out, never returned empty. It scans the
// collection: call it at start. It takes nothing over: with several processes
// on one database pass a time old enough that the events' owners must have
// stopped. Errors wrap the driver's.
func unfinished[K cmp.Ordered](ctx context.Context, q unfinishedQuery[K], before time.Time) ([][]byte, error) {
	within := func(f bson.M) bson.M {
		maps.Copy(f, q.scope)
		return f
	}
	var accepted []acceptedEvent[K]
	cur, err := q.col.Find(ctx, within(bson.M{"raw": bson.M{"$exists": true}, "at": bson.M{"$lt": before.UTC()}}),
		options.Find().SetProjection(bson.M{"_id": 1, "seq": 1}))
	if err == nil {
		err = cur.All(ctx, &accepted)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find unfinished %s: %w", q.what, err)
	}
	if len(accepted) == 0 {
		return nil, nil
	}
	var marks []struct {
		ID string `bson:"_id"`
	}
	cur, err = q.col.Find(ctx, within(bson.M{"done": true}), options.Find().SetProjection(bson.M{"_id": 1}))
	if err == nil {
		err = cur.All(ctx, &marks)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find finished %s: %w", q.what, err)
	}
	done := make(map[string]bool, len(marks))
	for _, m := range marks {
		done[m.ID] = true
	}
	open := accepted[:0]
	for _, a := range accepted {
		if !done[q.doneID(a.ID)] {
			open = append(open, a)
		}
	}
	slices.SortFunc(open, q.order)
	ids := make([]K, len(open))
	for i, a := range open {
		ids[i] = a.ID
	}
	raws := make(map[K]string, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var docs []struct {
			ID  K      `bson:"_id"`
			Raw string `bson:"raw"`
		}
		cur, err := q.col.Find(ctx, bson.M{"_id": bson.M{"$in": chunk}}, options.Find().SetProjection(bson.M{"raw": 1}))
		if err == nil {
			err = cur.All(ctx, &docs)
		}
		if err != nil {
			return nil, fmt.Errorf("store: load unfinished %s: %w", q.what, err)
		}
		for _, d := range docs {
			raws[d.ID] = d.Raw
		}
	}
	out := make([][]byte, 0, len(ids))
	for _, id := range ids {
		if r, ok := raws[id]; ok {
			out = append(out, []byte(r))
		}
	}
	return out, nil
}
