package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
)

// updateStore is the Telegram Store (store.TelegramUpdates, keyed by update_id
// and numeric chat id) seen as the adapter's channel.Store: event ids and
// chats are decimal numbers, a chat's activity clears its inactive mark, and
// Telegram has no reply window (ChatState.LastIn stays zero).
type updateStore struct {
	st  Store
	log *slog.Logger
}

var _ channel.Store = updateStore{}

func (u updateStore) Accept(ctx context.Context, _, id, chat string, raw []byte, now time.Time) (bool, error) {
	uid, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return false, fmt.Errorf("telegram update id %q: %w", id, bot.ErrInvalid)
	}
	cid, err := parseChat(chat)
	if err != nil {
		return false, err
	}
	stored, done, err := u.st.Accept(ctx, uid, cid, raw, now)
	if err == nil && !stored && done {
		u.log.DebugContext(ctx, "telegram update already answered; ignored", "update_id", uid)
	}
	return stored, err
}

func (u updateStore) Done(ctx context.Context, _, id string, now time.Time) error {
	uid, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram update id %q: %w", id, bot.ErrInvalid)
	}
	return u.st.Done(ctx, uid, now)
}

// Unfinished returns the stored updates in update_id order.
func (u updateStore) Unfinished(ctx context.Context, _ string, before time.Time) ([][]byte, error) {
	return u.st.Unfinished(ctx, before)
}

// Touch clears the chat's inactive mark (it writes, so it has not blocked the
// bot) and says whether there was one; Telegram has no reply window.
func (u updateStore) Touch(ctx context.Context, _, chat string, _ time.Time) (channel.ChatState, error) {
	id, err := parseChat(chat)
	if err != nil {
		return channel.ChatState{}, err
	}
	was, err := u.st.ClearInactive(ctx, id)
	return channel.ChatState{Inactive: was}, err
}

// Chat says whether the chat blocked the bot; nothing is known of a chat id
// that is not a number (sending to it fails permanently).
func (u updateStore) Chat(ctx context.Context, _, chat string) (channel.ChatState, error) {
	id, err := parseChat(chat)
	if err != nil {
		return channel.ChatState{}, nil
	}
	in, err := u.st.IsInactive(ctx, id)
	return channel.ChatState{Inactive: in}, err
}

func (u updateStore) MarkInactive(ctx context.Context, _, chat string) error {
	id, err := parseChat(chat)
	if err != nil {
		return err
	}
	return u.st.MarkInactive(ctx, id)
}

// parseChat reads a chat id; the error wraps bot.ErrInvalid and
// channel.ErrPermanent (no retry can send to it).
func parseChat(chat string) (int64, error) {
	id, err := strconv.ParseInt(chat, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("telegram chat id %q: %w (%w)", chat, bot.ErrInvalid, channel.ErrPermanent)
	}
	return id, nil
}
