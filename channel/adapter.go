package channel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// DefaultApology is sent when the engine fails.
const DefaultApology = "Xin lỗi, hệ thống đang bận. Bạn vui lòng thử lại sau ít phút."

// Config is what an Adapter needs. Channel, Engine, Platform and Store are
// required.
type Config struct {
	Channel  string // bot.Message.Channel of its messages, and the store's key
	Engine   Engine
	Platform Platform
	Store    Store
	Inbox    Inbox         // optional: notifications held for a chat, delivered when it writes
	Window   time.Duration // how long after the citizen's last message the platform accepts messages; 0: no limit
	Log      *slog.Logger

	Workers       int           // queues, one worker each; default 16
	QueueSize     int           // events waiting per queue; default 64
	HandleTimeout time.Duration // budget of one event; default 60s
	Apology       string        // sent when the engine fails; default DefaultApology
	Greeting      string        // text handed to the engine on KindFollow; default "/start"; "-" greets nothing
	// RecoverAfter: at Start, take up unfinished events accepted at least this
	// long ago. Zero takes up all of them, right for a store with one owning
	// process; with several instances on one database use a period well beyond
	// HandleTimeout, so that a live instance's events are left to it.
	RecoverAfter time.Duration
	// Decode reads a stored payload back into its Event when Start takes up
	// unfinished events; needed when events carry Raw. Default: the Event's
	// JSON.
	Decode func(raw []byte) (Event, error)
	Now    func() time.Time
}

// Outcome of offering an event.
type Outcome int

// Outcomes of Accept.
const (
	Accepted  Outcome = iota // stored and queued: it will be handled
	Duplicate                // stored before: a redelivery, dropped
	Ignored                  // needs no work
)

// Adapter runs one channel: Accept events from its webhook, Start once, Close at
// shutdown. Notify delivers dossier notifications (see DossierSender).
type Adapter struct {
	cfg Config
	log *slog.Logger

	queues []*queue
	wg     sync.WaitGroup // workers
	bg     sync.WaitGroup // Start's background work

	mu     sync.RWMutex // held for reading while accepting, for writing to close
	closed bool

	touched touchCache

	left       atomic.Int64 // events left unfinished at shutdown
	recovering atomic.Bool  // Start is queueing unfinished events; Accept answers ErrBusy
	abort      chan struct{}
	procCtx    context.Context
	cancelProc context.CancelFunc
}

type job struct {
	ev  Event
	raw []byte
}

// queue is one worker's bounded FIFO. slots counts events reserved or queued,
// so a place is known to exist before an event is stored.
type queue struct {
	items chan job
	slots chan struct{}
}

