package dossier

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dvcbot/dvcbot/bot"
)

// OriginSource marks a stored dossier that is a copy of the province's
// system's answer (see Dossier.Origin).
const OriginSource = "source"

// Source is the province's own dossier system (package dossier/source is the
// HTTP implementation).
type Source interface {
	// Fetch asks for one dossier by normalized code. It returns the dossier
	// mapped to the contract (Origin OriginSource; the phone may be masked or
	// only its last 4 digits, always ending in the 4 digits citizens verify), an
	// error wrapping bot.ErrNotFound when the source says there is no such
	// dossier, or an error wrapping bot.ErrDossierUnavailable when it cannot
	// answer now (down, too slow, circuit breaker open, an unreadable answer).
	Fetch(ctx context.Context, code string) (Dossier, error)
}

// Downer is implemented by sources that know they would fail at once (a
// circuit breaker open).
type Downer interface {
	// Down reports whether Fetch(code) would fail now without asking anyone.
	Down(code string) bool
}

// DefaultCacheTTL is how long a source's answer is reused by default.
const DefaultCacheTTL = 5 * time.Minute

// CachedSource reuses a source's answers for a short time: a dossier for TTL,
// "no such dossier" for NotFoundTTL. Failures are never cached (the source's
// circuit breaker deals with them). Safe for concurrent use.
type CachedSource struct {
	Source      Source
	TTL         time.Duration    // 0 disables the cache
	NotFoundTTL time.Duration    // default min(TTL, 1 minute)
	Max         int              // entries kept at most (default 10,000)
	Now         func() time.Time // default time.Now

	mu sync.Mutex
	m  map[string]cacheEntry
}

type cacheEntry struct {
	d        Dossier
	notFound bool
	until    time.Time
}

var _ Source = (*CachedSource)(nil)

func (c *CachedSource) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Fetch answers from the cache while the entry is fresh, else from the source.
func (c *CachedSource) Fetch(ctx context.Context, code string) (Dossier, error) {
	if c.TTL > 0 {
		c.mu.Lock()
		e, ok := c.m[code]
		c.mu.Unlock()
		if ok && c.now().Before(e.until) {
			if e.notFound {
				return Dossier{}, errNotAtSource
			}
			return e.d, nil
		}
	}
	return c.fetch(ctx, code)
}

// Down reports whether Fetch(code) would fail at once: no fresh answer is
// kept and the source is down.
func (c *CachedSource) Down(code string) bool {
	d, ok := c.Source.(Downer)
	if !ok || !d.Down(code) {
		return false
	}
	if c.TTL > 0 {
		c.mu.Lock()
		e, ok := c.m[code]
		c.mu.Unlock()
		if ok && c.now().Before(e.until) {
			return false
		}
	}
	return true
}

// Fresh is the source read past the cache, its answers still kept in the
// cache (the notification re-check uses it).
func (c *CachedSource) Fresh() Source { return freshSource{c} }

type freshSource struct{ c *CachedSource }

func (f freshSource) Fetch(ctx context.Context, code string) (Dossier, error) {
	return f.c.fetch(ctx, code)
}

var errNotAtSource = errorString("dossier source: no such dossier")

type errorString string

func (e errorString) Error() string { return string(e) }
func (e errorString) Unwrap() error { return bot.ErrNotFound }

func (c *CachedSource) fetch(ctx context.Context, code string) (Dossier, error) {
	d, err := c.Source.Fetch(ctx, code)
	if c.TTL <= 0 {
		return d, err
	}
	notFound := errors.Is(err, bot.ErrNotFound)
	if err != nil && !notFound {
		return d, err
	}
	ttl := c.TTL
	if notFound {
		ttl = c.NotFoundTTL
		if ttl <= 0 {
			ttl = min(c.TTL, time.Minute)
		}
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cacheEntry{}
	}
	if max := c.maxEntries(); len(c.m) >= max {
		for k, e := range c.m { // drop the expired, then whatever comes first
			if !now.Before(e.until) || len(c.m) >= max {
				delete(c.m, k)
			}
		}
	}
	c.m[code] = cacheEntry{d: d, notFound: notFound, until: now.Add(ttl)}
	return d, err
}

