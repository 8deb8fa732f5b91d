package telegram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
)

// Update is the part of a Bot API Update that the channel reads. Decoding only
// these fields keeps the webhook tolerant of whatever Telegram adds or changes
// elsewhere, so a real update is never refused (and redelivered in a loop).
type Update struct {
	UpdateID          int64              `json:"update_id"`
	Message           *Message           `json:"message,omitempty"`
	EditedMessage     *Message           `json:"edited_message,omitempty"`
	ChannelPost       *Message           `json:"channel_post,omitempty"`
	EditedChannelPost *Message           `json:"edited_channel_post,omitempty"`
	CallbackQuery     *CallbackQuery     `json:"callback_query,omitempty"`
	MyChatMember      *ChatMemberUpdated `json:"my_chat_member,omitempty"`
	ChatMember        *ChatMemberUpdated `json:"chat_member,omitempty"`
}

// Message is the part of a Bot API Message the channel reads.
type Message struct {
	MessageID      int64     `json:"message_id"`
	From           *User     `json:"from,omitempty"`
	Chat           Chat      `json:"chat"`
	Date           int64     `json:"date"`
	Text           string    `json:"text,omitempty"`
	Caption        string    `json:"caption,omitempty"`
	Location       *Location `json:"location,omitempty"` // a shared location (private chats)
	ReplyToMessage *Message  `json:"reply_to_message,omitempty"`
}

// User is a Telegram user or bot.
type User struct {
	ID       int64  `json:"id"`
	IsBot    bool   `json:"is_bot"`
	Username string `json:"username,omitempty"`
}

// Chat is a Telegram chat; Type is "private", "group", "supergroup" or "channel".
type Chat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

// CallbackQuery is a pressed inline button.
type CallbackQuery struct {
	ID      string   `json:"id"`
	From    User     `json:"from"`
	Message *Message `json:"message,omitempty"` // nil for buttons under inline-mode messages
	Data    string   `json:"data,omitempty"`
}

// ChatMemberUpdated is a change of someone's membership in a chat; in
// my_chat_member it is the bot's own ("kicked" in a private chat: blocked).
type ChatMemberUpdated struct {
	Chat          Chat       `json:"chat"`
	From          User       `json:"from"`
	NewChatMember memberInfo `json:"new_chat_member"`
}

type memberInfo struct {
	Status string `json:"status"` // creator, administrator, member, restricted, left, kicked
}

// DecodeUpdate parses one Update. The error wraps bot.ErrInvalid when raw is not
// a JSON object with a positive update_id and fields of the documented types.
func DecodeUpdate(raw []byte) (Update, error) {
	var u Update
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return u, fmt.Errorf("%w: an update must be a JSON object", bot.ErrInvalid)
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return u, fmt.Errorf("%w: malformed update: %w", bot.ErrInvalid, err)
	}
	if u.UpdateID <= 0 {
		return u, fmt.Errorf("%w: update_id missing", bot.ErrInvalid)
	}
	return u, nil
}

// routeKey is the chat of the update (updates of one chat are handled in
// order), and whether the update needs any work at all. Updates the
// bot does not act on (edits, channel posts, stickers, photos without caption,
// group chatter plainly not meant for it, others' membership changes) need none
// and are acknowledged without being stored.
func (u *Update) routeKey() (int64, bool) {
	switch {
	case u.Message != nil:
		m := u.Message
		if m.Chat.ID == 0 || (m.From != nil && m.From.IsBot) || (strings.TrimSpace(m.text()) == "" && m.Location == nil) {
			return 0, false
		}
		switch m.Chat.Type {
		case "private":
			return m.Chat.ID, true
		case "group", "supergroup":
			return m.Chat.ID, maybeAddressed(m)
		}
		return 0, false
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message; m != nil && m.Chat.ID != 0 {
			return m.Chat.ID, true
		}
		return u.CallbackQuery.From.ID, u.CallbackQuery.ID != ""
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID, u.MyChatMember.Chat.ID != 0
	}
	return 0, false
}

// event is u as the adapter's Event: keyed by update_id, routed to its chat,
// carrying the raw update (what the store keeps) and u itself (for Prepare).
// An update that needs no work has no chat (the adapter ignores it). The bot's
// own membership becomes KindUnfollow (blocked, removed) or KindFollow (back).
func (u *Update) event(raw []byte) channel.Event {
	chat, needed := u.routeKey()
	if !needed {
		return channel.Event{}
	}
	kind := channel.KindMessage
	if u.Message == nil && u.CallbackQuery == nil {
		switch u.MyChatMember.NewChatMember.Status {
		case "kicked", "left":
			kind = channel.KindUnfollow
		case "member", "administrator", "creator", "restricted":
			kind = channel.KindFollow
		default:
			return channel.Event{}
		}
	}
	if raw == nil {
		raw, _ = json.Marshal(u)
	}
	return channel.Event{ID: strconv.FormatInt(u.UpdateID, 10), Chat: strconv.FormatInt(chat, 10), Kind: kind, Raw: raw, Payload: u}
}

// decodeEvent reads a stored update back (channel.Config.Decode).
func decodeEvent(raw []byte) (channel.Event, error) {
	u, err := DecodeUpdate(raw)
	if err != nil {
		return channel.Event{}, err
	}
	return u.event(raw), nil
}

// text is what the citizen wrote: the text, or a photo's or document's caption.
func (m *Message) text() string {
	if m.Text != "" {
		return m.Text
	}
	return m.Caption
}

// maybeAddressed is a cheap first look at a group message: a command, a mention
// or a reply may be for the bot; anything else is chatter.
func maybeAddressed(m *Message) bool {
	t := m.text()
	return strings.HasPrefix(t, "/") || strings.Contains(t, "@") || m.ReplyToMessage != nil
}

// addressedText decides whether a group message is for the bot (username without
// "@", botID) and returns the text without the mention: a command (not one
// addressed to another bot as /cmd@otherbot), a message mentioning @username, or
// a reply to one of the bot's messages.
func addressedText(m *Message, username string, botID int64) (string, bool) {
	t := strings.TrimSpace(m.text())
	if strings.HasPrefix(t, "/") {
		cmd, _, _ := strings.Cut(t, " ")
		if _, target, ok := strings.Cut(cmd, "@"); ok && !strings.EqualFold(target, username) {
			return "", false
		}
		return t, true
	}
	if username != "" {
		if rest, ok := cutMention(t, username); ok {
			return rest, true
		}
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && botID != 0 && r.From.ID == botID {
		return t, true
	}
	return "", false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// cutMention removes every "@username" (any case, as a whole word) from t.
// Usernames are ASCII, so byte offsets of t and username line up.
func cutMention(t, username string) (string, bool) {
	var b strings.Builder
	found := false
	for i := 0; i < len(t); i++ {
		end := i + 1 + len(username)
		if t[i] == '@' && end <= len(t) && strings.EqualFold(t[i+1:end], username) {
			before, _ := utf8.DecodeLastRuneInString(t[:i])
			after, _ := utf8.DecodeRuneInString(t[end:])
			if (i == 0 || !isWordRune(before)) && (end == len(t) || !isWordRune(after)) {
				found = true
				i = end - 1
				continue
			}
		}
		b.WriteByte(t[i])
	}
	return strings.Join(strings.Fields(b.String()), " "), found
}
