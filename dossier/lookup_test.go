package dossier

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
)

type memGuards struct {
	mu sync.Mutex
	n  map[string]int64
	at map[string]time.Time
}

func newMemGuards() *memGuards {
	return &memGuards{n: map[string]int64{}, at: map[string]time.Time{}}
}

func (g *memGuards) Incr(_ context.Context, key string, ttl time.Duration, now time.Time) (int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.at[key].After(now) {
		g.n[key], g.at[key] = 0, now.Add(ttl)
	}
	g.n[key]++
	return g.n[key], nil
}

func (g *memGuards) Count(_ context.Context, key string, now time.Time) (int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.at[key].After(now) {
		return 0, nil
	}
	return g.n[key], nil
}

func (g *memGuards) Set(_ context.Context, key string, ttl time.Duration, now time.Time) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n[key], g.at[key] = 1, now.Add(ttl)
	return nil
}

type memRepo struct{ d Dossier }

func (r memRepo) Get(_ context.Context, code string) (Dossier, error) {
	if code != r.d.Code {
		return Dossier{}, fmt.Errorf("no %s: %w", code, bot.ErrNotFound)
	}
	return r.d, nil
}

func (memRepo) Import(context.Context, []Dossier, time.Time, func(Dossier) error) (ImportStats, error) {
	return ImportStats{}, nil
}
func (memRepo) AddSubscriber(context.Context, string, Subscriber) error { return nil }

type memAudit struct{ recs []AuditRecord }

func (a *memAudit) Audit(_ context.Context, r AuditRecord) error {
	a.recs = append(a.recs, r)
	return nil
}

func (a *memAudit) count(outcome string) int {
	n := 0
	for _, r := range a.recs {
		if r.Outcome == outcome {
			n++
		}
	}
	return n
}

func TestLookupLocksTheRequesterNotTheCode(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	audit := &memAudit{}
	s := &Service{Repo: memRepo{Dossier{Code: "H57.22-241022-0015", ApplicantPhone: "0987654321", Status: "processing"}},
		Guards: newMemGuards(), Audit: audit, Now: func() time.Time { return now }}
	ctx := context.Background()
	q := func(chat, ip, digits string) error {
		_, err := s.Lookup(ctx, bot.DossierQuery{Code: "h57.22-241022-0015", Phone4: digits, Channel: bot.ChannelWeb, ChatID: chat, ClientIP: ip})
		return err
	}
	for i := 0; i < MaxWrongTries; i++ {
		if err := q("attacker", "198.51.100.1", fmt.Sprintf("%04d", i)); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("wrong try %d: %v", i+1, err)
		}
	}
	if err := q("attacker", "198.51.100.1", "4321"); !errors.Is(err, bot.ErrRateLimited) {
		t.Fatalf("attacker after %d failures: %v, want locked out", MaxWrongTries, err)
	}
	if err := q("attacker-new-session", "198.51.100.1", "4321"); !errors.Is(err, bot.ErrRateLimited) {
		t.Fatalf("attacker's address with a new session: %v, want locked out", err)
	}
	if err := q("citizen", "203.0.113.9", "4321"); err != nil {
		t.Fatalf("the citizen is locked out by the attacker: %v", err)
	}
	if err := q("telegram-citizen", "", "4321"); err != nil {
		t.Fatalf("a chat without an address: %v", err)
	}
	if n := audit.count("lockout"); n != 2 {
		t.Fatalf("lockout audit records = %d, want 2 (chat and address)", n)
	}
	if audit.count("alert_many_requesters") != 0 {
		t.Fatal("alert after one requester")
	}

	// Failures from many chats on one code alert staff, once.
	for i := 0; i < AlertRequesters+3; i++ {
		_ = q(fmt.Sprintf("bot-%d", i), fmt.Sprintf("192.0.2.%d", i), "0000")
	}
	if n := audit.count("alert_many_requesters"); n != 1 {
		t.Fatalf("alerts = %d, want 1", n)
	}
	for _, r := range audit.recs {
		if r.Requester == "" || r.Requester == "attacker" {
			t.Fatalf("audit record without a hashed requester: %+v", r)
		}
	}
	// The lock lasts LockDuration.
	now = now.Add(LockDuration + time.Minute)
	if err := q("attacker", "198.51.100.1", "4321"); err != nil {
		t.Fatalf("after the lock expired: %v", err)
	}
}

func TestLookupBudgetPerAddress(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s := &Service{Repo: memRepo{Dossier{Code: "X", ApplicantPhone: "0987654321"}}, Guards: newMemGuards(), Now: func() time.Time { return now }}
	var err error
	for i := 0; i <= MaxLookupsPerIPPerHour; i++ {
		_, err = s.Lookup(context.Background(), bot.DossierQuery{Code: fmt.Sprintf("C%d", i), Phone4: "1111", Channel: bot.ChannelWeb, ChatID: fmt.Sprintf("s%d", i), ClientIP: "198.51.100.2"})
	}
	if !errors.Is(err, bot.ErrRateLimited) {
		t.Fatalf("lookup %d from one address with rotating sessions: %v, want rate limited", MaxLookupsPerIPPerHour+1, err)
	}
}