func (c *CachedSource) maxEntries() int {
	if c.Max > 0 {
		return c.Max
	}
	return 10000
}

// Forget drops code from the cache.
func (c *CachedSource) Forget(code string) {
	c.mu.Lock()
	delete(c.m, code)
	c.mu.Unlock()
}

// find returns the dossier a lookup answers from: the store's own (imported)
// record first, else the source's answer. A stored copy of the source's
// answer (kept for subscribers) is not answered from: the source is asked,
// and a change it reports is written to the copy and notified.
func (s *Service) find(ctx context.Context, code string) (Dossier, error) {
	local, err := s.Repo.Get(ctx, code)
	switch {
	case err != nil && !errors.Is(err, bot.ErrNotFound):
		return Dossier{}, err
	case s.Source == nil:
		return local, err
	case err == nil && local.Origin != OriginSource:
		return local, nil
	}
	d, ferr := s.Source.Fetch(ctx, code)
	if ferr != nil {
		return Dossier{}, ferr
	}
	if err == nil { // a subscribed copy: keep it in step
		if _, aerr := s.absorb(ctx, d); aerr != nil && s.Log != nil {
			s.Log.WarnContext(ctx, "dossier: update the stored copy of the source's answer", "code_hash", CodeHash(code), "err", aerr)
		}
	}
	return d, nil
}

// sourceDown reports whether a lookup of code would need the source and the
// source would fail at once.
func (s *Service) sourceDown(ctx context.Context, code string) bool {
	d, ok := s.Source.(Downer)
	if !ok || !d.Down(code) {
		return false
	}
	local, err := s.Repo.Get(ctx, code)
	return errors.Is(err, bot.ErrNotFound) || err == nil && local.Origin == OriginSource
}

// keepSourceCopy stores the source's answer for code when the store has no
// record of it, so that subscribers can be attached and changes noticed.
func (s *Service) keepSourceCopy(ctx context.Context, code string) error {
	if s.Source == nil {
		return nil
	}
	_, err := s.Repo.Get(ctx, code)
	if !errors.Is(err, bot.ErrNotFound) {
		return err
	}
	d, err := s.Source.Fetch(ctx, code)
	if err != nil {
		return err
	}
	_, err = s.absorb(ctx, d)
	return err
}

// absorb writes a source's answer over the stored copy (creating it when
// absent); a status change queues one notification per subscriber first. It
// reports whether the status changed.
func (s *Service) absorb(ctx context.Context, d Dossier) (bool, error) {
	d.Origin = OriginSource
	now := s.now()
	st, err := s.Repo.Import(ctx, []Dossier{d}, now, s.notifier(ctx, now))
	return st.StatusChanges > 0, err
}

// notifier is the beforeWrite hook of Repo.Import: it queues one notification
// per subscriber of a dossier whose status changed. The notification id names
// the change (code, history length, chat), so the same change is queued once
// however many times it is seen.
func (s *Service) notifier(ctx context.Context, now time.Time) func(Dossier) error {
	return func(d Dossier) error {
		if s.Outbox == nil {
			return nil
		}
		for _, sub := range d.Subscribers {
			n := Notification{
				ID:      fmt.Sprintf("%s#%d#%s#%s", d.Code, len(d.History), sub.Channel, sub.ChatID),
				Channel: sub.Channel, ChatID: sub.ChatID,
				Text: "🔔 Hồ sơ của bạn vừa thay đổi trạng thái.\n\n" + bot.RenderDossier(View(d, now)),
			}
			if err := s.Outbox.Enqueue(ctx, n, now); err != nil {
				return err
			}
		}
		return nil
	}
}
