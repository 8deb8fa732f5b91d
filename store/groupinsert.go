package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// groupInsert batches inserts into one collection: while one batch is being
// written, the inserts arriving meanwhile queue up and are written together
// next, in one insertMany (one SQLite transaction on the embedded server,
// where every statement goes through a single connection). Each insert
// returns only once its document is stored, or with its own error. The zero
// value is ready to use.
type groupInsert struct {
	mu      sync.Mutex
	queue   []*pendingInsert
	running bool
}

type pendingInsert struct {
	col  *mongo.Collection
	doc  any
	done chan error
}

// maxGroup bounds one insertMany.
const maxGroup = 256

// errDuplicateInsert marks an insert refused because its _id exists.
var errDuplicateInsert = errors.New("document already stored")

// insert stores doc in col, batched with concurrent inserts, and returns its
// outcome (a duplicate _id wraps errDuplicateInsert or is a duplicate-key
// error). The writing happens in a goroutine of its own, started when the
// queue fills and ending when it is empty, so no caller waits for others'
// batches after its own. It waits for the outcome even when ctx ends: giving
// up on a write that may still land would leave the caller's view behind the
// store.
func (g *groupInsert) insert(ctx context.Context, col *mongo.Collection, doc any) error {
	p := &pendingInsert{col: col, doc: doc, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if !g.running {
		g.running = true
		go g.drain(context.WithoutCancel(ctx))
	}
	g.mu.Unlock()
	return <-p.done
}

// drain writes the queue batch by batch until it is empty.
func (g *groupInsert) drain(ctx context.Context) {
	g.mu.Lock()
	for len(g.queue) > 0 {
		n := 1
		for n < len(g.queue) && n < maxGroup && g.queue[n].col == g.queue[0].col {
			n++
		}
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		errs := insertBatch(ctx, batch)
		for i, b := range batch {
			b.done <- errs[i]
		}
		g.mu.Lock()
	}
	g.running = false
	g.mu.Unlock()
}

// insertBatch writes a batch (all into one collection) and returns each
// document's error.
func insertBatch(ctx context.Context, batch []*pendingInsert) []error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	errs := make([]error, len(batch))
	col := batch[0].col
	if len(batch) == 1 {
		_, errs[0] = col.InsertOne(ctx, batch[0].doc)
		return errs
	}
	docs := make([]any, len(batch))
	for i, b := range batch {
		docs[i] = b.doc
	}
	_, err := col.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return errs
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil && len(bwe.WriteErrors) > 0 {
		for _, we := range bwe.WriteErrors {
			if we.Index < 0 || we.Index >= len(errs) {
				continue
			}
			errs[we.Index] = we
			if we.Code == 11000 || we.Code == 11001 || we.Code == 12582 {
				errs[we.Index] = fmt.Errorf("%w: %v", errDuplicateInsert, we)
			}
		}
		return errs
	}
	for i := range errs {
		errs[i] = err
	}
	return errs
}
