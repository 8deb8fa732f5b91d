package dossier

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/obs"
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
	Outcome  string    `bson:"outcome" json:"outcome"` // ok, not_found, wrong_digits, locked, rate_limited, lockout, alert_many_requesters, unavailable
	// Requester is a hash of who asked (chat, and client address on the web),
	// so staff can tell one persistent guesser from many.
	Requester string `bson:"requester,omitempty" json:"requester,omitempty"`
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
	// From is "staff" for an officer's reply (handoff), "system" or empty for
	// the bot's own news; Author is the officer's name.
	From   string
	Author string
	At     time.Time // when it was queued (set by the outbox)
}

// DeliveredText is the text a push channel sends: an officer's reply is
// introduced with the officer's name.
func (n Notification) DeliveredText() string {
	if n.From == "staff" {
		return bot.StaffPrefix(n.Author) + n.Text
	}
	return n.Text
}

// Outbox queues notifications durably.
type Outbox interface {
	// Enqueue stores n unless a notification with its ID exists.
	Enqueue(ctx context.Context, n Notification, now time.Time) error
}

// Limits of citizen lookups. Wrong tries are counted per code and requester: a
// requester (the chat, and on the web also the client address) with
// MaxWrongTries failures on a code is locked out of that code for LockDuration,
// while the citizen asking from elsewhere is not. A code that sees failures from
// AlertRequesters different chats within LockDuration is reported to staff.
const (
	MaxWrongTries          = 5
	LockDuration           = time.Hour
	MaxLookupsPerHour      = 10 // per chat
	MaxLookupsPerIPPerHour = 30 // per client address (web), whatever the session id
	AlertRequesters        = 5
	VerifiedFor            = 24 * time.Hour
)

// Service implements bot.DossierService and staff imports.
type Service struct {
	Repo   Repo
	Guards Guards
	Audit  Auditor
	Outbox Outbox
	Log    *slog.Logger
	Now    func() time.Time
	// Source is the province's system (usually a *CachedSource), asked for
	// dossiers the store does not own; nil means the store only.
	Source Source
}

var _ bot.DossierService = (*Service)(nil)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) audit(ctx context.Context, q bot.DossierQuery, outcome string) {
	obs.DossierLookups.WithLabelValues(outcome).Inc()
	if s.Audit == nil {
		return
	}
	rec := AuditRecord{At: q.At, Channel: q.Channel, CodeHash: CodeHash(q.Code), Outcome: outcome, Requester: requesterHash(q.Channel + ":" + q.ChatID + "|" + q.ClientIP)}
	if err := s.Audit.Audit(ctx, rec); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "dossier audit", "err", err)
	}
}

// requesterHash names a requester in guard keys and audit records without
// keeping its chat id or address.
func requesterHash(r string) string {
	sum := sha256.Sum256([]byte(r))
	return hex.EncodeToString(sum[:8])
}

// requesters are who a query's failures count against: its chat, and its
// client address when the channel knows it.
func requesters(q bot.DossierQuery) []string {
	rs := []string{requesterHash("chat:" + q.Channel + ":" + q.ChatID)}
	if q.ClientIP != "" {
		rs = append(rs, requesterHash("ip:"+q.ClientIP))
	}
	return rs
}

