package dossier

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// SubscribedLister lists what the notification re-check visits.
type SubscribedLister interface {
	// SourceSubscribed returns the codes of stored copies of the source's
	// answers (Origin OriginSource) that have subscribers and are not closed
	// (returned, rejected, cancelled).
	SourceSubscribed(ctx context.Context) ([]string, error)
}

// Clock is time for the re-check; tests pass a fake one.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends (then it returns ctx's error).
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

func (RealClock) Now() time.Time { return time.Now() }

func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Bucket is a token bucket: Wait returns at most Burst times at once and then
// once every 1/Rate seconds, so that in any span T at most Burst + Rate·T calls
// pass.
type Bucket struct {
	Rate  float64 // tokens per second (> 0)
	Burst float64 // at least 1
	Clock Clock

	tokens float64
	last   time.Time
	init   bool
}

// Wait takes one token, sleeping until one is there.
func (b *Bucket) Wait(ctx context.Context) error {
	burst := max(b.Burst, 1)
	now := b.Clock.Now()
	if !b.init {
		b.tokens, b.last, b.init = burst, now, true
	}
	if now.After(b.last) {
		b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*b.Rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return nil
	}
	wait := time.Duration((1 - b.tokens) / b.Rate * float64(time.Second))
	if err := b.Clock.Sleep(ctx, wait); err != nil {
		return err
	}
	b.tokens, b.last = 0, b.last.Add(wait)
	return nil
}

// Defaults of the notification re-check.
const (
	DefaultRecheckInterval = 15 * time.Minute
	DefaultRecheckRate     = 2.0 // source requests per second
	// recheckGiveUp consecutive unavailable answers end a round early (the
	// source is down; the next round starts where this one stopped).
	recheckGiveUp = 5
)

// Rechecker asks the source again, on a schedule and at a bounded rate, for
// every subscribed dossier copied from it; a status change is written to the
// stored copy and goes to the subscribers through the outbox exactly once
// (Service.absorb). An outage ends a round early without touching anything;
// the next round resumes where it stopped.
type Rechecker struct {
	Service  *Service // writes changes and queues notifications
	Source   Source   // fresh answers (CachedSource.Fresh)
	List     SubscribedLister
	Rate     float64       // source requests per second; DefaultRecheckRate when 0
	Interval time.Duration // between the starts of two rounds; DefaultRecheckInterval when 0
	// RetryAfter is the pause after a round ended by an outage (default 1 minute,
	// at most Interval).
	RetryAfter time.Duration
	Clock      Clock // RealClock when nil
	Log        *slog.Logger

	mu     sync.Mutex
	cursor string // the last code asked; the next round starts after it
	bucket *Bucket
	cancel context.CancelFunc
	done   chan struct{}
}

// RoundStats says what one round did.
type RoundStats struct {
	Codes, Checked, Changed, NotFound, Unavailable int
	Stopped                                        bool // ended early by an outage
}

func (r *Rechecker) clock() Clock {
	if r.Clock != nil {
		return r.Clock
	}
	return RealClock{}
}

func (r *Rechecker) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Round re-checks every listed code once, paced by the rate (the pace holds
// across rounds).
func (r *Rechecker) Round(ctx context.Context) (RoundStats, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var st RoundStats
	codes, err := r.List.SourceSubscribed(ctx)
	if err != nil {
		return st, err
	}
	sort.Strings(codes)
	st.Codes = len(codes)
	// Start after the code the previous round ended with.
	i := sort.SearchStrings(codes, r.cursor)
	if i < len(codes) && codes[i] == r.cursor {
		i++
	}
	codes = append(codes[i:len(codes):len(codes)], codes[:i]...)
	if r.bucket == nil {
		rate := r.Rate
		if rate <= 0 {
			rate = DefaultRecheckRate
		}
		r.bucket = &Bucket{Rate: rate, Burst: 1, Clock: r.clock()}
	}
	failedInARow := 0
	for _, code := range codes {
		if err := r.bucket.Wait(ctx); err != nil {
			return st, err
		}
		d, err := r.Source.Fetch(ctx, code)
		switch {
		case errors.Is(err, bot.ErrDossierUnavailable):
			if ctx.Err() != nil {
				return st, ctx.Err()
			}
			st.Unavailable++
			obs.DossierRechecks.WithLabelValues("unavailable").Inc()
			failedInARow++
			if failedInARow >= recheckGiveUp {
				st.Stopped = true
				r.log().WarnContext(ctx, "dossier re-check stopped: the source is unavailable", "checked", st.Checked, "codes", st.Codes, "err", err)
				return st, nil
			}
			continue
		case errors.Is(err, bot.ErrNotFound):
			// The copy stays as it was; nothing is notified.
			st.NotFound++
			obs.DossierRechecks.WithLabelValues("not_found").Inc()
			r.log().WarnContext(ctx, "dossier re-check: the source no longer knows a subscribed dossier", "code_hash", CodeHash(code))
		case err != nil:
			return st, err
		default:
			changed, err := r.Service.absorb(ctx, d)
			if err != nil {
				return st, err
			}
			outcome := "unchanged"
			if changed {
				st.Changed++
				outcome = "changed"
			}
			obs.DossierRechecks.WithLabelValues(outcome).Inc()
		}
		failedInARow = 0
		st.Checked++
		r.cursor = code
	}
	return st, nil
}

// Start runs rounds until Stop: one every Interval, or RetryAfter after a
// round an outage ended.
func (r *Rechecker) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go func() {
		defer close(r.done)
		r.Run(ctx)
	}()
}

// Stop ends the loop and waits for it.
func (r *Rechecker) Stop(context.Context) error {
	if r.cancel != nil {
		r.cancel()
		<-r.done
		r.cancel = nil
	}
	return nil
}

// Run runs rounds until ctx ends.
func (r *Rechecker) Run(ctx context.Context) {
	interval := r.Interval
	if interval <= 0 {
		interval = DefaultRecheckInterval
	}
	retry := r.RetryAfter
	if retry <= 0 {
		retry = time.Minute
	}
	retry = min(retry, interval)
	c := r.clock()
	for ctx.Err() == nil {
		start := c.Now()
		st, err := r.Round(ctx)
		if err != nil && ctx.Err() == nil {
			r.log().WarnContext(ctx, "dossier re-check", "err", err)
		}
		if st.Codes > 0 {
			r.log().DebugContext(ctx, "dossier re-check round", "codes", st.Codes, "checked", st.Checked, "changed", st.Changed, "unavailable", st.Unavailable, "stopped", st.Stopped)
		}
		wait := interval - c.Now().Sub(start)
		if st.Stopped || err != nil {
			wait = retry
		}
		if c.Sleep(ctx, wait) != nil {
			return
		}
	}
}
