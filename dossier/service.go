package dossier

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dvcbot/dvcbot/bot"
)

// Repo stores dossiers.
type Repo interface {
	// Get returns a dossier by normalized code, or an error wrapping bot.ErrNotFound.
	Get(ctx context.Context, code string) (Dossier, error)
	// Import upserts valid dossiers: new codes are created, changed ones updated
	// (a status change is appended to the history), unchanged ones left alone. It
	// returns the dossiers whose status changed, as stored after the change.
	Import(ctx context.Context, ds []Dossier, now time.Time, beforeWrite func(changed Dossier) error) (ImportStats, error)
	// AddSubscriber adds a chat to a dossier's subscribers (idempotent).
	AddSubscriber(ctx context.Context, code string, s Subscriber) error
}

// ImportStats says what an import wrote.
type ImportStats struct {
	Created, Updated, Unchanged, StatusChanges int
}

// Guards are expiring counters and flags that hold across restarts and instances.
type Guards interface {
	// Incr adds one to key (starting a window of ttl when absent or expired) and
	// returns the new count.
	Incr(ctx context.Context, key string, ttl time.Duration, now time.Time) (int64, error)
	// Count returns key's count, 0 when absent or expired.
	Count(ctx context.Context, key string, now time.Time) (int64, error)
	// Set sets key to 1 for ttl.
	Set(ctx context.Context, key string, ttl time.Duration, now time.Time) error
}

// AuditRecord is one lookup attempt, kept for staff review.
type AuditRecord struct {
	At       time.Time `bson:"at" json:"at"`
	Channel  string    `bson:"channel" json:"channel"`
	CodeHash string    `bson:"code_hash" json:"code_hash"`
	Outcome  string    `bson:"outcome" json:"outcome"` // ok, not_found, wrong_digits, locked, rate_limited
}

// Auditor keeps audit records for a bounded time.
type Auditor interface {
	Audit(ctx context.Context, r AuditRecord) error
}

// Notification is one message to deliver to a chat.
type Notification struct {
	ID      string // deterministic: the same change never makes two notifications
	Channel string
	ChatID  string
	Text    string
}

// Outbox queues notifications durably.
type Outbox interface {
	// Enqueue stores n unless a notification with its ID exists.
	Enqueue(ctx context.Context, n Notification, now time.Time) error
}

// Limits of citizen lookups.
const (
	MaxWrongTries     = 5
	LockDuration      = time.Hour
	MaxLookupsPerHour = 10
	VerifiedFor       = 24 * time.Hour
)

// Service implements bot.DossierService and staff imports.
type Service struct {
	Repo   Repo
	Guards Guards
	Audit  Auditor
	Outbox Outbox
	Log    *slog.Logger
	Now    func() time.Time
}

var _ bot.DossierService = (*Service)(nil)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) audit(ctx context.Context, q bot.DossierQuery, outcome string) {
	if s.Audit == nil {
		return
	}
	if err := s.Audit.Audit(ctx, AuditRecord{At: q.At, Channel: q.Channel, CodeHash: CodeHash(q.Code), Outcome: outcome}); err != nil && s.Log != nil {
		s.Log.Warn("dossier audit", "err", err)
	}
}

// Lookup verifies the phone digits and returns the citizen view. Unknown codes and
// wrong digits give the same ErrNotFound and both count toward the code's lock.
func (s *Service) Lookup(ctx context.Context, q bot.DossierQuery) (bot.DossierView, error) {
	if q.At.IsZero() {
		q.At = s.now()
	}
	q.Code = NormalizeCode(q.Code)
	h := CodeHash(q.Code)
	sessKey := "sess:" + q.Channel + ":" + q.ChatID
	n, err := s.Guards.Incr(ctx, sessKey, time.Hour, q.At)
	if err != nil {
		return bot.DossierView{}, err
	}
	if n > MaxLookupsPerHour {
		s.audit(ctx, q, "rate_limited")
		return bot.DossierView{}, fmt.Errorf("too many lookups from this chat: %w", bot.ErrRateLimited)
	}
	if locked, err := s.Guards.Count(ctx, "lock:"+h, q.At); err != nil {
		return bot.DossierView{}, err
	} else if locked > 0 {
		s.audit(ctx, q, "locked")
		return bot.DossierView{}, fmt.Errorf("code locked: %w", bot.ErrRateLimited)
	}
	d, err := s.Repo.Get(ctx, q.Code)
	outcome := "ok"
	switch {
	case errors.Is(err, bot.ErrNotFound):
		outcome = "not_found"
	case err != nil:
		return bot.DossierView{}, err
	case !lastDigitsMatch(d.ApplicantPhone, q.Phone4):
		outcome = "wrong_digits"
	}
	if outcome != "ok" {
		s.audit(ctx, q, outcome)
		fails, err := s.Guards.Incr(ctx, "fail:"+h, LockDuration, q.At)
		if err != nil {
			return bot.DossierView{}, err
		}
		if fails >= MaxWrongTries {
			if err := s.Guards.Set(ctx, "lock:"+h, LockDuration, q.At); err != nil {
				return bot.DossierView{}, err
			}
		}
		return bot.DossierView{}, fmt.Errorf("dossier: %w", bot.ErrNotFound)
	}
	s.audit(ctx, q, outcome)
	if err := s.Guards.Set(ctx, "verified:"+h+":"+q.Channel+":"+q.ChatID, VerifiedFor, q.At); err != nil {
		return bot.DossierView{}, err
	}
	return View(d, q.At), nil
}

