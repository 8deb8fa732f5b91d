package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/dossier"
)

// Outbox is the durable queue of notifications. Each notification has a
// deterministic _id, so enqueuing the same change twice stores it once, and it
// moves pending → sending → sent (or failed) with compare-and-set, so no two
// workers send it and a crash mid-send never leads to a second send.
//
// Two backends, chosen once per DB (see DB.Outbox):
//   - shared (MongoDB, several instances): every read is a query and every
//     move a conditional update ({_id, status}), MongoDB's single-document
//     atomicity being the only coordination (docOutbox);
//   - embedded (this process owns the store): the unfinished notifications
//     (pending, sending) are also kept in memory, loaded on first use, and
//     every move is checked there under one mutex and written by _id alone
//     (memOutbox). The embedded server answers a filter on any field but a
//     lone _id by reading and decoding the whole collection (about 60 µs a
//     document, on the one connection every store call shares), and the web
//     chat asks for its inbox every half minute per open page: with 90 days
//     of delivered notifications kept, each such read would hold the store
//     for a good part of a second.
type Outbox struct{ backend outboxBackend }

var _ dossier.Outbox = (*Outbox)(nil)

// outboxBackend is what the two backends do; Outbox's methods say what each
// guarantees.
type outboxBackend interface {
	enqueue(ctx context.Context, d outboxDoc) error
	due(ctx context.Context, channel string, now time.Time, limit int) ([]outboxDoc, error)
	forChat(ctx context.Context, channel, chatID string) ([]outboxDoc, error)
	claim(ctx context.Context, id string, now time.Time) (bool, error)
	finish(ctx context.Context, id string, set bson.M, retry bool, retryAt time.Time) error
	status(ctx context.Context, id string) (string, error)
	oldestPending(ctx context.Context) (map[string]time.Time, error)
	// erased is told that a chat's notifications were deleted.
	erased(channel, chatID string)
}

// Outbox returns the outbox store (one per DB).
func (d *DB) Outbox() *Outbox {
	d.outboxOnce.Do(func() {
		doc := docOutbox{db: d}
		if d.Embedded() {
			d.outbox = &Outbox{backend: &memOutbox{doc: doc}}
		} else {
			d.outbox = &Outbox{backend: doc}
		}
	})
	return d.outbox
}

// Enqueue stores n as pending unless it is already there.
func (o *Outbox) Enqueue(ctx context.Context, n dossier.Notification, now time.Time) error {
	return o.backend.enqueue(ctx, outboxDoc{ID: n.ID, Channel: n.Channel, ChatID: n.ChatID, Text: n.Text, From: n.From, Author: n.Author, Status: "pending", CreatedAt: now, NextAt: now})
}

// Due returns pending notifications of channel whose time has come, oldest first.
func (o *Outbox) Due(ctx context.Context, channel string, now time.Time, limit int) ([]dossier.Notification, error) {
	docs, err := o.backend.due(ctx, channel, now, limit)
	return notifications(docs), err
}

// ForChat returns pending notifications for one chat (the web chat picks them up
// on its next visit), oldest first.
func (o *Outbox) ForChat(ctx context.Context, channel, chatID string) ([]dossier.Notification, error) {
	docs, err := o.backend.forChat(ctx, channel, chatID)
	return notifications(docs), err
}

// Claim moves a notification from pending to sending; false when another worker
// (or an earlier run) has it.
func (o *Outbox) Claim(ctx context.Context, id string, now time.Time) (bool, error) {
	return o.backend.claim(ctx, id, now)
}

// OutboxRetention is how long a delivered (or finally failed) notification is
// kept: long enough that re-processing the same change cannot send it again,
// short enough that the outbox, which pulling pages read, stays small.
const OutboxRetention = 90 * 24 * time.Hour

// Finish records the outcome of a send of a notification in sending: sent,
// failed for good, or back to pending for a retry at retryAt. A finished
// notification expires after OutboxRetention (a pending one never does). A
// notification not in sending is left as it is.
func (o *Outbox) Finish(ctx context.Context, id string, sendErr error, retry bool, retryAt time.Time, now time.Time) error {
	set := bson.M{"status": "sent", "sent_at": now, "expires_at": now.Add(OutboxRetention)}
	again := false
	switch {
	case sendErr != nil && retry:
		set = bson.M{"status": "pending", "next_at": retryAt, "error": sendErr.Error()}
		again = true
	case sendErr != nil:
		set = bson.M{"status": "failed", "error": sendErr.Error(), "expires_at": now.Add(OutboxRetention)}
	}
	return o.backend.finish(ctx, id, set, again, retryAt)
}

// Status returns a notification's status ("" when absent).
func (o *Outbox) Status(ctx context.Context, id string) (string, error) {
	return o.backend.status(ctx, id)
}

