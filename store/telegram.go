package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TelegramSeenTTL is how long an update id is remembered. Telegram gives up
// redelivering an update well within a day, so two days is a safe margin.
const TelegramSeenTTL = 48 * time.Hour

// TelegramUpdates is the Telegram channel's state in MongoDB:
//
//   - claimed update ids (collection telegram_updates, _id = update_id, swept after
//     TelegramSeenTTL), so that each update is handled by exactly one process
//     however often Telegram redelivers it;
//   - updates accepted but not handled when a process stopped ("parked" on their
//     claim document), picked up again by the next process;
//   - long button payloads behind short callback tokens (same collection, string
//     _id "cb:<token>", swept when they expire);
//   - chats that blocked or removed the bot (collection telegram_chats, _id =
//     the chat id in decimal, kept until the chat comes back). It has its own
//     small collection so that lookups in meta stay fast however many chats
//     leave; MongoDB and FerretDB create it on first insert.
//
// Every operation but TakeParked (run at start) is keyed by _id, so it stays
// fast on the embedded server, and each is correct across several processes. It is safe for concurrent use.
type TelegramUpdates struct {
	db  *DB
	now func() time.Time
}

// TelegramUpdates returns the Telegram channel's store.
func (d *DB) TelegramUpdates() *TelegramUpdates { return &TelegramUpdates{db: d, now: time.Now} }

func (t *TelegramUpdates) seen() *mongo.Collection  { return t.db.db.Collection(colTelegramSeen) }
func (t *TelegramUpdates) chats() *mongo.Collection { return t.db.db.Collection(colTelegramChats) }

// Claim records updateID as taken and reports true when this call took it, false
// when it had been claimed before (a redelivery: ignore it). The claim is one
// unique insert, so of several concurrent claims of one id exactly one wins. The
// record expires TelegramSeenTTL after now.
func (t *TelegramUpdates) Claim(ctx context.Context, updateID int64, now time.Time) (bool, error) {
	_, err := t.seen().InsertOne(ctx, bson.D{
		{Key: "_id", Value: updateID},
		{Key: "at", Value: now.UTC()},
		{Key: "expires_at", Value: now.UTC().Add(TelegramSeenTTL)},
	})
	switch {
	case err == nil:
		return true, nil
	case mongo.IsDuplicateKeyError(err):
		return false, nil
	default:
		return false, fmt.Errorf("store: claim telegram update %d: %w", updateID, err)
	}
}

// Park keeps the raw JSON of a claimed update that this process could not handle
// before stopping, so that TakeParked in a later process hands it over.
func (t *TelegramUpdates) Park(ctx context.Context, updateID int64, raw []byte) error {
	now := t.now().UTC()
	_, err := t.seen().UpdateOne(ctx, bson.M{"_id": updateID}, bson.M{
		"$set":         bson.M{"parked": string(raw), "expires_at": now.Add(TelegramSeenTTL)},
		"$setOnInsert": bson.M{"at": now},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: park telegram update %d: %w", updateID, err)
	}
	return nil
}

// TakeParked removes up to limit parked updates and returns their raw JSON in
// update_id order (Telegram's order). Each parked update is handed to exactly one
// caller, even with several processes taking at once. It scans the collection, so call it at start, not per request.
func (t *TelegramUpdates) TakeParked(ctx context.Context, limit int) ([][]byte, error) {
	if limit <= 0 {
		limit = 1000
	}
	cur, err := t.seen().Find(ctx, bson.M{"parked": bson.M{"$exists": true}},
		options.Find().SetProjection(bson.M{"_id": 1}).SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("store: find parked telegram updates: %w", err)
	}
	var ids []struct {
		ID int64 `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: find parked telegram updates: %w", err)
	}
	var out [][]byte
	for _, id := range ids {
		var doc struct {
			Parked string `bson:"parked"`
		}
		err := t.seen().FindOneAndUpdate(ctx,
			bson.M{"_id": id.ID, "parked": bson.M{"$exists": true}},
			bson.M{"$unset": bson.M{"parked": ""}},
			options.FindOneAndUpdate().SetReturnDocument(options.Before)).Decode(&doc)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			continue // another process took it
		case err != nil:
			return out, fmt.Errorf("store: take parked telegram update %d: %w", id.ID, err)
		}
		out = append(out, []byte(doc.Parked))
	}
	return out, nil
}

func callbackKey(token string) string { return "cb:" + token }

// SaveAction keeps a button's action behind token until expiresAt (or later:
// saving the same token again extends it). Tokens are expected to be derived
// from the action, so saving one twice with different actions is a caller bug;
// the first action stays.
func (t *TelegramUpdates) SaveAction(ctx context.Context, token, action string, expiresAt time.Time) error {
	_, err := t.seen().InsertOne(ctx, bson.D{
		{Key: "_id", Value: callbackKey(token)},
		{Key: "action", Value: action},
		{Key: "at", Value: t.now().UTC()},
		{Key: "expires_at", Value: expiresAt.UTC()},
	})
	if err == nil {
		return nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: save callback action: %w", err)
	}
	_, err = t.seen().UpdateOne(ctx, bson.M{"_id": callbackKey(token)}, bson.M{"$max": bson.M{"expires_at": expiresAt.UTC()}})
	if err != nil {
		return fmt.Errorf("store: extend callback action: %w", err)
	}
	return nil
}

// Action returns the action saved behind token, or an error wrapping ErrNotFound
// when there is none or it has expired.
func (t *TelegramUpdates) Action(ctx context.Context, token string) (string, error) {
	var doc struct {
		Action    string    `bson:"action"`
		ExpiresAt time.Time `bson:"expires_at"`
	}
	err := t.seen().FindOne(ctx, bson.M{"_id": callbackKey(token)}).Decode(&doc)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return "", fmt.Errorf("callback token %q: %w", token, ErrNotFound)
	case err != nil:
		return "", fmt.Errorf("store: load callback action: %w", err)
	case doc.ExpiresAt.Before(t.now()):
		return "", fmt.Errorf("callback token %q expired: %w", token, ErrNotFound)
	}
	return doc.Action, nil
}

// inactiveKey is a string so that lookups by _id are pushed down to the
// embedded server's storage.
func inactiveKey(chatID int64) string { return strconv.FormatInt(chatID, 10) }

// MarkInactive records that chatID blocked the bot or removed it; unsolicited
// messages should not be sent there until ClearInactive. Marking twice is fine.
func (t *TelegramUpdates) MarkInactive(ctx context.Context, chatID int64) error {
	_, err := t.chats().InsertOne(ctx, bson.D{
		{Key: "_id", Value: inactiveKey(chatID)},
		{Key: "chat_id", Value: chatID},
		{Key: "at", Value: t.now().UTC()},
	})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: mark telegram chat %d inactive: %w", chatID, err)
	}
	return nil
}

// IsInactive reports whether chatID is marked inactive.
func (t *TelegramUpdates) IsInactive(ctx context.Context, chatID int64) (bool, error) {
	err := t.chats().FindOne(ctx, bson.M{"_id": inactiveKey(chatID)}).Err()
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: telegram chat %d inactive: %w", chatID, err)
	}
	return true, nil
}

// ClearInactive removes the inactive mark of chatID (the chat wrote again or
// re-added the bot). Clearing an unmarked chat is fine.
func (t *TelegramUpdates) ClearInactive(ctx context.Context, chatID int64) error {
	if _, err := t.chats().DeleteOne(ctx, bson.M{"_id": inactiveKey(chatID)}); err != nil {
		return fmt.Errorf("store: clear telegram chat %d inactive: %w", chatID, err)
	}
	return nil
}
