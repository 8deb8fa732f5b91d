package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
)

// DossierSender delivers the dossier outbox's notifications to Telegram chats
// (dossier.Dispatcher's Sender for bot.ChannelTelegram).
type DossierSender struct{ s *Sender }

var _ dossier.Sender = DossierSender{}

// DossierSender returns the service's sender for dossier notifications.
func (s *Service) DossierSender() DossierSender { return DossierSender{s: s.sender} }

// Send delivers text (engine markup) to chatID unless the chat is marked
// inactive. Failures that retrying cannot fix (a chat that blocked the bot, an
// unknown chat, a malformed chat id) are *dossier.PermanentError; rate limits and
// server errors, already retried within the client's policy, are returned as they
// are so the dispatcher tries again later.
func (d DossierSender) Send(ctx context.Context, chatID, text string) error {
	id, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return &dossier.PermanentError{Err: fmt.Errorf("telegram chat id %q: %w", chatID, bot.ErrInvalid)}
	}
	err = d.s.Notify(ctx, id, []bot.Reply{{Text: text}})
	var ae *APIError
	if errors.Is(err, ErrBlocked) || (errors.As(err, &ae) && ae.Code == http.StatusBadRequest) {
		return &dossier.PermanentError{Err: err}
	}
	return err
}
