package store

import (
	"context"
	"fmt"
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
type Outbox struct{ db *DB }

var _ dossier.Outbox = (*Outbox)(nil)

// Outbox returns the outbox store.
func (d *DB) Outbox() *Outbox { return &Outbox{db: d} }

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

func (o *Outbox) col() *mongo.Collection { return o.db.db.Collection(colOutbox) }

// Enqueue stores n as pending unless it is already there.
func (o *Outbox) Enqueue(ctx context.Context, n dossier.Notification, now time.Time) error {
	_, err := o.col().InsertOne(ctx, outboxDoc{ID: n.ID, Channel: n.Channel, ChatID: n.ChatID, Text: n.Text, From: n.From, Author: n.Author, Status: "pending", CreatedAt: now, NextAt: now})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: enqueue notification: %w", err)
	}
	return nil
}

// Due returns pending notifications of channel whose time has come, oldest first.
func (o *Outbox) Due(ctx context.Context, channel string, now time.Time, limit int) ([]dossier.Notification, error) {
	return o.find(ctx, bson.M{"status": "pending", "channel": channel, "next_at": bson.M{"$lte": now}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}).SetLimit(int64(limit)))
}

// ForChat returns pending notifications for one chat (the web chat picks them up
// on its next visit).
func (o *Outbox) ForChat(ctx context.Context, channel, chatID string) ([]dossier.Notification, error) {
	return o.find(ctx, bson.M{"status": "pending", "channel": channel, "chat_id": chatID},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
}

func (o *Outbox) find(ctx context.Context, filter bson.M, opts *options.FindOptionsBuilder) ([]dossier.Notification, error) {
	cur, err := o.col().Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	out := make([]dossier.Notification, len(docs))
	for i, d := range docs {
		out[i] = dossier.Notification{ID: d.ID, Channel: d.Channel, ChatID: d.ChatID, Text: d.Text, From: d.From, Author: d.Author, At: d.CreatedAt}
	}
	return out, nil
}

// Claim moves a notification from pending to sending; false when another worker
// (or an earlier run) has it.
func (o *Outbox) Claim(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := o.col().UpdateOne(ctx, bson.M{"_id": id, "status": "pending"}, bson.M{"$set": bson.M{"status": "sending", "claimed_at": now}, "$inc": bson.M{"attempts": 1}})
	if err != nil {
		return false, fmt.Errorf("store: claim notification: %w", err)
	}
	return res.ModifiedCount == 1, nil
}

// OutboxRetention is how long a delivered (or finally failed) notification is
// kept: long enough that re-processing the same change cannot send it again,
// short enough that the outbox, which pulling pages read, stays small.
const OutboxRetention = 90 * 24 * time.Hour

// Finish records the outcome of a send: sent, failed for good, or back to pending
// for a retry at retryAt. A finished notification expires after OutboxRetention
// (a pending one never does).
func (o *Outbox) Finish(ctx context.Context, id string, sendErr error, retry bool, retryAt time.Time, now time.Time) error {
	set := bson.M{"status": "sent", "sent_at": now, "expires_at": now.Add(OutboxRetention)}
	switch {
	case sendErr != nil && retry:
		set = bson.M{"status": "pending", "next_at": retryAt, "error": sendErr.Error()}
	case sendErr != nil:
		set = bson.M{"status": "failed", "error": sendErr.Error(), "expires_at": now.Add(OutboxRetention)}
	}
	if _, err := o.col().UpdateOne(ctx, bson.M{"_id": id, "status": "sending"}, bson.M{"$set": set}); err != nil {
		return fmt.Errorf("store: finish notification: %w", err)
	}
	return nil
}

// Status returns a notification's status ("" when absent).
func (o *Outbox) Status(ctx context.Context, id string) (string, error) {
	var d outboxDoc
	err := o.col().FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if err == mongo.ErrNoDocuments {
		return "", nil
	}
	return d.Status, err
}

// OldestPending returns, per channel, when the oldest pending notification was
// queued (looking at the 5,000 oldest).
func (o *Outbox) OldestPending(ctx context.Context) (map[string]time.Time, error) {
	cur, err := o.col().Find(ctx, bson.M{"status": "pending"}, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}).SetLimit(5000).SetProjection(bson.M{"channel": 1, "created_at": 1}))
	if err != nil {
		return nil, fmt.Errorf("store: outbox lag: %w", err)
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("store: outbox lag: %w", err)
	}
	out := map[string]time.Time{}
	for _, d := range docs {
		if t, ok := out[d.Channel]; !ok || d.CreatedAt.Before(t) {
			out[d.Channel] = d.CreatedAt
		}
	}
	return out, nil
}
