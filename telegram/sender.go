package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dvcbot/dvcbot/bot"
)

// Store is what the Telegram channel keeps in the database;
// store.TelegramUpdates implements it. Errors other than those documented are
// store failures.
type Store interface {
	// Accept stores an update with its payload before the webhook acknowledges
	// it and reports whether this call stored it; for one stored before, done
	// says whether it was handled to the end. Of concurrent calls for one id
	// exactly one stores it.
	Accept(ctx context.Context, updateID, chatID int64, raw []byte, now time.Time) (stored, done bool, err error)
	// Done records that an accepted update was handled; marking twice is fine.
	Done(ctx context.Context, updateID int64, now time.Time) error
	// Unfinished returns the payloads of updates accepted before the given time
	// and not Done, in update_id order.
	Unfinished(ctx context.Context, before time.Time) ([][]byte, error)
	// SaveAction keeps a long button action behind token until at least expiresAt.
	SaveAction(ctx context.Context, token, action string, expiresAt time.Time) error
	// Action returns the action behind token, or an error wrapping bot.ErrNotFound.
	Action(ctx context.Context, token string) (string, error)
	// MarkInactive, IsInactive and ClearInactive keep the chats that blocked the bot.
	MarkInactive(ctx context.Context, chatID int64) error
	IsInactive(ctx context.Context, chatID int64) (bool, error)
	// ClearInactive reports whether chatID was marked.
	ClearInactive(ctx context.Context, chatID int64) (bool, error)
}

// Callback data longer than this is kept server-side behind a token.
const maxCallbackData = 64

// tokenPrefix marks callback data that is a token, not an engine action (engine
// actions start with a letter).
const tokenPrefix = "~"

// Sender sends the engine's replies to Telegram chats. It is safe for concurrent
// use; replies to one chat are sent in order when one goroutine sends them.
type Sender struct {
	client   *Client
	store    Store
	log      *slog.Logger
	now      func() time.Time
	tokenTTL time.Duration

	mu    sync.Mutex
	saved map[string]time.Time // tokens saved by this process, until when
}

// NewSender returns a sender through client, keeping long button actions and
// inactive chats in st.
func NewSender(client *Client, st Store, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{client: client, store: st, log: log, now: time.Now, tokenTTL: 30 * 24 * time.Hour, saved: map[string]time.Time{}}
}

// Send sends replies to chatID in order (see deliver). When the chat blocked
// the bot (403), the chat is marked inactive and the error wraps ErrBlocked.
func (s *Sender) Send(ctx context.Context, chatID int64, replies []bot.Reply) error {
	err := s.deliver(ctx, chatID, replies)
	if errors.Is(err, ErrBlocked) {
		if merr := s.store.MarkInactive(ctx, chatID); merr != nil {
			s.log.Warn("mark telegram chat inactive", "chat", chatID, "err", merr)
		}
	}
	return err
}

// deliver sends replies to chatID in order: each reply's text is rendered to
// HTML, cut into chunks under MaxMessageUnits, and its buttons go as an inline
// keyboard under the last chunk. Rate limits (429) are waited out and
// transient failures retried within the client's RetryPolicy; a 403 (blocked)
// is not retried and wraps ErrBlocked. Sending stops at the first failure so
// that replies never arrive out of order.
func (s *Sender) deliver(ctx context.Context, chatID int64, replies []bot.Reply) error {
	for _, r := range replies {
		if err := s.sendReply(ctx, chatID, r); err != nil {
			return err
		}
	}
	return nil
}

// Notify is Send for messages the chat did not ask for just now (such as a
// dossier status change): it sends nothing to a chat marked inactive and returns
// an error wrapping ErrBlocked instead.
func (s *Sender) Notify(ctx context.Context, chatID int64, replies []bot.Reply) error {
	inactive, err := s.store.IsInactive(ctx, chatID)
	if err != nil {
		return err
	}
	if inactive {
		return fmt.Errorf("chat %d: %w", chatID, ErrBlocked)
	}
	return s.Send(ctx, chatID, replies)
}

