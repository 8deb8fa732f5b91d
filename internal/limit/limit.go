// Package limit is an in-process rate limiter keyed by client (IP, session,
// chat): a token bucket per key holding up to N turns and refilled at N per
// minute, so a burst of N is allowed and then one turn every 60/N seconds.
// It imports nothing of the project.
package limit

import (
	"math"
	"sync"
	"time"
)

// Limiter limits each key to n events per period. A nil *Limiter, or one
// made with n <= 0, allows everything.
type Limiter struct {
	n      float64
	rate   float64 // tokens per second
	period time.Duration
	mu     sync.Mutex
	keys   map[string]*bucket
	swept  time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter of n events per minute per key; nil when n <= 0.
func New(n int) *Limiter { return NewPer(n, time.Minute) }

// NewPer returns a limiter of n events per period per key; nil when n <= 0.
func NewPer(n int, period time.Duration) *Limiter {
	if n <= 0 || period <= 0 {
		return nil
	}
	return &Limiter{n: float64(n), rate: float64(n) / period.Seconds(), period: period, keys: map[string]*bucket{}}
}

// Allow takes one event for key at now. When the key is over its limit it
// returns false and how long until the next event would be allowed.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.keys[key]
	if b == nil {
		b = &bucket{tokens: l.n, at: now}
		l.keys[key] = b
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = math.Min(l.n, b.tokens+el*l.rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep forgets keys whose bucket has refilled, at most once a period, so that
// memory follows the clients active in the last period.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.period && len(l.keys) < 100_000 {
		return
	}
	l.swept = now
	for k, b := range l.keys {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.n {
			delete(l.keys, k)
		}
	}
}

// Len is the number of keys remembered (for tests).
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// RetryAfterSeconds rounds d up to whole seconds, at least 1, for a
// Retry-After header.
func RetryAfterSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return s
}
