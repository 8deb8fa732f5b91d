package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/channel"
)

// Collections of the chat channels (Zalo, Messenger) on the shared adapter.
const (
	colChannelEvents = "channel_events" // claimed event ids and parked events, swept after ChannelSeenTTL
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

// ChannelState is the shared channel adapter's state in MongoDB: claimed event
// ids (so each event is handled by one process however often it is delivered),
// events parked at shutdown, each chat's last message and inactive mark (the
// reply window), and OAuth tokens. Every operation but TakeParked (run at start)
// is keyed by _id. It is safe for concurrent use and across processes.
type ChannelState struct {
	db  *DB
	now func() time.Time
}

var (
	_ channel.Store      = (*ChannelState)(nil)
	_ channel.TokenStore = (*ChannelState)(nil)
)

// ChannelState returns the channels' store.
func (d *DB) ChannelState() *ChannelState { return &ChannelState{db: d, now: time.Now} }

func (s *ChannelState) events() *mongo.Collection { return s.db.db.Collection(colChannelEvents) }
func (s *ChannelState) chats() *mongo.Collection  { return s.db.db.Collection(colChannelChats) }
func (s *ChannelState) tokens() *mongo.Collection { return s.db.db.Collection(colChannelTokens) }

func key(ch, id string) string { return ch + ":" + id }

// Claim records event id of ch and reports whether this call took it (one
// unique insert: of concurrent claims exactly one wins).
func (s *ChannelState) Claim(ctx context.Context, ch, id string, now time.Time) (bool, error) {
	_, err := s.events().InsertOne(ctx, bson.D{
		{Key: "_id", Value: key(ch, id)},
		{Key: "channel", Value: ch},
		{Key: "at", Value: now.UTC()},
		{Key: "expires_at", Value: now.UTC().Add(ChannelSeenTTL)},
	})
	switch {
	case err == nil:
		return true, nil
	case mongo.IsDuplicateKeyError(err):
		return false, nil
	default:
		return false, fmt.Errorf("store: claim %s event: %w", ch, err)
	}
}

// Park keeps the raw JSON of a claimed event for TakeParked in a later process.
func (s *ChannelState) Park(ctx context.Context, ch, id string, raw []byte) error {
	now := s.now().UTC()
	_, err := s.events().UpdateOne(ctx, bson.M{"_id": key(ch, id)}, bson.M{
		"$set":         bson.M{"parked": string(raw), "channel": ch, "parked_at": now, "expires_at": now.Add(ChannelSeenTTL)},
		"$setOnInsert": bson.M{"at": now},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: park %s event: %w", ch, err)
	}
	return nil
}

// TakeParked removes up to limit parked events of ch and returns them in the
// order they were parked, each to exactly one caller. It scans the collection:
// call it at start.
func (s *ChannelState) TakeParked(ctx context.Context, ch string, limit int) ([][]byte, error) {
	if limit <= 0 {
		limit = 1000
	}
	cur, err := s.events().Find(ctx, bson.M{"channel": ch, "parked": bson.M{"$exists": true}},
		options.Find().SetProjection(bson.M{"_id": 1}).SetSort(bson.D{{Key: "parked_at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("store: find parked %s events: %w", ch, err)
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: find parked %s events: %w", ch, err)
	}
	var out [][]byte
	for _, id := range ids {
		var doc struct {
			Parked string `bson:"parked"`
		}
		err := s.events().FindOneAndUpdate(ctx,
			bson.M{"_id": id.ID, "parked": bson.M{"$exists": true}},
			bson.M{"$unset": bson.M{"parked": ""}},
			options.FindOneAndUpdate().SetReturnDocument(options.Before)).Decode(&doc)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			continue
		case err != nil:
			return out, fmt.Errorf("store: take parked %s event: %w", ch, err)
		}
		out = append(out, []byte(doc.Parked))
	}
	return out, nil
}

// Touch records that chat wrote at at and clears its inactive mark.
func (s *ChannelState) Touch(ctx context.Context, ch, chat string, at time.Time) error {
	_, err := s.chats().UpdateOne(ctx, bson.M{"_id": key(ch, chat)}, bson.M{
		"$set": bson.M{"channel": ch, "chat": chat, "last_in": at.UTC(), "inactive": false},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: touch %s chat: %w", ch, err)
	}
	return nil
}

// Chat returns what is known of chat (zero when nothing).
func (s *ChannelState) Chat(ctx context.Context, ch, chat string) (channel.ChatState, error) {
	var doc struct {
		LastIn   time.Time `bson:"last_in"`
		Inactive bool      `bson:"inactive"`
	}
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
