package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

var (
	// errBusy: the chat's queue is full; Telegram should deliver the update again.
	errBusy = errors.New("telegram: update queue full")
	// errClosed: the service is shutting down and takes no more updates.
	errClosed = errors.New("telegram: shutting down")
)

// outcome of offering an update.
type outcome int

const (
	accepted  outcome = iota // claimed and queued: it will be handled
	duplicate                // claimed before: a redelivery, dropped
	ignored                  // needs no work: acknowledged, not stored
)

// job is one claimed update waiting for its chat's worker.
type job struct {
	id     int64
	chat   int64
	update Update
	raw    []byte // kept to park the update if the process stops first
}

// queue is one worker's bounded FIFO. slots counts updates reserved or queued,
// so a place is known to exist before an update is claimed.
type queue struct {
	items chan job
	slots chan struct{}
}

func (s *Service) queueFor(chat int64) *queue {
	h := uint64(chat) * 0x9E3779B97F4A7C15 // spread neighbouring ids
	return s.queues[(h>>32)%uint64(len(s.queues))]
}

// accept claims and queues u. It reserves a place in the chat's queue before
// claiming, so an update is never claimed and then dropped: on errBusy or
// errClosed nothing was claimed and Telegram's redelivery will be handled. A store
// error also leaves the update unqueued (and most likely unclaimed).
func (s *Service) accept(ctx context.Context, u Update, raw []byte) (outcome, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, errClosed
	}
	chat, needed := u.routeKey()
	if !needed {
		return ignored, nil
	}
	q := s.queueFor(chat)
	select {
	case q.slots <- struct{}{}:
	default:
		return 0, errBusy
	}
	// The claim must not be cut short by the caller going away after it was written.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ok, err := s.cfg.Store.Claim(cctx, u.UpdateID, s.cfg.Now())
	if err != nil || !ok {
		<-q.slots
		if err != nil {
			return 0, err
		}
		return duplicate, nil
	}
	q.items <- job{id: u.UpdateID, chat: chat, update: u, raw: raw} // a slot is held: never blocks
	return accepted, nil
}

func (s *Service) work(q *queue) {
	defer s.wg.Done()
	for {
		select {
		case <-s.abort:
			return
		default:
		}
		select {
		case j, ok := <-q.items:
			if !ok {
				return
			}
			if err := s.process(j); err != nil && s.procCtx.Err() != nil {
				s.park(j) // cut by the shutdown deadline: the next process redoes it
			}
			<-q.slots
		case <-s.abort:
			return
		}
	}
}

// Close stops taking updates (the webhook answers 503 so Telegram keeps them)
// and lets the workers finish every queued update within ctx's deadline. A
// little before the deadline it parks in the store whatever is still queued, and
// at the deadline it cuts the updates still being handled and parks those too, for
// the next process to handle (see Start); an update cut halfway may thus be
// answered twice, never lost. The error reports updates that could not be parked.
// Close is safe to call more than once.
func (s *Service) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	defer s.cancelProc()
	for _, q := range s.queues {
		close(q.items)
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()

	soft := time.NewTimer(softDeadline(ctx))
	defer soft.Stop()
	select {
	case <-done:
	case <-soft.C:
		s.stopAndPark(ctx, done)
	case <-ctx.Done():
		s.stopAndPark(ctx, done)
	}
	s.cancelProc()
	s.bg.Wait()
	if n := s.lost.Load(); n > 0 {
		return fmt.Errorf("telegram: %d accepted update(s) could not be parked at shutdown (%d parked)", n, s.parked.Load())
	}
	return nil
}

// stopAndPark stops the workers taking updates, parks the queued ones and, at
// ctx's deadline, cuts those being handled (the workers park them).
func (s *Service) stopAndPark(ctx context.Context, done <-chan struct{}) {
	close(s.abort)
	for _, q := range s.queues {
		for j := range q.items {
			s.park(j)
		}
	}
	select {
	case <-done:
	case <-ctx.Done():
		s.cancelProc()
		<-done
	}
	s.log.Warn("telegram shutdown deadline reached", "parked", s.parked.Load(), "lost", s.lost.Load())
}

// softDeadline leaves a fifth of the time left (at most 2s) to park updates.
func softDeadline(ctx context.Context) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return 24 * time.Hour
	}
	left := time.Until(dl)
	reserve := min(left/5, 2*time.Second)
	return max(left-reserve, 0)
}

// park keeps an accepted update in the store for the next process.
func (s *Service) park(j job) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	raw := j.raw
	if raw == nil {
		raw, _ = json.Marshal(j.update)
	}
	if err := s.cfg.Store.Park(ctx, j.id, raw); err != nil {
		s.lost.Add(1)
		s.log.Error("telegram update lost at shutdown", "update_id", j.id, "err", err)
		return
	}
	s.parked.Add(1)
}

// recoverParked queues the updates a previous process parked.
func (s *Service) recoverParked(ctx context.Context) {
	for ctx.Err() == nil {
		raws, err := s.cfg.Store.TakeParked(ctx, 200)
		if err != nil {
			s.log.Warn("take parked telegram updates", "err", err)
			return
		}
		if len(raws) == 0 {
			return
		}
		s.log.Info("handling telegram updates parked at the last shutdown", "count", len(raws))
		for i, raw := range raws {
			u, err := DecodeUpdate(raw)
			if err != nil {
				s.log.Error("parked telegram update unreadable", "err", err)
				continue
			}
			if err := s.requeue(ctx, u, raw); err != nil {
				s.repark(raws[i:])
				return
			}
		}
	}
}

// repark parks updates taken for recovery that could not be queued.
func (s *Service) repark(raws [][]byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, raw := range raws {
		u, err := DecodeUpdate(raw)
		if err != nil {
			continue
		}
		if err := s.cfg.Store.Park(ctx, u.UpdateID, raw); err != nil {
			s.log.Error("telegram update lost", "update_id", u.UpdateID, "err", err)
		}
	}
}

// requeue queues an already claimed update, waiting for room.
func (s *Service) requeue(ctx context.Context, u Update, raw []byte) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	chat, needed := u.routeKey()
	if !needed {
		return nil
	}
	q := s.queueFor(chat)
	select {
	case q.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	q.items <- job{id: u.UpdateID, chat: chat, update: u, raw: raw}
	return nil
}