// OldestPending returns, per channel, when the oldest pending notification was
// queued.
func (o *Outbox) OldestPending(ctx context.Context) (map[string]time.Time, error) {
	return o.backend.oldestPending(ctx)
}

func notifications(docs []outboxDoc) []dossier.Notification {
	out := make([]dossier.Notification, len(docs))
	for i, d := range docs {
		out[i] = dossier.Notification{ID: d.ID, Channel: d.Channel, ChatID: d.ChatID, Text: d.Text, From: d.From, Author: d.Author, At: d.CreatedAt}
	}
	return out
}

type outboxDoc struct {
	ID        string    `bson:"_id"`
	Channel   string    `bson:"channel"`
	ChatID    string    `bson:"chat_id"`
	Text      string    `bson:"text"`
	From      string    `bson:"from,omitempty"`
	Author    string    `bson:"author,omitempty"`
	Status    string    `bson:"status"` // pending, sending, sent, failed
	Attempts  int       `bson:"attempts"`
	CreatedAt time.Time `bson:"created_at"`
	NextAt    time.Time `bson:"next_at"`
	SentAt    time.Time `bson:"sent_at,omitempty"`
	Error     string    `bson:"error,omitempty"`
}

// docOutbox is the shared backend: queries and conditional updates.
type docOutbox struct{ db *DB }

func (o docOutbox) col() *mongo.Collection { return o.db.db.Collection(colOutbox) }

func (o docOutbox) enqueue(ctx context.Context, d outboxDoc) error {
	_, err := o.insert(ctx, d)
	return err
}

// insert stores d and reports whether it was new (false: already there).
func (o docOutbox) insert(ctx context.Context, d outboxDoc) (bool, error) {
	_, err := o.col().InsertOne(ctx, d)
	switch {
	case mongo.IsDuplicateKeyError(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: enqueue notification: %w", err)
	}
	return true, nil
}

func (o docOutbox) due(ctx context.Context, channel string, now time.Time, limit int) ([]outboxDoc, error) {
	return o.find(ctx, bson.M{"status": "pending", "channel": channel, "next_at": bson.M{"$lte": now}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}).SetLimit(int64(limit)))
}

func (o docOutbox) forChat(ctx context.Context, channel, chatID string) ([]outboxDoc, error) {
	return o.find(ctx, bson.M{"status": "pending", "channel": channel, "chat_id": chatID},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
}

func (o docOutbox) find(ctx context.Context, filter bson.M, opts *options.FindOptionsBuilder) ([]outboxDoc, error) {
	cur, err := o.col().Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return docs, nil
}

func (o docOutbox) claim(ctx context.Context, id string, now time.Time) (bool, error) {
	return o.update(ctx, bson.M{"_id": id, "status": "pending"}, claimUpdate(now))
}

func claimUpdate(now time.Time) bson.M {
	return bson.M{"$set": bson.M{"status": "sending", "claimed_at": now}, "$inc": bson.M{"attempts": 1}}
}

// update applies u to the document filter matches and reports whether one did.
func (o docOutbox) update(ctx context.Context, filter, u bson.M) (bool, error) {
	res, err := o.col().UpdateOne(ctx, filter, u)
	if err != nil {
		return false, fmt.Errorf("store: notification: %w", err)
	}
	return res.MatchedCount == 1, nil
}

func (o docOutbox) finish(ctx context.Context, id string, set bson.M, _ bool, _ time.Time) error {
	_, err := o.update(ctx, bson.M{"_id": id, "status": "sending"}, bson.M{"$set": set})
	return err
}

func (o docOutbox) status(ctx context.Context, id string) (string, error) {
	var d outboxDoc
	err := o.col().FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	return d.Status, err
}

// oldestPending looks at the 5,000 oldest pending notifications.
func (o docOutbox) oldestPending(ctx context.Context) (map[string]time.Time, error) {
	docs, err := o.find(ctx, bson.M{"status": "pending"}, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}).SetLimit(5000).SetProjection(bson.M{"channel": 1, "created_at": 1}))
	if err != nil {
		return nil, fmt.Errorf("store: outbox lag: %w", err)
	}
	return oldestByChannel(docs), nil
}

func oldestByChannel(docs []outboxDoc) map[string]time.Time {
	out := map[string]time.Time{}
	for _, d := range docs {
		if t, ok := out[d.Channel]; !ok || d.CreatedAt.Before(t) {
			out[d.Channel] = d.CreatedAt
		}
	}
	return out
}

func (docOutbox) erased(string, string) {}

// memOutbox is the embedded backend: docOutbox's documents, with the
// unfinished ones also in memory. The data dir lock makes this process the
// only writer, so memory is the truth about what is pending: reads never
// query, and a move is checked in memory and written by _id (the one filter
// the embedded server looks up by index) while mu is held.
type memOutbox struct {
	doc docOutbox

	mu     sync.Mutex
	loaded bool
	open   map[string]*outboxDoc // pending and sending, by _id
}

