package bot

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// A turn may be computed more than once: Handle retries it when the session
// changed concurrently (another instance saved it first). What a turn does
// outside its session must not be repeated by a retry nor done for a turn whose
// save failed. The engine's ports are therefore wrapped (see onceEffects):
//
//   - results that have side effects (a dossier verification counts failed
//     tries and writes the audit; taking the inbox hands notifications over)
//     are remembered per turn, keyed by their arguments, so a retry reuses the
//     first result instead of doing it again;
//   - effects that only record (unanswered questions) and the handing over of
//     inbox notifications (when the InboxSource can do it in two steps, see
//     InboxPeeker) are deferred until the session save succeeded, and dropped
//     when the turn fails.
//
// Feedback is saved under one key per answer, so it is idempotent by itself;
// turn events are recorded after the save already.

// InboxPeeker is an InboxSource that can hand notifications over in two steps:
// PeekInbox shows what is queued for a chat without taking it, AckInbox takes
// the given ones (each once; taking one already taken is not an error). The
// engine peeks while it answers and acknowledges after the session is saved,
// so a turn that fails hands nothing over.
type InboxPeeker interface {
	PeekInbox(ctx context.Context, channel, chatID string) ([]InboxItem, error)
	AckInbox(ctx context.Context, ids []string) error
}

// InboxItem is one queued notification.
type InboxItem struct {
	ID     string
	Text   string
	From   string // "staff" for an officer's reply; "" or "system" for the bot's own
	Author string // the officer's name
	At     time.Time
}

// turnEffects is what one Handle call remembers across its attempts.
type turnEffects struct {
	mu    sync.Mutex
	memo  map[string]memoResult
	after []func(context.Context) error
}

type memoResult struct {
	v   any
	err error
}

type turnEffectsKey struct{}

// withTurnEffects starts the effects of one turn.
func withTurnEffects(ctx context.Context) (context.Context, *turnEffects) {
	fx := &turnEffects{memo: map[string]memoResult{}}
	return context.WithValue(ctx, turnEffectsKey{}, fx), fx
}

func effectsFrom(ctx context.Context) *turnEffects {
	fx, _ := ctx.Value(turnEffectsKey{}).(*turnEffects)
	return fx
}

// once returns the result remembered under key, or runs f and remembers it.
func once[T any](ctx context.Context, key string, f func() (T, error)) (T, error) {
	fx := effectsFrom(ctx)
	if fx == nil {
		return f()
	}
	fx.mu.Lock()
	r, ok := fx.memo[key]
	fx.mu.Unlock()
	if ok {
		v, _ := r.v.(T)
		return v, r.err
	}
	v, err := f()
	fx.mu.Lock()
	fx.memo[key] = memoResult{v: v, err: err}
	fx.mu.Unlock()
	return v, err
}

// defer_ runs f after the turn's save, or now when there is no turn.
func deferEffect(ctx context.Context, f func(context.Context) error) error {
	fx := effectsFrom(ctx)
	if fx == nil {
		return f(ctx)
	}
	fx.mu.Lock()
	defer fx.mu.Unlock()
	fx.after = append(fx.after, f)
	return nil
}

// discard forgets the deferred effects of an attempt whose save failed; what
// was remembered (once) stays for the next attempt.
func (fx *turnEffects) discard() {
	fx.mu.Lock()
	fx.after = nil
	fx.mu.Unlock()
}

// commit runs the deferred effects once the session is saved. They must not be
// cut short by the caller going away: the turn is already answered.
func (fx *turnEffects) commit(ctx context.Context, log interface {
	Warn(msg string, args ...any)
}) {
	fx.mu.Lock()
	after := fx.after
	fx.after = nil
	fx.mu.Unlock()
	if len(after) == 0 {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for _, f := range after {
		if err := f(cctx); err != nil {
			log.Warn("turn effect after save", "err", err)
		}
	}
}

// onceEffects wraps cfg's ports as described above.
func onceEffects(cfg Config) Config {
	if cfg.Dossiers != nil {
		cfg.Dossiers = onceDossiers{cfg.Dossiers}
	}
	if cfg.Unanswered != nil {
		cfg.Unanswered = afterSaveUnanswered{cfg.Unanswered}
	}
	if cfg.Inbox != nil {
		cfg.Inbox = onceInbox{cfg.Inbox}
	}
	return cfg
}

type onceDossiers struct{ inner DossierService }

func (d onceDossiers) Lookup(ctx context.Context, q DossierQuery) (DossierView, error) {
	return once(ctx, fmt.Sprintf("lookup %#v", q), func() (DossierView, error) { return d.inner.Lookup(ctx, q) })
}

func (d onceDossiers) Subscribe(ctx context.Context, code, channel, chatID string) error {
	_, err := once(ctx, "subscribe "+code+" "+channel+" "+chatID, func() (struct{}, error) {
		return struct{}{}, d.inner.Subscribe(ctx, code, channel, chatID)
	})
	return err
}

type afterSaveUnanswered struct{ inner UnansweredStore }

func (u afterSaveUnanswered) RecordUnanswered(ctx context.Context, channel, text string, at time.Time) error {
	return deferEffect(ctx, func(ctx context.Context) error { return u.inner.RecordUnanswered(ctx, channel, text, at) })
}

type onceInbox struct{ inner InboxSource }

func (i onceInbox) Inbox(ctx context.Context, channel, chatID string) ([]InboxItem, error) {
	p, ok := i.inner.(InboxPeeker)
	if !ok || effectsFrom(ctx) == nil {
		return once(ctx, "inbox "+channel+" "+chatID, func() ([]InboxItem, error) { return i.inner.Inbox(ctx, channel, chatID) })
	}
	items, err := once(ctx, "peek "+channel+" "+chatID, func() ([]InboxItem, error) { return p.PeekInbox(ctx, channel, chatID) })
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if len(ids) > 0 {
		_ = deferEffect(ctx, func(ctx context.Context) error { return p.AckInbox(ctx, ids) })
	}
	return items, err
}
