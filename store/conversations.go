package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/handoff"
)

// Conversations keeps handoff conversations (one document each, changed by
// compare-and-set on its version) and their transcripts (one document per
// line, inserted only, so a citizen's message and an officer's claim never
// overwrite each other).
type Conversations struct{ db *DB }

var _ handoff.Store = (*Conversations)(nil)

// Conversations returns the handoff store.
func (d *DB) Conversations() *Conversations { return &Conversations{db: d} }

func (c *Conversations) col() *mongo.Collection  { return c.db.db.Collection(colConversations) }
func (c *Conversations) msgs() *mongo.Collection { return c.db.db.Collection(colConversationMsgs) }

type conversationDoc struct {
	ID           string    `bson:"_id"`
	Channel      string    `bson:"channel"`
	ChatID       string    `bson:"chat_id"`
	Status       string    `bson:"status"`
	Queue        string    `bson:"queue"`
	Topic        string    `bson:"topic,omitempty"`
	Assignee     string    `bson:"assignee"`
	AssigneeName string    `bson:"assignee_name,omitempty"`
	LastText     string    `bson:"last_text"`
	RequestText  string    `bson:"request_text,omitempty"`
	AfterHours   bool      `bson:"after_hours"`
	CreatedAt    time.Time `bson:"created_at"`
	WaitingSince time.Time `bson:"waiting_since"`
	ClaimedAt    time.Time `bson:"claimed_at,omitempty"`
	AnsweredAt   time.Time `bson:"answered_at,omitempty"`
	ClosedAt     time.Time `bson:"closed_at,omitempty"`
	ClosedBy     string    `bson:"closed_by,omitempty"`
	Rating       int       `bson:"rating,omitempty"`
	RatedAt      time.Time `bson:"rated_at,omitempty"`
	UpdatedAt    time.Time `bson:"updated_at"`
	ExpiresAt    time.Time `bson:"expires_at"`
	Version      int64     `bson:"version"`
	Transfers    []string  `bson:"transfers,omitempty"`
	Unread       int       `bson:"unread"`
	LastCitizen  time.Time `bson:"last_citizen_at,omitempty"`
	LastStaff    time.Time `bson:"last_staff_at,omitempty"`
}

func toConversationDoc(c handoff.Conversation) conversationDoc {
	return conversationDoc{ID: c.ID, Channel: c.Channel, ChatID: c.ChatID, Status: c.Status, Queue: c.Queue, Topic: c.Topic,
		Assignee: c.Assignee, AssigneeName: c.AssigneeName, LastText: c.LastText, RequestText: c.RequestText, AfterHours: c.AfterHours,
		CreatedAt: c.CreatedAt.UTC(), WaitingSince: c.WaitingSince.UTC(), ClaimedAt: c.ClaimedAt.UTC(), AnsweredAt: c.AnsweredAt.UTC(),
		ClosedAt: c.ClosedAt.UTC(), ClosedBy: c.ClosedBy, Rating: c.Rating, RatedAt: c.RatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
		ExpiresAt: c.ExpiresAt.UTC(), Version: c.Version, Transfers: c.Transfers, Unread: c.Unread,
		LastCitizen: c.LastCitizen.UTC(), LastStaff: c.LastStaff.UTC()}
}

func (d conversationDoc) conversation() handoff.Conversation {
	return handoff.Conversation{ID: d.ID, Channel: d.Channel, ChatID: d.ChatID, Status: d.Status, Queue: d.Queue, Topic: d.Topic,
		Assignee: d.Assignee, AssigneeName: d.AssigneeName, LastText: d.LastText, RequestText: d.RequestText, AfterHours: d.AfterHours,
		CreatedAt: d.CreatedAt, WaitingSince: d.WaitingSince, ClaimedAt: zeroIfEpoch(d.ClaimedAt), AnsweredAt: zeroIfEpoch(d.AnsweredAt),
		ClosedAt: zeroIfEpoch(d.ClosedAt), ClosedBy: d.ClosedBy, Rating: d.Rating, RatedAt: zeroIfEpoch(d.RatedAt), UpdatedAt: d.UpdatedAt,
		ExpiresAt: d.ExpiresAt, Version: d.Version, Transfers: d.Transfers, Unread: d.Unread,
		LastCitizen: zeroIfEpoch(d.LastCitizen), LastStaff: zeroIfEpoch(d.LastStaff)}
}

// zeroIfEpoch maps a stored zero time back to Go's zero time.
func zeroIfEpoch(t time.Time) time.Time {
	if t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// Insert stores a new conversation; ErrConflict when the id exists.
func (c *Conversations) Insert(ctx context.Context, conv handoff.Conversation) error {
	conv.Version = 1
	if _, err := c.col().InsertOne(ctx, toConversationDoc(conv)); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("store: conversation %s exists: %w", conv.ID, ErrConflict)
		}
		return fmt.Errorf("store: insert conversation: %w", err)
	}
	return nil
}

// Get returns one conversation or ErrNotFound.
func (c *Conversations) Get(ctx context.Context, id string) (handoff.Conversation, error) {
	var d conversationDoc
	err := c.col().FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return handoff.Conversation{}, fmt.Errorf("conversation %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return handoff.Conversation{}, fmt.Errorf("store: conversation: %w", err)
	}
	return d.conversation(), nil
}

