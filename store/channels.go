package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/channel"
)

// Collections of the chat channels (Zalo, Messenger) on the shared adapter.
const (
	colChannelEvents = "channel_events" // accepted events with their payload and done marks, swept after ChannelSeenTTL
	colChannelChats  = "channel_chats"  // per chat: last message in, inactive mark
	colChannelTokens = "channel_tokens" // OAuth tokens per channel
)

func init() {
	collections = append(collections,
		collectionSpec{name: colChannelEvents, expires: true},
		collectionSpec{name: colChannelChats},
		collectionSpec{name: colChannelTokens},
	)
}

// ChannelSeenTTL is how long an event id is remembered; platforms give up
// redelivering well within a day.
const ChannelSeenTTL = 48 * time.Hour

// ChannelState is the shared channel adapter's state in MongoDB: accepted
// events with their payload, stored before the webhook acknowledges them (so
// each event is handled by one process however often it is delivered, and none
// is lost when a process dies), "done" marks, each chat's last message and
// inactive mark (the reply window), and OAuth tokens. Every operation but
// Unfinished (run at start) is keyed by _id. It is safe for concurrent use and across processes.
type ChannelState struct {
	db     *DB
	now    func() time.Time
	writes *insertBatcher // accepted events and done marks, committed together
}

var (
	_ channel.Store      = (*ChannelState)(nil)
	_ channel.TokenStore = (*ChannelState)(nil)
)

// ChannelState returns the channels' store.
// Share one value among the channels of a process: its inserts are committed
// together.
func (d *DB) ChannelState() *ChannelState {
	s := &ChannelState{db: d, now: time.Now}
	s.writes = &insertBatcher{col: s.events}
	return s
}

func (s *ChannelState) events() *mongo.Collection { return s.db.db.Collection(colChannelEvents) }
func (s *ChannelState) chats() *mongo.Collection  { return s.db.db.Collection(colChannelChats) }
func (s *ChannelState) tokens() *mongo.Collection { return s.db.db.Collection(colChannelTokens) }

func key(ch, id string) string { return ch + ":" + id }

// Accept stores event id of ch (chat's) with its payload as unfinished and
// reports whether this call stored it (one unique insert: of concurrent calls
// exactly one does; a redelivery costs no read). Each stored event gets a
// sequence number that orders Unfinished.
func (s *ChannelState) Accept(ctx context.Context, ch, id, chat string, raw []byte, now time.Time) (stored bool, err error) {
	err = s.writes.insert(bson.D{
		{Key: "_id", Value: key(ch, id)},
		{Key: "channel", Value: ch},
		{Key: "chat", Value: chat},
		{Key: "raw", Value: string(raw)},
		{Key: "seq", Value: nextSeq(now)},
		{Key: "at", Value: now.UTC()},
		{Key: "expires_at", Value: now.UTC().Add(ChannelSeenTTL)},
	})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errDuplicate):
		return false, nil
	}
	return false, fmt.Errorf("store: accept %s event: %w", ch, err)
}

// IsDone reports whether event id of ch was handled to the end (Done).
func (s *ChannelState) IsDone(ctx context.Context, ch, id string) (bool, error) {
	err := s.events().FindOne(ctx, bson.M{"_id": "done:" + key(ch, id)}).Err()
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: %s event done: %w", ch, err)
	}
	return true, nil
}

var lastSeq atomic.Int64

// nextSeq is now in nanoseconds, made strictly increasing within the process.
func nextSeq(now time.Time) int64 {
	n := now.UnixNano()
	for {
		last := lastSeq.Load()
		if n <= last {
			n = last + 1
		}
		if lastSeq.CompareAndSwap(last, n) {
			return n
		}
	}
}

// Done records that event id of ch was handled; marking twice is fine. Marks
// are inserts of their own, which stay fast on the embedded server.
func (s *ChannelState) Done(ctx context.Context, ch, id string, now time.Time) error {
	err := s.writes.insert(bson.D{
		{Key: "_id", Value: "done:" + key(ch, id)},
		{Key: "channel", Value: ch},
		{Key: "done", Value: true},
		{Key: "at", Value: now.UTC()},
		{Key: "expires_at", Value: now.UTC().Add(ChannelSeenTTL)},
	})
	if err != nil && !errors.Is(err, errDuplicate) {
		return fmt.Errorf("store: mark %s event done: %w", ch, err)
	}
	return nil
}

// Unfinished returns the payloads of ch's events accepted before the given
// time and not Done, in the order they were accepted. It scans: call it at
// start. It does not take the events over: with several processes on one
// database pass a time old enough that their owners must have stopped.
func (s *ChannelState) Unfinished(ctx context.Context, ch string, before time.Time) ([][]byte, error) {
	return unfinished(ctx, unfinishedQuery[string]{
		col:    s.events(),
		scope:  bson.M{"channel": ch},
		doneID: func(id string) string { return "done:" + id },
		order:  func(a, b acceptedEvent[string]) int { return cmp.Compare(a.Seq, b.Seq) },
		what:   ch + " events",
	}, before)
}

