package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dvcbot/dvcbot/bot"
)

// EraseChat deletes what is kept about one citizen's chat, for a request under
// the personal data protection rules: handoff conversations and transcripts,
// feedback, turn events, queued notifications, and the conversation state
// (the session is replaced by an empty one, its history and subscriptions
// gone). It records the erasure in the staff audit log (by whom, which chat,
// how much) and reports the counts per kind.
func (d *DB) EraseChat(ctx context.Context, channel, chatID, by string) (map[string]int64, error) {
	if channel == "" || chatID == "" {
		return nil, fmt.Errorf("%w: a chat is CHANNEL:ID", bot.ErrInvalid)
	}
	counts := map[string]int64{}
	n, err := d.Conversations().EraseChat(ctx, channel, chatID)
	if err != nil {
		return counts, err
	}
	counts["conversations"] = n
	if err := d.flushEvents(ctx); err != nil { // none of the chat's may arrive after the erasure
		return counts, err
	}
	filter := bson.M{"channel": channel, "chat_id": chatID}
	for _, c := range []struct{ kind, col string }{{"feedback", colFeedback}, {"events", colEvents}, {"notifications", colOutbox}} {
		res, err := d.db.Collection(c.col).DeleteMany(ctx, filter)
		if err != nil {
			return counts, fmt.Errorf("store: erase %s: %w", c.kind, err)
		}
		counts[c.kind] = res.DeletedCount
	}
	d.Outbox().backend.erased(channel, chatID)
	erased, err := d.resetSession(ctx, bot.SessionKey(channel, chatID))
	if err != nil {
		return counts, err
	}
	if erased {
		counts["session"] = 1
	} else {
		counts["session"] = 0
	}
	detail := fmt.Sprintf("conversations=%d feedback=%d events=%d notifications=%d session=%d",
		counts["conversations"], counts["feedback"], counts["events"], counts["notifications"], counts["session"])
	if err := d.StaffAudit().Record(ctx, AuditEntry{At: time.Now().UTC(), Staff: by, Action: "erase_chat", Target: channel + ":" + chatID, Detail: detail}); err != nil {
		return counts, err
	}
	return counts, nil
}

// resetSession replaces a stored session by an empty one (same key, next
// version), so nothing the citizen said stays in it.
func (d *DB) resetSession(ctx context.Context, key string) (bool, error) {
	sessions := d.Sessions()
	for attempt := 0; attempt < 5; attempt++ {
		s, err := sessions.LoadSession(ctx, key)
		if err != nil {
			return false, fmt.Errorf("store: erase session: %w", err)
		}
		if s.Version == 0 {
			return false, nil
		}
		now := time.Now().UTC()
		blank := bot.Session{Key: s.Key, Channel: s.Channel, ChatID: s.ChatID, Version: s.Version, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour)}
		err = sessions.SaveSession(ctx, &blank)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, ErrConflict) {
			return false, fmt.Errorf("store: erase session: %w", err)
		}
	}
	return false, fmt.Errorf("store: erase session %s: %w", key, ErrConflict)
}
