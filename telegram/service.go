// Package telegram is dvcbot's Telegram channel: a webhook (or, for local
// trials, long polling) that stores each update with its payload before
// acknowledging it (de-duplicated by update_id, marked done once answered, taken
// up again after a crash), queues them on a bounded worker pool that keeps each chat's updates in order,
// hands messages and pressed buttons to the dialogue engine and sends its replies
// as Telegram HTML with inline keyboards.
//
// It imports bot (the engine's types), dossier (to deliver its notifications),
// gin and telegram-bot-api v5; it reaches the database only through its Store
// interface, which store.TelegramUpdates implements.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// Engine answers messages; *bot.Engine implements it.
type Engine interface {
	Handle(ctx context.Context, m bot.Message) (bot.Response, error)
}

// Apology is sent when the engine fails.
const Apology = "Xin lỗi, hệ thống đang bận. Bạn vui lòng thử lại sau ít phút."

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
// Routes (or run Poll), and Close it at shutdown.
type Service struct {
	cfg    Config
	log    *slog.Logger
	client *Client
	sender *Sender
	active activeCache

	queues []*queue
	wg     sync.WaitGroup // workers
	bg     sync.WaitGroup // Start's background work

	mu     sync.RWMutex // held for reading while accepting, for writing to close
	closed bool

	left       atomic.Int64       // accepted updates left unfinished at shutdown, for the next start
	recovering atomic.Bool        // Start is queueing unfinished updates; accept answers errBusy
	abort      chan struct{}      // workers stop taking queued updates
	procCtx    context.Context    // parent of every update's handling
	cancelProc context.CancelFunc // cancels it at the end of Close
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
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 64
	}
	if cfg.HandleTimeout <= 0 {
		cfg.HandleTimeout = time.Minute
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 25
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Log.With("channel", bot.ChannelTelegram)
	client := NewClient(cfg.Token, cfg.Endpoint, cfg.HTTPClient, cfg.Retry)
	s := &Service{
		cfg:    cfg,
		log:    log,
		client: client,
		sender: NewSender(client, cfg.Store, log),
		active: activeCache{ttl: 10 * time.Minute, seen: map[int64]time.Time{}},
		abort:  make(chan struct{}),
	}
	s.procCtx, s.cancelProc = context.WithCancel(context.Background())
	s.queues = make([]*queue, cfg.Workers)
	for i := range s.queues {
		s.queues[i] = &queue{items: make(chan job, cfg.QueueSize), slots: make(chan struct{}, cfg.QueueSize)}
		s.wg.Add(1)
		go s.work(s.queues[i])
	}
	return s, nil
}

// Sender is the service's sender, for other parts that message chats (such as
// dossier notifications, which should use Sender.Notify).
func (s *Service) Sender() *Sender { return s.sender }

// Client is the service's Bot API client.
func (s *Service) Client() *Client { return s.client }

// Start does, in the background, what needs Telegram or the store but must not
// hold up the service's start: queue, in order, the updates a previous process
// accepted and did not finish (found before Start returns; until they are queued
// the webhook answers 503, so that each chat's updates stay in order), then fetch the bot's username and
// publish the command list (setMyCommands). Failures are logged. The work stops
// at Close.
func (s *Service) Start() {
	pending := s.beginRecovery()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx := s.procCtx
		s.recoverUnfinished(ctx, pending)
		if _, err := s.client.Me(ctx); err != nil {
			s.log.Warn("telegram unreachable at start; will retry on first use", "err", err)
		}
		if err := s.sender.SetCommands(ctx); err != nil {
			s.log.Warn("telegram commands not published", "err", err)
		}
	}()
}

// reply hands m to the engine and sends the answer (or the apology) to chat. The
// error says the answer was not delivered.
func (s *Service) reply(ctx context.Context, chat int64, m bot.Message) error {
	m.Channel, m.ChatID = bot.ChannelTelegram, strconv.FormatInt(chat, 10)
	resp, err := s.cfg.Engine.Handle(ctx, m)
	if err != nil {
		s.log.ErrorContext(ctx, "engine failed; apologising", "chat", chat, "err", err)
		resp.Replies = []bot.Reply{{Text: Apology}}
	}
	if err := s.sender.Send(ctx, chat, resp.Replies); err != nil {
		obs.SendErrors.WithLabelValues(bot.ChannelTelegram).Inc()
		level := slog.LevelError
		if errors.Is(err, ErrBlocked) {
			level = slog.LevelInfo
		}
		s.log.Log(ctx, level, "telegram reply not delivered", "chat", chat, "err", err)
		return err
	}
	return nil
}