// New checks cfg and starts the workers. It makes no network call.
func New(cfg Config) (*Adapter, error) {
	switch {
	case cfg.Channel == "":
		return nil, errors.New("channel: Channel is required")
	case cfg.Engine == nil:
		return nil, errors.New("channel: Engine is required")
	case cfg.Platform == nil:
		return nil, errors.New("channel: Platform is required")
	case cfg.Store == nil:
		return nil, errors.New("channel: Store is required")
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
	if cfg.Apology == "" {
		cfg.Apology = DefaultApology
	}
	if cfg.Greeting == "" {
		cfg.Greeting = "/start"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Decode == nil {
		cfg.Decode = func(raw []byte) (Event, error) {
			var ev Event
			err := json.Unmarshal(raw, &ev)
			return ev, err
		}
	}
	// Activity is written at most once a minute per chat where a reply window
	// is counted, else (it only clears an inactive mark) every ten minutes.
	touchTTL := time.Minute
	if cfg.Window <= 0 {
		touchTTL = 10 * time.Minute
	}
	a := &Adapter{
		cfg:     cfg,
		log:     cfg.Log.With("channel", cfg.Channel),
		abort:   make(chan struct{}),
		touched: touchCache{ttl: touchTTL, seen: map[string]time.Time{}},
	}
	a.procCtx, a.cancelProc = context.WithCancel(context.Background())
	a.queues = make([]*queue, cfg.Workers)
	for i := range a.queues {
		a.queues[i] = &queue{items: make(chan job, cfg.QueueSize), slots: make(chan struct{}, cfg.QueueSize)}
		a.wg.Add(1)
		go a.work(a.queues[i])
	}
	return a, nil
}

// Channel is the adapter's channel name.
func (a *Adapter) Channel() string { return a.cfg.Channel }

// Start takes up the events a previous process accepted and did not finish
// (it stopped or was killed), in the order they were accepted. It looks for
// them before it returns (for at most 5 s): when there are none Accept takes
// events at once; otherwise it answers ErrBusy until they are queued, in the
// background, so that each chat stays in order. A store failing then is
// retried in the background. The work stops at Close.
func (a *Adapter) Start() {
	pending := a.beginRecovery()
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		a.recoverUnfinished(a.procCtx, pending)
	}()
}

// Recovering reports whether Start is still taking up unfinished events (the
// webhook answers 503 meanwhile and the platform delivers again).
func (a *Adapter) Recovering() bool { return a.recovering.Load() }

func (a *Adapter) queueFor(chat string) *queue {
	h := fnv.New64a()
	_, _ = h.Write([]byte(chat))
	return a.queues[h.Sum64()%uint64(len(a.queues))]
}

// Accept stores ev with its payload and queues it for its chat's worker. A
// place in the queue is reserved before the write, so an event is never stored
// and then dropped: on ErrBusy or ErrClosed nothing was stored and the
// platform's redelivery will be handled. A store error also leaves the event
// unqueued. Once Accept returns Accepted the event is handled even if the
// process dies (the next Start takes it up). Events without a chat, and
// messages with neither text, action nor Raw, are Ignored; events without an
// id get one from their chat and time.
func (a *Adapter) Accept(ctx context.Context, ev Event) (Outcome, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.closed {
		return 0, ErrClosed
	}
	if ev.Chat == "" || (ev.Kind == KindMessage && ev.Text == "" && ev.Action == "" && ev.Raw == nil) {
		return Ignored, nil
	}
	if a.recovering.Load() {
		return 0, ErrBusy
	}
	if ev.ID == "" {
		ev.ID = fmt.Sprintf("nid:%s:%d", ev.Chat, ev.At.UnixNano())
	}
	q := a.queueFor(ev.Chat)
	select {
	case q.slots <- struct{}{}:
	default:
		return 0, ErrBusy
	}
	raw := ev.Raw
	if raw == nil {
		var err error
		if raw, err = json.Marshal(ev); err != nil {
			<-q.slots
			return 0, err
		}
	}
	// The write must not be cut short by the caller going away after it was made.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	stored, err := a.cfg.Store.Accept(cctx, a.cfg.Channel, ev.ID, ev.Chat, raw, a.cfg.Now())
	cancel()
	if err != nil || !stored {
		<-q.slots
		if err != nil {
			return 0, err
		}
		return Duplicate, nil
	}
	q.items <- job{ev: ev, raw: raw} // a slot is held: never blocks
	return Accepted, nil
}

func (a *Adapter) work(q *queue) {
	defer a.wg.Done()
	for {
		select {
		case <-a.abort:
			return
		default:
		}
		select {
		case j, ok := <-q.items:
			if !ok {
				return
			}
			if err := a.process(j.ev); err != nil && a.procCtx.Err() != nil {
				a.left.Add(1) // cut by the shutdown deadline: unfinished, the next start redoes it
			} else {
				a.markDone(j)
			}
			<-q.slots
		case <-a.abort:
			return
		}
	}
}

// process handles one event and never panics out.
func (a *Adapter) process(ev Event) (err error) {
	ctx, cancel := context.WithTimeout(a.procCtx, a.cfg.HandleTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			a.log.ErrorContext(ctx, "panic handling event", "id", ev.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	if p, ok := a.cfg.Platform.(Preparer); ok {
		var handle bool
		if ctx, ev, handle = p.Prepare(ctx, ev); !handle {
			return nil
		}
	}
	at := ev.At
	if at.IsZero() {
		at = a.cfg.Now()
	}
	switch ev.Kind {
	case KindUnfollow:
		a.touched.forget(ev.Chat)
		if err := a.cfg.Store.MarkInactive(ctx, a.cfg.Channel, ev.Chat); err != nil {
			a.log.WarnContext(ctx, "chat left; not recorded", "chat", ev.Chat, "err", err)
			return err
		}
		return nil
	case KindFollow:
		reopened := a.touch(ctx, ev.Chat, at, true)
		if a.cfg.Greeting != "-" {
			if err := a.reply(ctx, ev.Chat, bot.Message{Text: a.cfg.Greeting, At: at}); err != nil {
				return err
			}
		}
		if reopened {
			a.deliverHeld(ctx, ev.Chat)
		}
		return nil
	default:
		reopened := a.touch(ctx, ev.Chat, at, false)
		if err := a.reply(ctx, ev.Chat, bot.Message{Text: ev.Text, Action: ev.Action, At: at}); err != nil {
			return err
		}
		if reopened {
			a.deliverHeld(ctx, ev.Chat)
		}
		return nil
	}
}

// reply hands m to the engine and sends the answer (or the apology) to chat.
func (a *Adapter) reply(ctx context.Context, chat string, m bot.Message) error {
	m.Channel, m.ChatID = a.cfg.Channel, chat
	resp, err := a.cfg.Engine.Handle(ctx, m)
	if err != nil && ctx.Err() != nil {
		return err // cut (shutdown deadline or budget): parked or given up, not apologised for
	}
	if err != nil {
		a.log.ErrorContext(ctx, "engine failed; apologising", "chat", chat, "err", err)
		resp.Replies = []bot.Reply{{Text: a.cfg.Apology}}
	}
	err = a.send(ctx, chat, resp.Replies)
	if err != nil {
		obs.SendErrors.WithLabelValues(a.cfg.Channel).Inc()
	}
	return err
}

// send delivers replies, marking the chat inactive when the platform says it
// blocked the bot.
func (a *Adapter) send(ctx context.Context, chat string, replies []bot.Reply) error {
	if len(replies) == 0 {
		return nil
	}
	err := a.cfg.Platform.Send(ctx, chat, replies)
	if err == nil {
		return nil
	}
	level := slog.LevelError
	if errors.Is(err, ErrBlocked) {
		level = slog.LevelInfo
		a.touched.forget(chat)
		if merr := a.cfg.Store.MarkInactive(ctx, a.cfg.Channel, chat); merr != nil {
			a.log.WarnContext(ctx, "mark chat inactive", "chat", chat, "err", merr)
		}
	}
	a.log.Log(ctx, level, "reply not delivered", "chat", chat, "err", err)
	return err
}

// touch records that chat wrote at at, at most once per touch period per chat
// and process (the window is counted in hours), in one store round trip. It
// reports whether the chat was inactive or its window had closed, so that
// notifications held for it should be delivered now. A chat never seen before
// has none: notifications are subscribed from a chat, which touched it first
// (and one held anyway is retried by the dispatcher, now that the window is
// open), so a first message costs no inbox read.
func (a *Adapter) touch(ctx context.Context, chat string, at time.Time, force bool) (reopened bool) {
	if !force && a.touched.fresh(chat, at) {
		return false
	}
	prev, err := a.cfg.Store.Touch(ctx, a.cfg.Channel, chat, at)
	if err != nil {
		a.log.WarnContext(ctx, "chat activity not recorded", "chat", chat, "err", err)
		return false
	}
	a.touched.mark(chat, at)
	if a.cfg.Window <= 0 {
		return prev.Inactive
	}
	return prev.Inactive || (!prev.LastIn.IsZero() && at.Sub(prev.LastIn) >= a.cfg.Window-time.Minute)
}

// deliverHeld sends the notifications that waited for chat to write again.
func (a *Adapter) deliverHeld(ctx context.Context, chat string) {
	if a.cfg.Inbox == nil {
		return
	}
	items, err := a.cfg.Inbox.PeekInbox(ctx, a.cfg.Channel, chat)
	if err != nil {
		a.log.Warn("held notifications not read; the dispatcher will try", "chat", chat, "err", err)
		return
	}
	for _, it := range items {
		if err := a.send(ctx, chat, []bot.Reply{{Text: it.Text}}); err != nil {
			a.log.Warn("held notification not delivered now; it stays queued", "chat", chat, "id", it.ID, "err", err)
			return // keep the order: the rest wait too
		}
		if err := a.cfg.Inbox.AckInbox(ctx, []string{it.ID}); err != nil {
			a.log.Warn("held notification sent but not marked; it may be sent again", "chat", chat, "id", it.ID, "err", err)
		}
	}
}

// touchCache remembers when each chat's activity was last written.
type touchCache struct {
	mu   sync.Mutex
	ttl  time.Duration
	seen map[string]time.Time
}

func (c *touchCache) fresh(chat string, at time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.seen[chat]
	return ok && at.Sub(t) < c.ttl && at.Sub(t) >= 0
}

func (c *touchCache) mark(chat string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) >= 100_000 {
		clear(c.seen)
	}
	c.seen[chat] = at
}

func (c *touchCache) forget(chat string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.seen, chat)
}

// markDone records that j was handled. If that fails the event stays
// unfinished and the next start answers it again: twice rather than never.
func (a *Adapter) markDone(j job) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.cfg.Store.Done(ctx, a.cfg.Channel, j.ev.ID, a.cfg.Now()); err != nil {
		a.log.Error("event handled but not marked done; it may be answered again after a restart", "id", j.ev.ID, "err", err)
	}
}