func (s *Sender) sendReply(ctx context.Context, chatID int64, r bot.Reply) error {
	chunks := SplitHTML(RenderHTML(r.Text), MaxMessageUnits)
	markup := s.keyboard(ctx, r.Buttons)
	if len(chunks) == 0 {
		if markup == nil {
			return nil
		}
		chunks = []string{"…"}
	}
	for i, chunk := range chunks {
		msg := tgbotapi.NewMessage(chatID, chunk)
		msg.ParseMode = tgbotapi.ModeHTML
		msg.DisableWebPagePreview = true
		if i == len(chunks)-1 && markup != nil {
			msg.ReplyMarkup = *markup
		}
		_, err := s.client.Request(ctx, "sendMessage", msg)
		var ae *APIError
		if errors.As(err, &ae) && ae.Code == 400 && strings.Contains(strings.ToLower(ae.Description), "parse") {
			// Should not happen with RenderHTML; never lose the answer over markup.
			s.log.Warn("telegram refused HTML, sending plain text", "chat", chatID, "err", err)
			msg.Text = html.UnescapeString(strings.NewReplacer("<b>", "", "</b>", "").Replace(chunk))
			msg.ParseMode = ""
			_, err = s.client.Request(ctx, "sendMessage", msg)
		}
		if err != nil {
			return fmt.Errorf("send to chat %d: %w", chatID, err)
		}
	}
	return nil
}

// keyboard builds the inline keyboard of buttons, or nil without buttons. A
// button whose long action cannot be saved is left out (and logged).
func (s *Sender) keyboard(ctx context.Context, buttons []bot.Button) *tgbotapi.InlineKeyboardMarkup {
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, row := range layoutButtons(buttons) {
		var out []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			if b.URL != "" {
				out = append(out, tgbotapi.NewInlineKeyboardButtonURL(b.Label, b.URL))
				continue
			}
			data, err := s.callbackData(ctx, b.Action)
			if err != nil {
				s.log.Warn("telegram button left out", "action", b.Action, "err", err)
				continue
			}
			out = append(out, tgbotapi.NewInlineKeyboardButtonData(b.Label, data))
		}
		if len(out) > 0 {
			rows = append(rows, out)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	m := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &m
}

// callbackData is action itself when it fits Telegram's 64 bytes, else a token
// (derived from the action, so the same action always gets the same token) under
// which the action is saved for tokenTTL.
func (s *Sender) callbackData(ctx context.Context, action string) (string, error) {
	if len(action) <= maxCallbackData && !strings.HasPrefix(action, tokenPrefix) {
		return action, nil
	}
	sum := sha256.Sum256([]byte(action))
	tok := base64.RawURLEncoding.EncodeToString(sum[:16])
	now := s.now()
	s.mu.Lock()
	until, ok := s.saved[tok]
	s.mu.Unlock()
	if !ok || until.Sub(now) < s.tokenTTL/2 {
		if err := s.store.SaveAction(ctx, tok, action, now.Add(s.tokenTTL)); err != nil {
			return "", err
		}
		s.mu.Lock()
		if len(s.saved) > 10000 {
			clear(s.saved)
		}
		s.saved[tok] = now.Add(s.tokenTTL)
		s.mu.Unlock()
	}
	return tokenPrefix + tok, nil
}

// ResolveCallback turns callback data back into the engine action: tokens are
// looked up; an unknown or expired token is returned as it is (the engine
// answers that the button is outdated).
func (s *Sender) ResolveCallback(ctx context.Context, data string) string {
	tok, ok := strings.CutPrefix(data, tokenPrefix)
	if !ok {
		return data
	}
	action, err := s.store.Action(ctx, tok)
	if err != nil {
		if !errors.Is(err, bot.ErrNotFound) {
			s.log.Warn("resolve telegram callback token", "err", err)
		}
		return data
	}
	return action
}

// AnswerCallback acknowledges a pressed button so that the client stops its
// progress indicator; text, when set, is shown as a short notice.
func (s *Sender) AnswerCallback(ctx context.Context, queryID, text string) error {
	_, err := s.client.Request(ctx, "answerCallbackQuery", tgbotapi.NewCallback(queryID, text))
	if err != nil {
		return fmt.Errorf("answer callback query: %w", err)
	}
	return nil
}

// BotCommands are the commands published with SetCommands (the engine handles
// them).
func BotCommands() []tgbotapi.BotCommand {
	return []tgbotapi.BotCommand{
		{Command: "start", Description: "Bắt đầu và xem các thủ tục nhiều người hỏi"},
		{Command: "help", Description: "Hướng dẫn cách hỏi trợ lý"},
		{Command: "menu", Description: "Danh mục thủ tục hành chính"},
		{Command: "tracuu", Description: "Tra cứu tình trạng hồ sơ: /tracuu <mã hồ sơ>"},
		{Command: "canbo", Description: "Gặp cán bộ (trò chuyện với người thật)"},
	}
}

// SetCommands publishes BotCommands with setMyCommands.
func (s *Sender) SetCommands(ctx context.Context) error {
	if _, err := s.client.Request(ctx, "setMyCommands", tgbotapi.NewSetMyCommands(BotCommands()...)); err != nil {
		return fmt.Errorf("publish bot commands: %w", err)
	}
	return nil
}