// process handles one update. It never panics out: a failure is logged and
// returned.
func (s *Service) process(j job) (err error) {
	ctx, cancel := context.WithTimeout(obs.WithUpdateID(s.procCtx, j.id), s.cfg.HandleTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(ctx, "panic handling telegram update", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	u := j.update
	switch {
	case u.CallbackQuery != nil:
		return s.handleCallback(ctx, u.CallbackQuery)
	case u.Message != nil:
		return s.handleMessage(ctx, u.Message)
	case u.MyChatMember != nil:
		return s.handleMembership(ctx, u.MyChatMember)
	}
	return nil
}

func (s *Service) handleMessage(ctx context.Context, m *Message) error {
	if action, ok := locationAction(m); ok {
		s.noteActive(ctx, m.Chat.ID)
		return s.reply(ctx, m.Chat.ID, bot.Message{Action: action, At: s.cfg.Now()})
	}
	text := m.text()
	if m.Chat.Type != "private" {
		var username string
		if me, err := s.client.Me(ctx); err == nil {
			username = me.UserName
		}
		t, ok := addressedText(m, username, s.client.BotID())
		if !ok {
			return nil
		}
		text = t
	}
	s.noteActive(ctx, m.Chat.ID)
	return s.reply(ctx, m.Chat.ID, bot.Message{Text: text, At: s.cfg.Now()})
}

// handleCallback answers the query first (so the button stops spinning), then
// hands its action to the engine.
func (s *Service) handleCallback(ctx context.Context, q *CallbackQuery) error {
	if err := s.sender.AnswerCallback(ctx, q.ID, ""); err != nil {
		s.log.Warn("callback query not answered", "err", err)
	}
	if q.Message == nil || q.Message.Chat.ID == 0 || q.Data == "" {
		return nil
	}
	action := s.sender.ResolveCallback(ctx, q.Data)
	s.noteActive(ctx, q.Message.Chat.ID)
	return s.reply(ctx, q.Message.Chat.ID, bot.Message{Action: action, At: s.cfg.Now()})
}

// handleMembership follows the bot's own membership: blocked or removed marks the
// chat inactive, (re)joined clears the mark.
func (s *Service) handleMembership(ctx context.Context, c *ChatMemberUpdated) error {
	var err error
	switch c.NewChatMember.Status {
	case "kicked", "left":
		s.active.forget(c.Chat.ID)
		err = s.cfg.Store.MarkInactive(ctx, c.Chat.ID)
	case "member", "administrator", "creator", "restricted":
		err = s.cfg.Store.ClearInactive(ctx, c.Chat.ID)
	}
	if err != nil {
		s.log.Warn("telegram membership change not recorded", "chat", c.Chat.ID, "err", err)
	}
	return err
}

// noteActive clears a chat's inactive mark when it writes, at most once per
// cache period per chat and process.
func (s *Service) noteActive(ctx context.Context, chat int64) {
	now := s.cfg.Now()
	if s.active.fresh(chat, now) {
		return
	}
	if err := s.cfg.Store.ClearInactive(ctx, chat); err != nil {
		s.log.Warn("clear inactive chat", "chat", chat, "err", err)
		return
	}
	s.active.mark(chat, now)
}

// activeCache remembers chats seen writing recently.
type activeCache struct {
	mu   sync.Mutex
	ttl  time.Duration
	seen map[int64]time.Time
}

func (c *activeCache) fresh(chat int64, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.seen[chat]
	return ok && now.Sub(at) < c.ttl
}

func (c *activeCache) mark(chat int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) >= 100_000 {
		clear(c.seen)
	}
	c.seen[chat] = now
}

func (c *activeCache) forget(chat int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.seen, chat)
}