// load reads the unfinished notifications once; callers hold mu.
func (m *memOutbox) load(ctx context.Context) error {
	if m.loaded {
		return nil
	}
	docs, err := m.unfinished(ctx)
	if err != nil {
		return err
	}
	m.open = make(map[string]*outboxDoc, len(docs))
	for i := range docs {
		m.open[docs[i].ID] = &docs[i]
	}
	m.loaded = true
	return nil
}

// unfinished reads the pending and sending notifications. Their ids come
// from the embedded file (SQLite reads the status of each row; a query would
// have the server decode every document, 90 days of delivered ones included),
// each then read by _id; without the file (missing, or its layout unknown) a
// query does it, as for the other work the file does (maintenanceUnavailable).
func (m *memOutbox) unfinished(ctx context.Context) ([]outboxDoc, error) {
	if f := m.doc.db.files; f != nil {
		ids, err := f.idsWhere(ctx, m.doc.db.db.Name(), colOutbox, "status", "pending", "sending")
		if err == nil {
			docs := make([]outboxDoc, 0, len(ids))
			for _, id := range ids {
				var d outboxDoc
				err := m.doc.col().FindOne(ctx, bson.M{"_id": id}).Decode(&d)
				if errors.Is(err, mongo.ErrNoDocuments) {
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("store: outbox: %w", err)
				}
				docs = append(docs, d)
			}
			return docs, nil
		}
		if !m.doc.db.maintenanceUnavailable(err) {
			return nil, err
		}
	}
	return m.doc.find(ctx, bson.M{"status": bson.M{"$in": bson.A{"pending", "sending"}}}, options.Find())
}

func (m *memOutbox) enqueue(ctx context.Context, d outboxDoc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.load(ctx); err != nil {
		return err
	}
	if m.open[d.ID] != nil {
		return nil
	}
	added, err := m.doc.insert(ctx, d)
	if added {
		m.open[d.ID] = &d
	}
	return err
}

// pick returns copies of the unfinished notifications keep accepts, oldest
// first, at most limit (0: all).
func (m *memOutbox) pick(ctx context.Context, limit int, keep func(*outboxDoc) bool) ([]outboxDoc, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.load(ctx); err != nil {
		return nil, err
	}
	var out []outboxDoc
	for _, d := range m.open {
		if keep(d) {
			out = append(out, *d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (m *memOutbox) due(ctx context.Context, channel string, now time.Time, limit int) ([]outboxDoc, error) {
	return m.pick(ctx, limit, func(d *outboxDoc) bool {
		return d.Status == "pending" && d.Channel == channel && !d.NextAt.After(now)
	})
}

func (m *memOutbox) forChat(ctx context.Context, channel, chatID string) ([]outboxDoc, error) {
	return m.pick(ctx, 0, func(d *outboxDoc) bool {
		return d.Status == "pending" && d.Channel == channel && d.ChatID == chatID
	})
}

func (m *memOutbox) claim(ctx context.Context, id string, now time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.load(ctx); err != nil {
		return false, err
	}
	d := m.open[id]
	if d == nil || d.Status != "pending" {
		return false, nil
	}
	found, err := m.doc.update(ctx, bson.M{"_id": id}, claimUpdate(now))
	if err != nil {
		return false, err
	}
	if !found { // deleted meanwhile (the chat was erased)
		delete(m.open, id)
		return false, nil
	}
	d.Status = "sending"
	d.Attempts++
	return true, nil
}

func (m *memOutbox) finish(ctx context.Context, id string, set bson.M, retry bool, retryAt time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.load(ctx); err != nil {
		return err
	}
	d := m.open[id]
	if d == nil || d.Status != "sending" {
		return nil
	}
	if _, err := m.doc.update(ctx, bson.M{"_id": id}, bson.M{"$set": set}); err != nil {
		return err
	}
	if retry {
		d.Status, d.NextAt = "pending", retryAt
	} else {
		delete(m.open, id)
	}
	return nil
}

func (m *memOutbox) status(ctx context.Context, id string) (string, error) {
	m.mu.Lock()
	if d := m.open[id]; m.loaded && d != nil {
		st := d.Status
		m.mu.Unlock()
		return st, nil
	}
	m.mu.Unlock()
	return m.doc.status(ctx, id)
}

func (m *memOutbox) oldestPending(ctx context.Context) (map[string]time.Time, error) {
	docs, err := m.pick(ctx, 0, func(d *outboxDoc) bool { return d.Status == "pending" })
	return oldestByChannel(docs), err
}

func (m *memOutbox) erased(channel, chatID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, d := range m.open {
		if d.Channel == channel && d.ChatID == chatID {
			delete(m.open, id)
		}
	}
}
