package source

import (
	"sync"
	"time"
)

// State of a circuit breaker.
type State int

const (
	Closed   State = iota // requests go through
	HalfOpen              // one probe goes through; its result closes or reopens
	Open                  // requests fail at once
)

func (s State) String() string {
	switch s {
	case HalfOpen:
		return "half-open"
	case Open:
		return "open"
	}
	return "closed"
}

// Result of a request, as the breaker counts it.
type Outcome int

const (
	Success Outcome = iota // the source answered (a dossier, "not found", even an answer the mapping rejects)
	Failure                // down, slow, 5xx, unreadable
	Ignore                 // the caller gave up; says nothing about the source
)

// Breaker is a consecutive-failure circuit breaker: Failures failures in a
// row open it; after Cooldown one probe is let through (half-open); the
// probe's success closes it, its failure opens it again. Safe for concurrent
// use.
type Breaker struct {
	Failures int
	Cooldown time.Duration
	Now      func() time.Time // default time.Now
	OnChange func(State)      // called (under the breaker's lock) on every change

	mu       sync.Mutex
	state    State
	fails    int
	openedAt time.Time
	probing  bool
}

func (b *Breaker) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// State is the breaker's state now (an open breaker past its cooldown reads
// half-open).
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == Open && b.now().Sub(b.openedAt) >= b.Cooldown {
		return HalfOpen
	}
	return b.state
}

// Allow reports whether a request may go; when it may, done must be called
// with the request's outcome.
func (b *Breaker) Allow() (done func(Outcome), ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case Open:
		if b.now().Sub(b.openedAt) < b.Cooldown {
			return nil, false
		}
		b.set(HalfOpen)
		fallthrough
	case HalfOpen:
		if b.probing {
			return nil, false
		}
		b.probing = true
		return b.finish(true), true
	}
	return b.finish(false), true
}

func (b *Breaker) finish(probe bool) func(Outcome) {
	var once sync.Once
	return func(o Outcome) {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			if probe {
				b.probing = false
			}
			switch o {
			case Success:
				b.fails = 0
				if b.state != Closed && (probe || b.state == HalfOpen) {
					b.set(Closed)
				}
			case Failure:
				b.fails++
				if probe || (b.state == Closed && b.fails >= max(b.Failures, 1)) {
					b.openedAt = b.now()
					b.set(Open)
				}
			}
		})
	}
}

func (b *Breaker) set(s State) {
	if b.state == s {
		return
	}
	b.state = s
	if b.OnChange != nil {
		b.OnChange(s)
	}
}
