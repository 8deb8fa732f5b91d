package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// errDuplicate is a batched insert's duplicate key.
var errDuplicate = errors.New("store: duplicate key")

// insertBatcher commits concurrent single-document inserts into one
// collection together (group commit): the first caller inserts alone; callers
// arriving while an insert is in flight are gathered and inserted by one
// unordered InsertMany, which the embedded server commits in one transaction
// (a few milliseconds for one document, about a tenth of a millisecond per
// document in a batch). Each caller gets its own document's outcome. There is
// no timer: a lone insert is never delayed.
type insertBatcher struct {
	col func() *mongo.Collection
	// write, when set, stores a batch instead of an InsertMany into col: it
	// returns each document's outcome (nil, errDuplicate or an error).
	write func(docs []any) []error

	mu      sync.Mutex
	pending []*batchReq
	busy    bool // a caller is leading (inserting a batch)
}

type batchReq struct {
	doc  any
	err  error
	done chan struct{}
	lead chan struct{} // this caller is to lead the next batch
}

const maxBatch = 256

// insert inserts doc and returns nil, an error wrapping errDuplicate, or a store
// error. It waits for the outcome whatever happens to the caller's context, so
// that an inserted document is never reported as failed.
func (b *insertBatcher) insert(doc any) error {
	r := &batchReq{doc: doc, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, r)
	if !b.busy {
		b.busy = true
		b.mu.Unlock()
		b.flush()
	} else {
		b.mu.Unlock()
	}
	for {
		select {
		case <-r.done:
			return r.err
		case <-r.lead:
			b.flush()
		}
	}
}

// flush inserts the oldest pending documents (the leader's among them), then
// hands the lead to the next waiting caller or gives it up.
func (b *insertBatcher) flush() {
	b.mu.Lock()
	batch := b.pending
	if len(batch) > maxBatch {
		batch = batch[:maxBatch:maxBatch]
	}
	b.pending = b.pending[len(batch):]
	b.mu.Unlock()

	docs := make([]any, len(batch))
	for i, r := range batch {
		docs[i] = r.doc
	}
	errs := b.insertMany(docs)
	for i, r := range batch {
		r.err = errs[i]
		close(r.done)
	}

	b.mu.Lock()
	if len(b.pending) > 0 {
		b.pending[0].lead <- struct{}{}
	} else {
		b.busy = false
	}
	b.mu.Unlock()
}

func (b *insertBatcher) insertMany(docs []any) []error {
	if b.write != nil {
		return b.write(docs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return insertDocs(ctx, b.col(), docs)
}

// insertDocs inserts docs into col (unordered) and returns each one's outcome:
// nil, errDuplicate, or an error.
func insertDocs(ctx context.Context, col *mongo.Collection, docs []any) []error {
	errs := make([]error, len(docs))
	var err error
	if len(docs) == 1 {
		_, err = col.InsertOne(ctx, docs[0])
		if mongo.IsDuplicateKeyError(err) {
			err = errDuplicate
		}
		errs[0] = err
		return errs
	}
	_, err = col.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return errs
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	for _, we := range bwe.WriteErrors {
		if we.Index < 0 || we.Index >= len(errs) {
			continue
		}
		if we.Code == 11000 || we.Code == 11001 || we.Code == 12582 {
			errs[we.Index] = errDuplicate
		} else {
			errs[we.Index] = we
		}
	}
	return errs
}
