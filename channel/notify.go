package channel

import (
	"context"
	"errors"
	"fmt"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
)

// Notify delivers text (engine markup) that the citizen did not ask for just
// now, such as a dossier status change. A chat marked inactive gets nothing (a
// *dossier.PermanentError). Outside the platform's reply window, by the
// adapter's own count or the platform's answer, nothing is sent and the error
// wraps dossier.ErrAwaitingChat: the notification stays queued and is delivered
// when the citizen next writes. Other failures, already retried within the
// platform's policy, are returned as they are so that the dispatcher tries again.
func (a *Adapter) Notify(ctx context.Context, chat, text string) error {
	st, err := a.cfg.Store.Chat(ctx, a.cfg.Channel, chat)
	if err != nil {
		return err
	}
	if st.Inactive {
		return &dossier.PermanentError{Err: fmt.Errorf("%s chat %s: %w", a.cfg.Channel, chat, ErrBlocked)}
	}
	if a.cfg.Window > 0 && (st.LastIn.IsZero() || a.cfg.Now().Sub(st.LastIn) >= a.cfg.Window) {
		return fmt.Errorf("%s chat %s last wrote %v: %w (%w)", a.cfg.Channel, chat, st.LastIn, ErrWindowClosed, dossier.ErrAwaitingChat)
	}
	err = a.send(ctx, chat, []bot.Reply{{Text: text}})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrWindowClosed):
		return fmt.Errorf("%w (%w)", err, dossier.ErrAwaitingChat)
	case errors.Is(err, ErrBlocked) || errors.Is(err, ErrPermanent):
		return &dossier.PermanentError{Err: err}
	}
	return err
}

// DossierSender adapts the adapter to dossier.Sender (the outbox dispatcher's
// sender for this channel).
type DossierSender struct{ a *Adapter }

var _ dossier.Sender = DossierSender{}

// DossierSender returns the adapter's sender for dossier notifications.
func (a *Adapter) DossierSender() DossierSender { return DossierSender{a: a} }

// Send is Notify.
func (d DossierSender) Send(ctx context.Context, chatID, text string) error {
	return d.a.Notify(ctx, chatID, text)
}