// Lookup verifies the phone digits and returns the citizen view. Unknown codes and
// wrong digits give the same ErrNotFound and both count toward the requester's
// lock on the code (never toward a lock of the code for everyone). A source
// that cannot answer gives bot.ErrDossierUnavailable, which is not a failed try.
func (s *Service) Lookup(ctx context.Context, q bot.DossierQuery) (bot.DossierView, error) {
	if q.At.IsZero() {
		q.At = s.now()
	}
	q.Code = NormalizeCode(q.Code)
	h := CodeHash(q.Code)
	if s.sourceDown(ctx, q.Code) {
		// Answered before the lookup budgets: retrying during an outage must
		// not use up a citizen's lookups.
		s.audit(ctx, q, "unavailable")
		return bot.DossierView{}, fmt.Errorf("dossier %s: source down: %w", h, bot.ErrDossierUnavailable)
	}
	sessKey := "sess:" + q.Channel + ":" + q.ChatID
	n, err := s.Guards.Incr(ctx, sessKey, time.Hour, q.At)
	if err != nil {
		return bot.DossierView{}, err
	}
	if n > MaxLookupsPerHour {
		s.audit(ctx, q, "rate_limited")
		return bot.DossierView{}, fmt.Errorf("too many lookups from this chat: %w", bot.ErrRateLimited)
	}
	if q.ClientIP != "" {
		n, err := s.Guards.Incr(ctx, "ipq:"+requesterHash(q.ClientIP), time.Hour, q.At)
		if err != nil {
			return bot.DossierView{}, err
		}
		if n > MaxLookupsPerIPPerHour {
			s.audit(ctx, q, "rate_limited")
			return bot.DossierView{}, fmt.Errorf("too many lookups from this address: %w", bot.ErrRateLimited)
		}
	}
	reqs := requesters(q)
	for _, r := range reqs {
		if locked, err := s.Guards.Count(ctx, "lock:"+h+":"+r, q.At); err != nil {
			return bot.DossierView{}, err
		} else if locked > 0 {
			s.audit(ctx, q, "locked")
			return bot.DossierView{}, fmt.Errorf("requester locked out of this code: %w", bot.ErrRateLimited)
		}
	}
	d, err := s.find(ctx, q.Code)
	outcome := "ok"
	switch {
	case errors.Is(err, bot.ErrDossierUnavailable):
		s.audit(ctx, q, "unavailable")
		return bot.DossierView{}, fmt.Errorf("dossier %s: %w", h, err)
	case errors.Is(err, bot.ErrNotFound):
		outcome = "not_found"
	case err != nil:
		return bot.DossierView{}, err
	case !lastDigitsMatch(d.ApplicantPhone, q.Phone4):
		outcome = "wrong_digits"
	}
	if outcome != "ok" {
		s.audit(ctx, q, outcome)
		if err := s.countFailure(ctx, q, h, reqs); err != nil {
			return bot.DossierView{}, err
		}
		return bot.DossierView{}, fmt.Errorf("dossier: %w", bot.ErrNotFound)
	}
	s.audit(ctx, q, outcome)
	if err := s.Guards.Set(ctx, "verified:"+h+":"+q.Channel+":"+q.ChatID, VerifiedFor, q.At); err != nil {
		return bot.DossierView{}, err
	}
	return View(d, q.At), nil
}

// countFailure counts a failed try against each requester of q on code hash h,
// locks a requester at MaxWrongTries, and alerts staff (audit, metric, log)
// once per LockDuration when AlertRequesters different chats failed on the code.
func (s *Service) countFailure(ctx context.Context, q bot.DossierQuery, h string, reqs []string) error {
	for i, r := range reqs {
		fails, err := s.Guards.Incr(ctx, "fail:"+h+":"+r, LockDuration, q.At)
		if err != nil {
			return err
		}
		if i == 0 && fails == 1 { // a chat's first failure on this code
			many, err := s.Guards.Incr(ctx, "failchats:"+h, LockDuration, q.At)
			if err != nil {
				return err
			}
			if many == AlertRequesters {
				obs.DossierAlerts.Inc()
				s.audit(ctx, q, "alert_many_requesters")
				if s.Log != nil {
					s.Log.WarnContext(ctx, "dossier code guessed from many chats", "code_hash", h, "chats", many)
				}
			}
		}
		if fails >= MaxWrongTries {
			if err := s.Guards.Set(ctx, "lock:"+h+":"+r, LockDuration, q.At); err != nil {
				return err
			}
			if fails == MaxWrongTries {
				obs.DossierLockouts.Inc()
				s.audit(ctx, q, "lockout")
			}
		}
	}
	return nil
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
	if err := s.keepSourceCopy(ctx, code); err != nil {
		return err
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
	Line  int    `json:"line,omitempty"` // CSV: the line where the row starts
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
			re := RowError{Index: r.Index, Line: r.Line, Error: r.Err.Error()}
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
	stats, err := s.Repo.Import(ctx, good, now, s.notifier(ctx, now))
	if err != nil {
		return res, err
	}
	res.Upserted = len(good)
	obs.ImportRows.WithLabelValues("dossier", "accepted").Add(float64(len(rows) - len(res.Rejected)))
	obs.ImportRows.WithLabelValues("dossier", "rejected").Add(float64(len(res.Rejected)))
	res.Stats = stats
	res.Duration = time.Since(start)
	return res, nil
}
