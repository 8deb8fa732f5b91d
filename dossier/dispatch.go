package dossier

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// Sender delivers a notification on one channel. A PermanentError is not retried.
type Sender interface {
	Send(ctx context.Context, chatID, text string) error
}

// PermanentError marks a send failure that retrying cannot fix (e.g. the user
// blocked the bot).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// ErrAwaitingChat is wrapped by send errors of channels that may not message a
// chat until it writes again (a reply window): the notification stays queued,
// is handed over when the chat writes (Inbox), and is tried again only after
// AwaitRetry.
var ErrAwaitingChat = errors.New("dossier: waiting for the chat to write again")

// AwaitRetry is how long a notification waiting for its chat rests between tries.
const AwaitRetry = 15 * time.Minute

// Queue is what the dispatcher needs of the outbox.
type Queue interface {
	Due(ctx context.Context, channel string, now time.Time, limit int) ([]Notification, error)
	ForChat(ctx context.Context, channel, chatID string) ([]Notification, error)
	Claim(ctx context.Context, id string, now time.Time) (bool, error)
	Finish(ctx context.Context, id string, sendErr error, retry bool, retryAt, now time.Time) error
}

// Dispatcher delivers queued notifications: push channels by a background loop,
// pull channels (the web chat) when the chat asks for its inbox.
type Dispatcher struct {
	Queue    Queue
	Senders  map[string]Sender // push channels
	Log      *slog.Logger
	Interval time.Duration
	MaxTries int

	stop chan struct{}
	wg   sync.WaitGroup
}

// Start runs the delivery loop until Stop.
func (d *Dispatcher) Start() {
	if d.Interval <= 0 {
		d.Interval = 2 * time.Second
	}
	if d.MaxTries <= 0 {
		d.MaxTries = 5
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	d.stop = make(chan struct{})
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		t := time.NewTicker(d.Interval)
		defer t.Stop()
		for {
			select {
			case <-d.stop:
				return
			case <-t.C:
				d.RunOnce(context.Background(), time.Now())
			}
		}
	}()
}

// Stop ends the loop after the delivery in progress.
func (d *Dispatcher) Stop(context.Context) error {
	if d.stop != nil {
		close(d.stop)
		d.wg.Wait()
		d.stop = nil
	}
	return nil
}

// RunOnce delivers what is due on every push channel and returns how many were sent.
func (d *Dispatcher) RunOnce(ctx context.Context, now time.Time) int {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	sent := 0
	for channel, s := range d.Senders {
		due, err := d.Queue.Due(ctx, channel, now, 100)
		if err != nil {
			d.Log.Warn("outbox", "err", err)
			continue
		}
		for _, n := range due {
			ok, err := d.Queue.Claim(ctx, n.ID, now)
			if err != nil || !ok {
				continue
			}
			sendErr := s.Send(ctx, n.ChatID, n.DeliveredText())
			var perm *PermanentError
			retry := sendErr != nil && !errors.As(sendErr, &perm)
			retryAt := now.Add(30 * time.Second)
			awaiting := errors.Is(sendErr, ErrAwaitingChat)
			if awaiting {
				retryAt = now.Add(AwaitRetry)
			} else if sendErr != nil {
				obs.SendErrors.WithLabelValues(n.Channel).Inc()
			}
			if err := d.Queue.Finish(ctx, n.ID, sendErr, retry, retryAt, now); err != nil {
				d.Log.Warn("outbox finish", "err", err)
			}
			switch {
			case sendErr == nil:
				sent++
			case awaiting:
				d.Log.Info("notification waits for the chat to write", "channel", channel, "err", sendErr)
			default:
				d.Log.Warn("notification not delivered", "channel", channel, "retry", retry, "err", sendErr)
			}
		}
	}
	return sent
}

// Inbox hands a pull channel's pending notifications for one chat to the caller,
// marking them delivered; each is returned once.
func (d *Dispatcher) Inbox(ctx context.Context, channel, chatID string) ([]bot.InboxItem, error) {
	ns, err := d.Queue.ForChat(ctx, channel, chatID)
	if err != nil {
		return nil, err
	}
	var out []bot.InboxItem
	now := time.Now()
	for _, n := range ns {
		ok, err := d.Queue.Claim(ctx, n.ID, now)
		if err != nil {
			return out, err
		}
		if !ok {
			continue
		}
		if err := d.Queue.Finish(ctx, n.ID, nil, false, now, now); err != nil {
			return out, err
		}
		out = append(out, inboxItem(n))
	}
	return out, nil
}

var _ bot.InboxPeeker = (*Dispatcher)(nil)

// PeekInbox returns a pull channel's pending notifications for one chat without
// taking them; AckInbox takes them once the turn showing them is saved (the
// engine does both, see bot.InboxPeeker).
func (d *Dispatcher) PeekInbox(ctx context.Context, channel, chatID string) ([]bot.InboxItem, error) {
	ns, err := d.Queue.ForChat(ctx, channel, chatID)
	if err != nil {
		return nil, err
	}
	out := make([]bot.InboxItem, 0, len(ns))
	for _, n := range ns {
		out = append(out, inboxItem(n))
	}
	return out, nil
}

// AckInbox marks the notifications delivered. One taken before (by another
// turn or instance) is skipped, not an error.
func (d *Dispatcher) AckInbox(ctx context.Context, ids []string) error {
	now := time.Now()
	for _, id := range ids {
		ok, err := d.Queue.Claim(ctx, id, now)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := d.Queue.Finish(ctx, id, nil, false, now, now); err != nil {
			return err
		}
	}
	return nil
}

func inboxItem(n Notification) bot.InboxItem {
	return bot.InboxItem{ID: n.ID, Text: n.Text, From: n.From, Author: n.Author, At: n.At}
}
