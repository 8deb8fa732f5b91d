package telegram

import (
	"context"
	"encoding/json"
	"errors"
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
	accepted  outcome = iota // stored and queued: it will be handled
	duplicate                // stored before: a redelivery, dropped
	ignored                  // needs no work: acknowledged, not stored
)

// job is one stored update waiting for its chat's worker.
type job struct {
	id     int64
	chat   int64
	update Update
	raw    []byte
}

// queue is one worker's bounded FIFO. slots counts updates reserved or queued,
// so a place is known to exist before an update is stored.
type queue struct {
	items chan job
	slots chan struct{}
}

func (s *Service) queueFor(chat int64) *queue {
	h := uint64(chat) * 0x9E3779B97F4A7C15 // spread neighbouring ids
	return s.queues[(h>>32)%uint64(len(s.queues))]
}

// accept stores u with its payload and queues it. It reserves a place in the
// chat's queue before storing, so an update is never stored and then dropped:
// on errBusy or errClosed nothing was stored and Telegram's redelivery will be
// handled. A store error also leaves the update unqueued (and most likely
// unstored). While Start hands over the updates a previous process left
// unfinished, accept answers errBusy so that each chat's updates stay in order.
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
	if s.recovering.Load() {
		return 0, errBusy
	}
	q := s.queueFor(chat)
	select {
	case q.slots <- struct{}{}:
	default:
		return 0, errBusy
	}
	if raw == nil {
		raw, _ = json.Marshal(u)
	}
	// The write must not be cut short by the caller going away after it was made.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	stored, done, err := s.cfg.Store.Accept(cctx, u.UpdateID, chat, raw, s.cfg.Now())
	if err != nil || !stored {
		<-q.slots
		if err != nil {
			return 0, err
		}
		if done {
			s.log.Debug("telegram update already answered; ignored", "update_id", u.UpdateID)
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
				s.left.Add(1) // cut by the shutdown deadline: unfinished, the next start redoes it
			} else {
				s.markDone(j)
			}
			<-q.slots
		case <-s.abort:
			return
		}
	}
}

// markDone records that j was handled. If that fails the update stays
// unfinished and the next start answers it again: twice rather than never.
func (s *Service) markDone(j job) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.cfg.Store.Done(ctx, j.id, s.cfg.Now()); err != nil {
		s.log.Error("telegram update handled but not marked done; it may be answered again after a restart", "update_id", j.id, "err", err)
	}
}

// Close stops taking updates (the webhook answers 503 so Telegram keeps them)
// and lets the workers finish every queued update within ctx's deadline. A
// little before the deadline it stops the workers taking queued updates, and at
// the deadline it cuts the updates still being handled. Every update accepted
// is in the store, so what is not finished stays there for the next start (see
// Start); an update cut halfway may thus be answered twice, never lost. Close
// is safe to call more than once.
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
		s.stopEarly(ctx, done)
	case <-ctx.Done():
		s.stopEarly(ctx, done)
	}
	s.cancelProc()
	s.bg.Wait()
	return nil
}

// stopEarly stops the workers taking updates, leaves the queued ones in the
// store and, at ctx's deadline, cuts those being handled.
func (s *Service) stopEarly(ctx context.Context, done <-chan struct{}) {
	close(s.abort)
	for _, q := range s.queues {
		for range q.items {
			s.left.Add(1)
		}
	}
	select {
	case <-done:
	case <-ctx.Done():
		s.cancelProc()
		<-done
	}
	s.log.Warn("telegram shutdown deadline reached; unfinished updates are handled at the next start", "unfinished", s.left.Load())
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

// beginRecovery loads, at Start, the updates a previous process accepted and
// did not finish (it stopped or was killed). When there are none the webhook
// accepts at once; otherwise it answers 503 until recoverUnfinished has queued
// them, so that each chat's updates stay in order.
func (s *Service) beginRecovery() pendingRecovery {
	s.recovering.Store(true)
	ctx, cancel := context.WithTimeout(s.procCtx, 5*time.Second)
	defer cancel()
	raws, err := s.cfg.Store.Unfinished(ctx, s.recoverBefore())
	if err != nil {
		s.log.Warn("load unfinished telegram updates; retrying in the background", "err", err)
		return pendingRecovery{}
	}
	if len(raws) == 0 {
		s.recovering.Store(false)
	}
	return pendingRecovery{raws: raws, loaded: true}
}

// recoverBefore: with one owner everything stored so far is its own.
func (s *Service) recoverBefore() time.Time {
	if s.cfg.RecoverAfter > 0 {
		return s.cfg.Now().Add(-s.cfg.RecoverAfter)
	}
	return s.cfg.Now().Add(time.Minute)
}

// recoverUnfinished queues, in update_id order, what beginRecovery found (or,
// when the store failed then, loads it, retrying), then lets the webhook accept
// again.
func (s *Service) recoverUnfinished(ctx context.Context, p pendingRecovery) {
	defer s.recovering.Store(false)
	pause := 100 * time.Millisecond
	for !p.loaded {
		if !sleep(ctx, pause) {
			return
		}
		raws, err := s.cfg.Store.Unfinished(ctx, s.recoverBefore())
		if err != nil {
			s.log.Warn("load unfinished telegram updates; retrying", "err", err, "in", pause)
			pause = min(pause*2, 5*time.Second)
			continue
		}
		p = pendingRecovery{raws: raws, loaded: true}
	}
	if len(p.raws) == 0 {
		return
	}
	s.log.Info("handling telegram updates accepted before the last stop", "count", len(p.raws))
	for _, raw := range p.raws {
		u, err := DecodeUpdate(raw)
		if err != nil {
			s.log.Error("unfinished telegram update unreadable; skipped", "err", err)
			continue
		}
		if err := s.requeue(ctx, u, raw); err != nil {
			return // closing: what is left stays unfinished in the store
		}
	}
}

// requeue queues an already stored update, waiting for room.
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
