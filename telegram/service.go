// Package telegram is dvcbot's Telegram channel on the shared channel.Adapter:
// a webhook that checks Telegram's secret header and decodes updates (or, for
// local trials, long polling), the durable store of acknowledged updates
// (store.TelegramUpdates, keyed by update_id) seen as the adapter's Store, and
// the Bot API side: replies rendered as Telegram HTML with inline keyboards,
// pressed buttons answered, group messages read only when meant for the bot.
// Storing before acknowledging, de-duplication, per-chat order, retries and
// rate-limit waits, shutdown and recovery, and dossier notifications are the
// adapter's.
//
// It imports bot, channel, internal/obs, gin and telegram-bot-api v5; it
// reaches the database only through its Store interface.
package telegram

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// Engine answers messages; *bot.Engine implements it.
type Engine = channel.Engine

// Apology is sent when the engine fails.
const Apology = channel.DefaultApology

// Config is what a Service needs. Token, Engine and Store are required; Secret
// is required for the webhook (without one every webhook call is refused).
type Config struct {
	Token      string       // TELEGRAM_BOT_TOKEN
	Secret     string       // TELEGRAM_WEBHOOK_SECRET
	Endpoint   string       // TELEGRAM_API_ENDPOINT; empty means Telegram's own
	HTTPClient *http.Client // optional (see NewClient); its Timeout must exceed PollTimeout when polling
	Retry      RetryPolicy  // zero means the defaults
	Engine     Engine
	Store      Store
	Log        *slog.Logger

	Workers       int           // queues, one worker each; default 16
	QueueSize     int           // updates waiting per queue; default 64
	HandleTimeout time.Duration // budget of one update; default 60s
	PollTimeout   int           // long-polling timeout in seconds; default 25
	Now           func() time.Time

	// RecoverAfter: at Start, take up unfinished updates accepted at least this
	// long ago. Zero takes up all of them, right for a store with one owning
	// process; with several instances on one database use a period well beyond
	// HandleTimeout, so that a live instance's updates are left to it.
	RecoverAfter time.Duration
}

// Service is the running channel. Create it with New, call Start once, mount
// Routes (or run Poll), and Close it at shutdown. DossierSender (the adapter's)
// delivers dossier notifications.
type Service struct {
	*channel.Adapter
	cfg    Config
	log    *slog.Logger
	client *Client
	sender *Sender

	bg     sync.WaitGroup // Start's calls to Telegram
	bgCtx  context.Context
	bgStop context.CancelFunc
}

// New checks cfg and starts the workers. It makes no network call: Telegram may
// be unreachable at start.
func New(cfg Config) (*Service, error) {
	switch {
	case cfg.Token == "":
		return nil, errors.New("telegram: Token is required")
	case cfg.Engine == nil:
		return nil, errors.New("telegram: Engine is required")
	case cfg.Store == nil:
		return nil, errors.New("telegram: Store is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 25
	}
	log := cfg.Log.With("channel", bot.ChannelTelegram)
	client := NewClient(cfg.Token, cfg.Endpoint, cfg.HTTPClient, cfg.Retry)
	s := &Service{cfg: cfg, log: log, client: client, sender: NewSender(client, cfg.Store, log)}
	a, err := channel.New(channel.Config{
		Channel: bot.ChannelTelegram, Engine: cfg.Engine, Platform: platform{s}, Store: updateStore{st: cfg.Store, log: log},
		Log: cfg.Log, Workers: cfg.Workers, QueueSize: cfg.QueueSize, HandleTimeout: cfg.HandleTimeout,
		Greeting:     "-", // the engine greets /start; joining a chat says nothing
		RecoverAfter: cfg.RecoverAfter, Decode: decodeEvent, Now: cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	s.Adapter = a
	s.bgCtx, s.bgStop = context.WithCancel(context.Background())
	return s, nil
}

// Sender is the service's sender, for other parts that message chats.
func (s *Service) Sender() *Sender { return s.sender }

// Client is the service's Bot API client.
func (s *Service) Client() *Client { return s.client }

// Start takes up the updates a previous process accepted and did not finish
// (see channel.Adapter.Start: the webhook answers 503 only while there are
// some to queue) and, in the background, fetches the bot's username and
// publishes the command list (setMyCommands). Failures are logged. The work
// stops at Close.
func (s *Service) Start() {
	s.Adapter.Start()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		if _, err := s.client.Me(s.bgCtx); err != nil {
			s.log.Warn("telegram unreachable at start; will retry on first use", "err", err)
		}
		if err := s.sender.SetCommands(s.bgCtx); err != nil {
			s.log.Warn("telegram commands not published", "err", err)
		}
	}()
}

// Close stops taking updates and finishes or parks the queued ones within
// ctx's deadline (see channel.Adapter.Close). Safe to call more than once.
func (s *Service) Close(ctx context.Context) error {
	err := s.Adapter.Close(ctx)
	s.bgStop()
	s.bg.Wait()
	return err
}

// platform is the service as the adapter's channel.Platform and
// channel.Preparer.
type platform struct{ s *Service }

var (
	_ channel.Platform = platform{}
	_ channel.Preparer = platform{}
)

// Send renders replies and sends them to chat (a decimal chat id).
func (p platform) Send(ctx context.Context, chat string, replies []bot.Reply) error {
	id, err := parseChat(chat)
	if err != nil {
		return err
	}
	return p.s.sender.deliver(ctx, id, replies)
}

// Prepare does in the worker what needs Telegram or the store before the
// engine sees an update: a pressed button's query is answered first (so that
// it stops spinning) and its data resolved to the engine action; a shared
// location becomes the nearest-desk action; a group message goes on only when
// it is meant for the bot, without the mention. The update_id travels in the
// context into every log line.
func (p platform) Prepare(ctx context.Context, ev channel.Event) (context.Context, channel.Event, bool) {
	u, ok := ev.Payload.(*Update)
	if !ok {
		return ctx, ev, true
	}
	ctx = obs.WithUpdateID(ctx, u.UpdateID)
	switch {
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		if err := p.s.sender.AnswerCallback(ctx, q.ID, ""); err != nil {
			p.s.log.WarnContext(ctx, "callback query not answered", "err", err)
		}
		if q.Message == nil || q.Message.Chat.ID == 0 || q.Data == "" {
			return ctx, ev, false
		}
		ev.Text, ev.Action = "", p.s.sender.ResolveCallback(ctx, q.Data)
	case u.Message != nil:
		m := u.Message
		if action, ok := locationAction(m); ok {
			ev.Text, ev.Action = "", action
			break
		}
		ev.Text = m.text()
		if m.Chat.Type != "private" {
			var username string
			if me, err := p.s.client.Me(ctx); err == nil {
				username = me.UserName
			}
			t, ok := addressedText(m, username, p.s.client.BotID())
			if !ok {
				return ctx, ev, false
			}
			ev.Text = t
		}
	}
	return ctx, ev, true
}
