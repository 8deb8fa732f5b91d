package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// TelegramSeenTTL is how long an update id is remembered. Telegram gives up
// redelivering an update well within a day, so two days is a safe margin.
const TelegramSeenTTL = 48 * time.Hour

// TelegramUpdates is the Telegram channel's state in MongoDB:
//
//   - accepted updates with their payload (collection telegram_updates, _id =
//     update_id, swept after TelegramSeenTTL), stored before the webhook
//     acknowledges them, so that each update is handled by exactly one process
//     however often Telegram redelivers it and none is lost when a process dies;
//   - "done" marks (string _id "done:<update_id>") for updates handled to the
//     end; an accepted update without one is handed over at the next start
//     (Unfinished);
//   - long button payloads behind short callback tokens (same collection, string
//     _id "cb:<token>", swept when they expire);
//   - chats that blocked or removed the bot (collection telegram_chats, _id =
//     the chat id in decimal, kept until the chat comes back). It has its own
//     small collection so that lookups in meta stay fast however many chats
//     leave; MongoDB and FerretDB create it on first insert.
//
// Every operation but Unfinished (run at start) is keyed by _id, so it stays
// fast on the embedded server, and each is correct across several processes. It is safe for concurrent use.
type TelegramUpdates struct {
	db     *DB
	now    func() time.Time
	writes *insertBatcher // accepted updates and done marks, committed together
}

// TelegramUpdates returns the Telegram channel's store. Share one value in a
// process: its accepted updates and done marks are committed together (group
// commit) under load.
func (d *DB) TelegramUpdates() *TelegramUpdates {
	t := &TelegramUpdates{db: d, now: time.Now}
	t.writes = &insertBatcher{col: t.seen}
	return t
}

func (t *TelegramUpdates) seen() *mongo.Collection  { return t.db.db.Collection(colTelegramSeen) }
func (t *TelegramUpdates) chats() *mongo.Collection { return t.db.db.Collection(colTelegramChats) }

// Claim records updateID as taken, without a payload, and reports true when this
// call took it, false when it had been claimed or accepted before. The channel
// uses Accept, which keeps the payload until the update is done. The claim is one
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

// Accept stores a claimed update with its payload (raw, the update as Telegram
// sent it) as unfinished, before the webhook acknowledges it, and reports whether
// this call stored it. When it was stored before (a redelivery), done says
// whether it was handled to the end (Done); either way the caller must not handle
// it again: an unfinished one is queued in this process or is handed over by
// Unfinished at the next start. Of concurrent calls for one id exactly one gets
// stored = true (one unique insert). The record expires TelegramSeenTTL after now.
func (t *TelegramUpdates) Accept(ctx context.Context, updateID, chatID int64, raw []byte, now time.Time) (stored, done bool, err error) {
	err = t.writes.insert(bson.D{
		{Key: "_id", Value: updateID},
		{Key: "chat", Value: chatID},
		{Key: "raw", Value: string(raw)},
		{Key: "at", Value: now.UTC()},
		{Key: "expires_at", Value: now.UTC().Add(TelegramSeenTTL)},
	})
	switch {
	case err == nil:
		return true, false, nil
	case !errors.Is(err, errDuplicate):
		return false, false, fmt.Errorf("store: accept telegram update %d: %w", updateID, err)
	}
	err = t.seen().FindOne(ctx, bson.M{"_id": doneKey(updateID)}).Err()
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return false, false, nil
	case err != nil:
		return false, false, fmt.Errorf("store: telegram update %d done: %w", updateID, err)
	}
	return false, true, nil
}

// doneKey is the _id of the record saying an update was handled. Marks are
// inserts of their own (never updates of the update's record), which stay fast
// on the embedded server however large the collection grows.
func doneKey(updateID int64) string { return "done:" + strconv.FormatInt(updateID, 10) }

// Done records that updateID was handled (its reply sent, or given up on), so
// that neither a redelivery nor the next start handles it again. Marking twice
// is fine.
func (t *TelegramUpdates) Done(ctx context.Context, updateID int64, now time.Time) error {
	err := t.writes.insert(bson.D{
		{Key: "_id", Value: doneKey(updateID)},
		{Key: "done", Value: true},
		{Key: "at", Value: now.UTC()},
		{Key: "expires_at", Value: now.UTC().Add(TelegramSeenTTL)},
	})
	if err != nil && !errors.Is(err, errDuplicate) {
		return fmt.Errorf("store: mark telegram update %d done: %w", updateID, err)
	}
	return nil
}

// Unfinished returns the payloads of updates accepted before the given time and
// not Done, in update_id order (Telegram's order, so each chat's updates stay
// in order). It scans the collection: call it at start. It does not take the
// updates over: with several processes on one database pass a time old enough
// that their owners must have stopped (see telegram.Config.RecoverAfter).
func (t *TelegramUpdates) Unfinished(ctx context.Context, before time.Time) ([][]byte, error) {
	return unfinished(ctx, unfinishedQuery[int64]{
		col:    t.seen(),
		doneID: doneKey,
		order:  func(a, b acceptedEvent[int64]) int { return cmp.Compare(a.ID, b.ID) },
		what:   "telegram updates",
	}, before)
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
// re-added the bot) and reports whether there was one. Clearing an unmarked
// chat is fine.
func (t *TelegramUpdates) ClearInactive(ctx context.Context, chatID int64) (bool, error) {
	res, err := t.chats().DeleteOne(ctx, bson.M{"_id": inactiveKey(chatID)})
	if err != nil {
		return false, fmt.Errorf("store: clear telegram chat %d inactive: %w", chatID, err)
	}
	return res.DeletedCount > 0, nil
}