// Close stops taking events (webhooks answer 503 so platforms keep them) and
// lets the workers finish the queued ones within ctx's deadline. A little
// before the deadline it stops the workers taking queued events, and at the
// deadline it cuts those being handled. Every accepted event is in the store,
// so what is not finished stays there for the next start (see Start); an event
// cut halfway may thus be answered twice, never lost. Safe to call twice.
func (a *Adapter) Close(ctx context.Context) error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	a.mu.Unlock()
	defer a.cancelProc()
	for _, q := range a.queues {
		close(q.items)
	}
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()

	soft := time.NewTimer(softDeadline(ctx))
	defer soft.Stop()
	select {
	case <-done:
	case <-soft.C:
		a.stopEarly(ctx, done)
	case <-ctx.Done():
		a.stopEarly(ctx, done)
	}
	a.cancelProc()
	a.bg.Wait()
	return nil
}

// stopEarly stops the workers taking events, leaves the queued ones in the
// store and, at ctx's deadline, cuts those being handled.
func (a *Adapter) stopEarly(ctx context.Context, done <-chan struct{}) {
	close(a.abort)
	for _, q := range a.queues {
		for range q.items {
			a.left.Add(1)
		}
	}
	select {
	case <-done:
	case <-ctx.Done():
		a.cancelProc()
		<-done
	}
	a.log.Warn("shutdown deadline reached; unfinished events are handled at the next start", "unfinished", a.left.Load())
}

