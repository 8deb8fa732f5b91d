package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Unanswered implements bot.UnansweredStore: questions grouped by normalized text.
type Unanswered struct{ db *DB }

var _ bot.UnansweredStore = (*Unanswered)(nil)

// Unanswered returns the unanswered-question store.
func (d *DB) Unanswered() *Unanswered { return &Unanswered{db: d} }

// UnansweredItem is one group of unanswered questions.
type UnansweredItem struct {
	Key      string    `bson:"_id" json:"key"`
	Text     string    `bson:"text" json:"text"`
	Count    int64     `bson:"count" json:"count"`
	FirstAt  time.Time `bson:"first_at" json:"first_at"`
	LastAt   time.Time `bson:"last_at" json:"last_at"`
	Channel  string    `bson:"channel" json:"channel"`
	Status   string    `bson:"status" json:"status"` // open, resolved, ignored
	Resolved string    `bson:"resolved_to,omitempty" json:"resolved_to,omitempty"`
}

// maxUnansweredText bounds what is kept of one question.
const maxUnansweredText = 500

// UnansweredRetention is how long a question stays in the inbox after it was
// last asked.
const UnansweredRetention = 90 * 24 * time.Hour

// UnansweredKey groups near-identical questions: folded words without
// diacritics, runs of one repeated letter shortened ("chaoooo" = "chao"),
// numbers and one-letter noise dropped, words in sorted order without repeats.
func UnansweredKey(text string) string {
	seen := map[string]bool{}
	var words []string
	for _, w := range strings.Fields(vntext.Key(text)) {
		w = squeezeRepeats(w)
		if len([]rune(w)) < 2 || strings.IndexFunc(w, func(r rune) bool { return r < '0' || r > '9' }) < 0 || seen[w] {
			continue
		}
		seen[w] = true
		words = append(words, w)
	}
	sort.Strings(words)
	return strings.Join(words, " ")
}

// squeezeRepeats shortens runs of three or more of one letter to one.
func squeezeRepeats(w string) string {
	r := []rune(w)
	out := r[:0:0]
	for i := 0; i < len(r); i++ {
		j := i
		for j+1 < len(r) && r[j+1] == r[i] {
			j++
		}
		if j-i >= 2 {
			out = append(out, r[i])
		} else {
			out = append(out, r[i:j+1]...)
		}
		i = j
	}
	return string(out)
}

// RecordUnanswered counts one more occurrence of text, grouped with
// near-identical questions (UnansweredKey); a group expires
// UnansweredRetention after it was last asked.
func (u *Unanswered) RecordUnanswered(ctx context.Context, channel, text string, at time.Time) error {
	key := UnansweredKey(text)
	if key == "" {
		return nil
	}
	if r := []rune(key); len(r) > maxUnansweredText {
		key = string(r[:maxUnansweredText])
	}
	if r := []rune(text); len(r) > maxUnansweredText {
		text = string(r[:maxUnansweredText])
	}
	_, err := u.db.db.Collection(colUnanswered).UpdateOne(ctx, bson.M{"_id": key}, bson.M{
		"$inc":         bson.M{"count": 1},
		"$set":         bson.M{"text": text, "last_at": at.UTC(), "channel": channel, "expires_at": at.UTC().Add(UnansweredRetention)},
		"$setOnInsert": bson.M{"first_at": at.UTC(), "status": "open"},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: record unanswered: %w", err)
	}
	return nil
}

// List returns open groups, most frequent first.
func (u *Unanswered) List(ctx context.Context, limit int) ([]UnansweredItem, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	// Expired groups go first (the sweeper only knows collections declared as
	// expiring; this keeps the inbox bounded either way).
	if _, err := u.db.db.Collection(colUnanswered).DeleteMany(ctx, bson.M{"expires_at": bson.M{"$lt": time.Now().UTC()}}); err != nil {
		return nil, fmt.Errorf("store: expire unanswered: %w", err)
	}
	cur, err := u.db.db.Collection(colUnanswered).Find(ctx, bson.M{"status": "open"},
		options.Find().SetSort(bson.D{{Key: "count", Value: -1}, {Key: "last_at", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("store: list unanswered: %w", err)
	}
	items := []UnansweredItem{}
	if err := cur.All(ctx, &items); err != nil {
		return nil, fmt.Errorf("store: list unanswered: %w", err)
	}
	return items, nil
}

// FeedbackStore implements bot.FeedbackStore.
type FeedbackStore struct{ db *DB }

var _ bot.FeedbackStore = (*FeedbackStore)(nil)

// Feedback returns the feedback store.
func (d *DB) Feedback() *FeedbackStore { return &FeedbackStore{db: d} }

// SaveFeedback stores f, one vote per answer (a second vote replaces the first).
// The first vote is an insert, which stays fast on the embedded server.
func (f *FeedbackStore) SaveFeedback(ctx context.Context, fb bot.Feedback) error {
	id := fmt.Sprintf("%s:%s:%d", fb.Channel, fb.ChatID, fb.Seq)
	doc := struct {
		ID           string `bson:"_id"`
		bot.Feedback `bson:",inline"`
	}{id, fb}
	_, err := f.db.db.Collection(colFeedback).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		_, err = f.db.db.Collection(colFeedback).ReplaceOne(ctx, bson.M{"_id": id}, doc)
	}
	if err != nil {
		return fmt.Errorf("store: save feedback: %w", err)
	}
	return nil
}

// SetStatus marks a group resolved (linked to a procedure) or ignored.
func (u *Unanswered) SetStatus(ctx context.Context, key, status, resolvedTo string) (UnansweredItem, error) {
	var item UnansweredItem
	if err := u.db.db.Collection(colUnanswered).FindOne(ctx, bson.M{"_id": key}).Decode(&item); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return item, fmt.Errorf("unanswered question %q: %w", key, ErrNotFound)
		}
		return item, fmt.Errorf("store: unanswered: %w", err)
	}
	set := bson.M{"status": status}
	if resolvedTo != "" {
		set["resolved_to"] = resolvedTo
	}
	if _, err := u.db.db.Collection(colUnanswered).UpdateOne(ctx, bson.M{"_id": key}, bson.M{"$set": set}); err != nil {
		return item, fmt.Errorf("store: unanswered: %w", err)
	}
	item.Status, item.Resolved = status, resolvedTo
	return item, nil
}