// Update replaces conv when its stored version is conv.Version and bumps it;
// ErrConflict when someone changed it since it was read. Once a conversation
// is closed, its transcript lines take its expiry.
func (c *Conversations) Update(ctx context.Context, conv *handoff.Conversation) error {
	prev := conv.Version
	doc := toConversationDoc(*conv)
	doc.Version = prev + 1
	res, err := c.col().ReplaceOne(ctx, bson.M{"_id": conv.ID, "version": prev}, doc)
	if err != nil {
		return fmt.Errorf("store: update conversation: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("store: conversation %s changed concurrently: %w", conv.ID, ErrConflict)
	}
	conv.Version = prev + 1
	if conv.Status == handoff.StatusClosed {
		// The transcript expires with its conversation.
		if _, err := c.msgs().UpdateMany(ctx, bson.M{"conv_id": conv.ID, "expires_at": bson.M{"$ne": doc.ExpiresAt}},
			bson.M{"$set": bson.M{"expires_at": doc.ExpiresAt}}); err != nil {
			return fmt.Errorf("store: transcript expiry: %w", err)
		}
	}
	return nil
}

// List returns conversations matching f: waiting ones oldest first, others
// most recently updated first.
func (c *Conversations) List(ctx context.Context, f handoff.Filter) ([]handoff.Conversation, error) {
	q := bson.M{}
	if f.Status != "" {
		q["status"] = f.Status
	}
	if f.Queue != "" {
		q["queue"] = f.Queue
	}
	if !f.Since.IsZero() {
		q["updated_at"] = bson.M{"$gte": f.Since.UTC()}
	}
	if f.Channel != "" {
		q["channel"] = f.Channel
	}
	if f.ChatID != "" {
		q["chat_id"] = f.ChatID
	}
	sort := bson.D{{Key: "updated_at", Value: -1}}
	if f.Status == handoff.StatusWaiting {
		sort = bson.D{{Key: "waiting_since", Value: 1}}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	cur, err := c.col().Find(ctx, q, options.Find().SetSort(sort).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", err)
	}
	var docs []conversationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", err)
	}
	out := make([]handoff.Conversation, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.conversation())
	}
	return out, nil
}

type conversationMsgDoc struct {
	ID        string    `bson:"_id"`
	ConvID    string    `bson:"conv_id"`
	Channel   string    `bson:"channel,omitempty"`
	ChatID    string    `bson:"chat_id,omitempty"`
	From      string    `bson:"from"`
	Author    string    `bson:"author,omitempty"`
	Text      string    `bson:"text"`
	At        time.Time `bson:"at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// AddMessage appends a transcript line; one whose id exists is left as it is.
func (c *Conversations) AddMessage(ctx context.Context, m handoff.Message, expires time.Time) error {
	if expires.IsZero() {
		expires = m.At.Add(handoff.DefaultRetention)
	}
	doc := conversationMsgDoc{ID: m.ID, ConvID: m.ConvID, From: m.From, Author: m.Author, Text: m.Text, At: m.At.UTC(), ExpiresAt: expires.UTC()}
	if conv, err := c.Get(ctx, m.ConvID); err == nil {
		doc.Channel, doc.ChatID = conv.Channel, conv.ChatID // for erasure by chat
	}
	if _, err := c.msgs().InsertOne(ctx, doc); err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: conversation message: %w", err)
	}
	return nil
}

// Messages returns a transcript, oldest first.
func (c *Conversations) Messages(ctx context.Context, convID string) ([]handoff.Message, error) {
	cur, err := c.msgs().Find(ctx, bson.M{"conv_id": convID}, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: transcript: %w", err)
	}
	var docs []conversationMsgDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("store: transcript: %w", err)
	}
	out := make([]handoff.Message, 0, len(docs))
	for _, d := range docs {
		out = append(out, handoff.Message{ID: d.ID, ConvID: d.ConvID, From: d.From, Author: d.Author, Text: d.Text, At: d.At})
	}
	return out, nil
}

// EraseChat deletes a chat's conversations and transcript lines.
func (c *Conversations) EraseChat(ctx context.Context, channel, chatID string) (int64, error) {
	filter := bson.M{"channel": channel, "chat_id": chatID}
	var ids []string
	cur, err := c.col().Find(ctx, filter, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return 0, fmt.Errorf("store: erase conversations: %w", err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return 0, fmt.Errorf("store: erase conversations: %w", err)
	}
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	if len(ids) > 0 {
		if _, err := c.msgs().DeleteMany(ctx, bson.M{"conv_id": bson.M{"$in": ids}}); err != nil {
			return 0, fmt.Errorf("store: erase transcripts: %w", err)
		}
	}
	if _, err := c.msgs().DeleteMany(ctx, filter); err != nil {
		return 0, fmt.Errorf("store: erase transcripts: %w", err)
	}
	res, err := c.col().DeleteMany(ctx, filter)
	if err != nil {
		return 0, fmt.Errorf("store: erase conversations: %w", err)
	}
	return res.DeletedCount, nil
}