// Touch records that chat wrote at at, clears its inactive mark and returns
// what was known of the chat before (zero when nothing): one atomic
// find-and-modify.
func (s *ChannelState) Touch(ctx context.Context, ch, chat string, at time.Time) (channel.ChatState, error) {
	var doc chatDoc
	err := s.chats().FindOneAndUpdate(ctx, bson.M{"_id": key(ch, chat)}, bson.M{
		"$set": bson.M{"channel": ch, "chat": chat, "last_in": at.UTC(), "inactive": false},
	}, options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.Before)).Decode(&doc)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return channel.ChatState{}, nil
	case err != nil:
		return channel.ChatState{}, fmt.Errorf("store: touch %s chat: %w", ch, err)
	}
	return channel.ChatState{LastIn: doc.LastIn, Inactive: doc.Inactive}, nil
}

// chatDoc is the part of a channel_chats document the channels read.
type chatDoc struct {
	LastIn   time.Time `bson:"last_in"`
	Inactive bool      `bson:"inactive"`
}

// Chat returns what is known of chat (zero when nothing).
func (s *ChannelState) Chat(ctx context.Context, ch, chat string) (channel.ChatState, error) {
	var doc chatDoc
	err := s.chats().FindOne(ctx, bson.M{"_id": key(ch, chat)}).Decode(&doc)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return channel.ChatState{}, nil
	case err != nil:
		return channel.ChatState{}, fmt.Errorf("store: %s chat: %w", ch, err)
	}
	return channel.ChatState{LastIn: doc.LastIn, Inactive: doc.Inactive}, nil
}

// MarkInactive records that chat blocked the bot or left.
func (s *ChannelState) MarkInactive(ctx context.Context, ch, chat string) error {
	_, err := s.chats().UpdateOne(ctx, bson.M{"_id": key(ch, chat)}, bson.M{
		"$set": bson.M{"channel": ch, "chat": chat, "inactive": true, "inactive_at": s.now().UTC()},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: mark %s chat inactive: %w", ch, err)
	}
	return nil
}

type tokenDoc struct {
	ID        string    `bson:"_id"`
	Access    string    `bson:"access"`
	Refresh   string    `bson:"refresh"`
	ExpiresAt time.Time `bson:"expires_at_token"`
	SavedAt   time.Time `bson:"saved_at"`
	Version   int64     `bson:"version"`
}

// Tokens returns ch's saved OAuth tokens, or an error wrapping ErrNotFound.
func (s *ChannelState) Tokens(ctx context.Context, ch string) (channel.Tokens, error) {
	var d tokenDoc
	err := s.tokens().FindOne(ctx, bson.M{"_id": ch}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return channel.Tokens{}, fmt.Errorf("%s tokens: %w", ch, ErrNotFound)
	case err != nil:
		return channel.Tokens{}, fmt.Errorf("store: %s tokens: %w", ch, err)
	}
	return channel.Tokens{Access: d.Access, Refresh: d.Refresh, ExpiresAt: d.ExpiresAt, SavedAt: d.SavedAt, Version: d.Version}, nil
}

// SaveTokens stores t as version prev+1 if the saved version is still prev (a
// single compare-and-set write), else returns an error wrapping ErrConflict.
func (s *ChannelState) SaveTokens(ctx context.Context, ch string, prev int64, t channel.Tokens) (channel.Tokens, error) {
	t.Version = prev + 1
	t.SavedAt = s.now().UTC()
	d := tokenDoc{ID: ch, Access: t.Access, Refresh: t.Refresh, ExpiresAt: t.ExpiresAt.UTC(), SavedAt: t.SavedAt, Version: t.Version}
	if prev == 0 {
		_, err := s.tokens().InsertOne(ctx, d)
		switch {
		case err == nil:
			return t, nil
		case mongo.IsDuplicateKeyError(err):
			return channel.Tokens{}, fmt.Errorf("%s tokens saved meanwhile: %w", ch, ErrConflict)
		default:
			return channel.Tokens{}, fmt.Errorf("store: save %s tokens: %w", ch, err)
		}
	}
	res, err := s.tokens().ReplaceOne(ctx, bson.M{"_id": ch, "version": prev}, d)
	if err != nil {
		return channel.Tokens{}, fmt.Errorf("store: save %s tokens: %w", ch, err)
	}
	if res.MatchedCount == 0 {
		return channel.Tokens{}, fmt.Errorf("%s tokens saved meanwhile: %w", ch, ErrConflict)
	}
	return t, nil
}