// softDeadline leaves a fifth of the time left (at most 2s) to stop the workers.
func softDeadline(ctx context.Context) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return 24 * time.Hour
	}
	left := time.Until(dl)
	reserve := min(left/5, 2*time.Second)
	return max(left-reserve, 0)
}

// pendingRecovery is what beginRecovery found.
type pendingRecovery struct {
	raws   [][]byte
	loaded bool // false: the store failed; recoverUnfinished tries again
}

// beginRecovery loads, at Start, the events a previous process accepted and
// did not finish. When there are none Accept takes events at once; otherwise
// it answers ErrBusy until recoverUnfinished has queued them.
func (a *Adapter) beginRecovery() pendingRecovery {
	a.recovering.Store(true)
	ctx, cancel := context.WithTimeout(a.procCtx, 5*time.Second)
	defer cancel()
	raws, err := a.cfg.Store.Unfinished(ctx, a.cfg.Channel, a.recoverBefore())
	if err != nil {
		a.log.Warn("load unfinished events; retrying in the background", "err", err)
		return pendingRecovery{}
	}
	if len(raws) == 0 {
		a.recovering.Store(false)
	}
	return pendingRecovery{raws: raws, loaded: true}
}

// recoverBefore: with one owner everything stored so far is its own.
func (a *Adapter) recoverBefore() time.Time {
	if a.cfg.RecoverAfter > 0 {
		return a.cfg.Now().Add(-a.cfg.RecoverAfter)
	}
	return a.cfg.Now().Add(time.Minute)
}

// recoverUnfinished queues, in the order they were accepted, what
// beginRecovery found (or, when the store failed then, loads it, retrying),
// then lets Accept take events again.
func (a *Adapter) recoverUnfinished(ctx context.Context, p pendingRecovery) {
	defer a.recovering.Store(false)
	pause := 100 * time.Millisecond
	for !p.loaded {
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		raws, err := a.cfg.Store.Unfinished(ctx, a.cfg.Channel, a.recoverBefore())
		if err != nil {
			a.log.Warn("load unfinished events; retrying", "err", err, "in", pause)
			pause = min(pause*2, 5*time.Second)
			continue
		}
		p = pendingRecovery{raws: raws, loaded: true}
	}
	if len(p.raws) == 0 {
		return
	}
	a.log.Info("handling events accepted before the last stop", "count", len(p.raws))
	for _, raw := range p.raws {
		ev, err := a.cfg.Decode(raw)
		if err != nil {
			a.log.Error("unfinished event unreadable; skipped", "err", err)
			continue
		}
		if ev.Chat == "" {
			continue // needs no work
		}
		if err := a.requeue(ctx, ev, raw); err != nil {
			return // closing: what is left stays unfinished in the store
		}
	}
}

// requeue queues an already stored event, waiting for room.
func (a *Adapter) requeue(ctx context.Context, ev Event, raw []byte) error {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.closed {
		return ErrClosed
	}
	q := a.queueFor(ev.Chat)
	select {
	case q.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	q.items <- job{ev: ev, raw: raw}
	return nil
}