// lastDigitsMatch compares the last four digits of phone with four, in constant time.
func lastDigitsMatch(phone, four string) bool {
	p := digits(phone)
	if len(p) < 4 || len(four) != 4 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(p[len(p)-4:]), []byte(four)) == 1
}

// View is what a citizen may see of d at time now.
func View(d Dossier, now time.Time) bot.DossierView {
	v := bot.DossierView{
		Code: d.Code, ProcedureName: d.ProcedureName, Status: d.Status, StatusLabel: StatusLabel(d.Status),
		MaskedName: MaskName(d.ApplicantName), Agency: d.Agency, Note: d.Note, NextStep: nextStep(d),
	}
	if d.ReceivedAt != nil {
		v.ReceivedAt = *d.ReceivedAt
	}
	if d.DueAt != nil {
		v.DueAt = *d.DueAt
		v.Overdue = !finished(d.Status) && now.After(*d.DueAt)
	}
	if d.CompletedAt != nil {
		v.CompletedAt = *d.CompletedAt
	}
	return v
}

// Subscribe adds the chat to the dossier's subscribers; the chat must have verified
// the code within VerifiedFor.
func (s *Service) Subscribe(ctx context.Context, code, channel, chatID string) error {
	code = NormalizeCode(code)
	ok, err := s.Guards.Count(ctx, "verified:"+CodeHash(code)+":"+channel+":"+chatID, s.now())
	if err != nil {
		return err
	}
	if ok == 0 {
		return fmt.Errorf("verify the dossier first: %w", bot.ErrForbidden)
	}
	return s.Repo.AddSubscriber(ctx, code, Subscriber{Channel: channel, ChatID: chatID, Since: s.now()})
}

// ImportResult is the staff-facing result of an import.
type ImportResult struct {
	Upserted int           `json:"upserted"`
	Rejected []RowError    `json:"rejected"`
	Stats    ImportStats   `json:"stats"`
	Duration time.Duration `json:"-"`
}

// RowError is one rejected row.
type RowError struct {
	Index int    `json:"index"`
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// Import parses and applies a staff import (JSON array or CSV). Bad rows are
// rejected with reasons while good rows land; a status change of a subscribed
// dossier queues one notification per subscriber before the change is written.
func (s *Service) Import(ctx context.Context, data []byte) (ImportResult, error) {
	start := time.Now()
	rows, err := Parse(data)
	if err != nil {
		return ImportResult{}, fmt.Errorf("%w: %v", bot.ErrInvalid, err)
	}
	res := ImportResult{Rejected: []RowError{}}
	seen := map[string]int{}
	var good []Dossier
	for _, r := range rows {
		if r.Err != nil {
			re := RowError{Index: r.Index, Error: r.Err.Error()}
			var fe *FieldError
			if errors.As(r.Err, &fe) {
				re.Field = fe.Field
			}
			res.Rejected = append(res.Rejected, re)
			continue
		}
		if prev, dup := seen[r.Dossier.Code]; dup {
			good[prev] = r.Dossier // the last row of a code wins
			continue
		}
		seen[r.Dossier.Code] = len(good)
		good = append(good, r.Dossier)
	}
	now := s.now()
	stats, err := s.Repo.Import(ctx, good, now, func(d Dossier) error {
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
	})
	if err != nil {
		return res, err
	}
	res.Upserted = len(good)
	res.Stats = stats
	res.Duration = time.Since(start)
	return res, nil
}
