package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Sessions implements bot.SessionStore on the sessions collection, keyed by _id.
type Sessions struct {
	db  *DB
	now func() time.Time
}

var _ bot.SessionStore = (*Sessions)(nil)

// Sessions returns the session store.
func (d *DB) Sessions() *Sessions { return &Sessions{db: d, now: time.Now} }

func (s *Sessions) col() *mongo.Collection { return s.db.db.Collection(colSessions) }

// LoadSession returns the stored session, or a zero Session (Version 0) when there
// is none or it has expired.
func (s *Sessions) LoadSession(ctx context.Context, key string) (bot.Session, error) {
	var sess bot.Session
	err := s.col().FindOne(ctx, bson.M{"_id": key}).Decode(&sess)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return bot.Session{}, nil
	case err != nil:
		return bot.Session{}, fmt.Errorf("store: load session: %w", err)
	}
	if !sess.ExpiresAt.IsZero() && sess.ExpiresAt.Before(s.now()) {
		// Expired but not swept yet: start afresh, keeping the version for CAS.
		return bot.Session{Key: key, Channel: sess.Channel, ChatID: sess.ChatID, Version: sess.Version, CreatedAt: s.now()}, nil
	}
	return sess, nil
}

// SaveSession writes sess when its Version is still the stored one and bumps it;
// a concurrent save makes it fail with ErrConflict.
func (s *Sessions) SaveSession(ctx context.Context, sess *bot.Session) error {
	prev := sess.Version
	sess.Version = prev + 1
	if prev == 0 {
		_, err := s.col().InsertOne(ctx, sess)
		if err == nil {
			return nil
		}
		sess.Version = prev
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("session %s: %w", sess.Key, ErrConflict)
		}
		return fmt.Errorf("store: save session: %w", err)
	}
	res, err := s.col().ReplaceOne(ctx, bson.M{"_id": sess.Key, "version": prev}, sess)
	if err != nil {
		sess.Version = prev
		return fmt.Errorf("store: save session: %w", err)
	}
	if res.MatchedCount == 0 {
		sess.Version = prev
		return fmt.Errorf("session %s changed concurrently: %w", sess.Key, ErrConflict)
	}
	return nil
}

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

// RecordUnanswered counts one more occurrence of text (grouped by vntext.Key).
func (u *Unanswered) RecordUnanswered(ctx context.Context, channel, text string, at time.Time) error {
	key := vntext.Key(text)
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
		"$set":         bson.M{"text": text, "last_at": at.UTC(), "channel": channel},
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
func (f *FeedbackStore) SaveFeedback(ctx context.Context, fb bot.Feedback) error {
	id := fmt.Sprintf("%s:%s:%d", fb.Channel, fb.ChatID, fb.Seq)
	_, err := f.db.db.Collection(colFeedback).ReplaceOne(ctx, bson.M{"_id": id}, fb, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: save feedback: %w", err)
	}
	return nil
}
