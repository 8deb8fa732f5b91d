package handoff

import (
	"context"
	"sort"
	"time"
)

// EstimateInput is what the waiting-time estimate knows at one moment.
type EstimateInput struct {
	Ahead int // conversations waiting before this one (same queue or the general one)
	// Agents is how many officers are working now: those who claimed, replied
	// or closed something in the last AgentWindow (at least one is assumed).
	Agents int
	// Busy is how many conversations officers hold now.
	Busy int
	// Handling is how long recent conversations were held, claim to close,
	// newest first.
	Handling []time.Duration
}

// Method constants of the estimate.
const (
	// AgentWindow: an officer who acted within it counts as working.
	AgentWindow = 30 * time.Minute
	// DefaultHandling is assumed until enough conversations were handled.
	DefaultHandling = 6 * time.Minute
	// handlingSample is how many recent conversations the estimate reads.
	handlingSample = 30
)

// Estimate predicts how long a citizen who has in.Ahead conversations before
// them waits for an officer. Officers are modelled as a pool of in.Agents
// servers, each conversation taking the median recent handling time H: every
// free officer takes one waiting conversation at once, busy ones free up
// after H/2 on average (the residual of a conversation in progress), then one
// conversation per H each. So with F free officers the wait is 0 while
// Ahead < F, and otherwise about H/2 + (Ahead−F)/Agents × H.
func Estimate(in EstimateInput) time.Duration {
	agents := in.Agents
	if agents < 1 {
		agents = 1
	}
	h := medianHandling(in.Handling)
	free := agents - in.Busy
	if free < 0 {
		free = 0
	}
	if in.Ahead < free {
		return 0
	}
	rounds := float64(in.Ahead-free) / float64(agents)
	return h/2 + time.Duration(rounds*float64(h))
}

func medianHandling(d []time.Duration) time.Duration {
	if len(d) > handlingSample {
		d = d[:handlingSample]
	}
	if len(d) < 3 {
		return DefaultHandling
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// estimateInput gathers the estimate's input for conversation c from the store.
func (s *Service) estimateInput(ctx context.Context, c Conversation, now time.Time) (EstimateInput, error) {
	var in EstimateInput
	waiting, err := s.Store.List(ctx, Filter{Status: StatusWaiting, Limit: 500})
	if err != nil {
		return in, err
	}
	for _, w := range waiting {
		if w.ID != c.ID && w.WaitingSince.Before(c.WaitingSince) {
			in.Ahead++
		}
	}
	active, err := s.Store.List(ctx, Filter{Status: StatusActive, Limit: 500})
	if err != nil {
		return in, err
	}
	agents := map[string]bool{}
	for _, a := range active {
		in.Busy++
		agents[a.Assignee] = true
	}
	recent, err := s.Store.List(ctx, Filter{Status: StatusClosed, Since: now.Add(-7 * 24 * time.Hour), Limit: 200})
	if err != nil {
		return in, err
	}
	sort.Slice(recent, func(i, j int) bool { return recent[i].ClosedAt.After(recent[j].ClosedAt) })
	for _, r := range recent {
		if r.ClaimedAt.IsZero() || r.ClosedBy == FromCitizen && r.AnsweredAt.IsZero() {
			continue // never handled by an officer
		}
		if now.Sub(r.ClosedAt) <= AgentWindow && r.ClosedBy != FromCitizen {
			agents[r.ClosedBy] = true
		}
		in.Handling = append(in.Handling, r.ClosedAt.Sub(r.ClaimedAt))
	}
	in.Agents = len(agents)
	return in, nil
}
