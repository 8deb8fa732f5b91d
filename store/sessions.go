package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Sessions implements bot.SessionStore.
//
// Against MongoDB a session is one document keyed by _id, saved with
// compare-and-set on its version. On the embedded server that would cost a table
// scan per read and per write (FerretDB v1 does not use its _id index for
// them), so there sessions live in memory and every save appends an immutable
// version to the session_log collection (an insert, which stays fast); the
// latest versions are read back at start and superseded ones are deleted in the
// background. The embedded server belongs to one process, so memory is the
// single source for reads there.
type Sessions struct {
	db  *DB
	now func() time.Time

	mu      sync.Mutex
	mem     map[string]bot.Session // embedded mode: latest version of each session
	stale   []string               // embedded mode: superseded session_log ids
	loadErr error                  // embedded mode: reading the log at start failed
}

var _ bot.SessionStore = (*Sessions)(nil)

type sessionLogDoc struct {
	ID        string      `bson:"_id"` // key#version
	Key       string      `bson:"key"`
	Version   int64       `bson:"v"`
	Session   bot.Session `bson:"s"`
	ExpiresAt time.Time   `bson:"expires_at"`
}

// Sessions returns the session store (one per DB; on the embedded server it is
// loaded from the log on first use).
func (d *DB) Sessions() *Sessions {
	d.sessOnce.Do(func() {
		d.sessions = &Sessions{db: d, now: time.Now, mem: map[string]bot.Session{}}
		if d.Embedded() {
			d.sessions.loadErr = d.sessions.loadLog(context.Background())
		}
	})
	return d.sessions
}

func (s *Sessions) col() *mongo.Collection { return s.db.db.Collection(colSessions) }
func (s *Sessions) logCol() *mongo.Collection {
	return s.db.db.Collection(colSessionLog)
}

// loadLog rebuilds the in-memory sessions from the log.
func (s *Sessions) loadLog(ctx context.Context) error {
	cur, err := s.logCol().Find(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("store: load sessions: %w", err)
	}
	defer cur.Close(ctx)
	mem := map[string]bot.Session{}
	var stale []string
	for cur.Next(ctx) {
		var d sessionLogDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("store: decode session: %w", err)
		}
		if old, ok := mem[d.Key]; ok {
			if old.Version > d.Version {
				stale = append(stale, d.ID)
				continue
			}
			stale = append(stale, logID(d.Key, old.Version))
		}
		mem[d.Key] = d.Session
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("store: load sessions: %w", err)
	}
	s.mu.Lock()
	s.mem, s.stale = mem, stale
	s.mu.Unlock()
	return nil
}

func logID(key string, v int64) string { return fmt.Sprintf("%s#%d", key, v) }

// LoadSession returns the stored session, or a zero Session (Version 0) when there
// is none, or a fresh one (same Version, for compare-and-set) when it expired.
func (s *Sessions) LoadSession(ctx context.Context, key string) (bot.Session, error) {
	var sess bot.Session
	if s.db.Embedded() {
		s.mu.Lock()
		sess = s.mem[key]
		s.mu.Unlock()
	} else {
		err := s.col().FindOne(ctx, bson.M{"_id": key}).Decode(&sess)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			return bot.Session{}, nil
		case err != nil:
			return bot.Session{}, fmt.Errorf("store: load session: %w", err)
		}
	}
	if sess.Key != "" && !sess.ExpiresAt.IsZero() && sess.ExpiresAt.Before(s.now()) {
		// Expired but not swept yet: start afresh, keeping the version for CAS.
		return bot.Session{Key: key, Channel: sess.Channel, ChatID: sess.ChatID, Version: sess.Version, CreatedAt: s.now()}, nil
	}
	return sess, nil
}

// SaveSession writes sess when its Version is still the stored one and bumps it;
// a concurrent save makes it fail with ErrConflict.
func (s *Sessions) SaveSession(ctx context.Context, sess *bot.Session) error {
	prev := sess.Version
	if s.db.Embedded() {
		return s.saveLog(ctx, sess, prev)
	}
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

func (s *Sessions) saveLog(ctx context.Context, sess *bot.Session, prev int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loadErr != nil {
		return fmt.Errorf("store: sessions were not loaded: %w", s.loadErr)
	}
	if cur := s.mem[sess.Key]; cur.Version != prev {
		return fmt.Errorf("session %s changed concurrently: %w", sess.Key, ErrConflict)
	}
	next := *sess
	next.Version = prev + 1
	doc := sessionLogDoc{ID: logID(sess.Key, next.Version), Key: sess.Key, Version: next.Version, Session: next, ExpiresAt: next.ExpiresAt}
	if _, err := s.logCol().InsertOne(ctx, doc); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("session %s: %w", sess.Key, ErrConflict)
		}
		return fmt.Errorf("store: save session: %w", err)
	}
	sess.Version = next.Version
	s.mem[sess.Key] = next
	if prev > 0 {
		s.stale = append(s.stale, logID(sess.Key, prev))
	}
	return nil
}

// compactBatch bounds one background delete.
const compactBatch = 1000

// Compact deletes superseded session versions from the log and forgets expired
// sessions (embedded mode; a no-op against MongoDB, where TTL and the sweeper
// expire whole sessions).
func (s *Sessions) Compact(ctx context.Context, now time.Time) error {
	if !s.db.Embedded() {
		return nil
	}
	s.mu.Lock()
	n := min(len(s.stale), compactBatch)
	batch := append([]string(nil), s.stale[:n]...)
	s.stale = s.stale[n:]
	for k, v := range s.mem {
		if !v.ExpiresAt.IsZero() && v.ExpiresAt.Before(now) {
			delete(s.mem, k)
		}
	}
	s.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if _, err := s.logCol().DeleteMany(ctx, bson.M{"_id": bson.M{"$in": batch}}); err != nil {
		s.mu.Lock()
		s.stale = append(s.stale, batch...)
		s.mu.Unlock()
		return fmt.Errorf("store: compact sessions: %w", err)
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
