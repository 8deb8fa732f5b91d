package channel

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// ErrPermanent is wrapped by send errors that retrying cannot fix (a malformed
// request, an unknown recipient).
var ErrPermanent = errors.New("channel: request refused")

// APIError is a platform's error answer, classified by the platform's client.
type APIError struct {
	Platform   string
	Status     int    // HTTP status
	Code       int    // the platform's error code
	Message    string // the platform's description
	Retry      bool   // a transient failure: trying again may succeed
	RetryAfter time.Duration
	Kind       error // ErrBlocked, ErrWindowClosed, ErrPermanent, ErrTokenExpired or nil
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s: HTTP %d, error %d: %s", e.Platform, e.Status, e.Code, e.Message)
}

// Is makes errors.Is(err, e.Kind) true.
func (e *APIError) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// ErrTokenExpired is wrapped by errors of an expired or revoked access token.
var ErrTokenExpired = errors.New("channel: access token expired or invalid")

// RetryPolicy bounds retries of platform calls.
type RetryPolicy struct {
	MaxAttempts   int           // calls per request, including the first; default 4
	Base          time.Duration // first backoff after a transient error; default 500ms, doubled each time
	MaxDelay      time.Duration // longest backoff; default 5s
	MaxRetryAfter time.Duration // a rate limit asking to wait longer is not waited; default 60s
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.Base <= 0 {
		p.Base = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 5 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = time.Minute
	}
	return p
}

// Do runs call until it succeeds or the policy gives up: an *APIError retries
// when its Retry is set (waiting RetryAfter when given, bounded by
// MaxRetryAfter, else backing off exponentially with jitter); other errors
// (network failures) back off and retry, except context errors.
func (p RetryPolicy) Do(ctx context.Context, call func(ctx context.Context) error) error {
	p = p.withDefaults()
	var last error
	n := 0
	for n < p.MaxAttempts {
		n++
		err := call(ctx)
		if err == nil {
			return nil
		}
		last = err
		wait, retry := p.classify(err, n-1)
		if !retry || n >= p.MaxAttempts {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (gave up waiting: %w)", last, ctx.Err())
		case <-t.C:
		}
	}
	if n > 1 {
		return fmt.Errorf("after %d attempts: %w", n, last)
	}
	return last
}

func (p RetryPolicy) classify(err error, attempt int) (time.Duration, bool) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, false
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		return p.backoff(attempt), true
	}
	if !ae.Retry {
		return 0, false
	}
	if ae.RetryAfter > 0 {
		return ae.RetryAfter, ae.RetryAfter <= p.MaxRetryAfter
	}
	return p.backoff(attempt), true
}

func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.Base << attempt
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}
