package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/handlers"
	"github.com/dvcbot/dvcbot/store"
)

// staffAuth accepts the bootstrap admin token and tokens of staff members in the
// store (hashed, not revoked).
type staffAuth struct {
	bootstrap handlers.BootstrapAuth
	staff     *store.Staff
}

func (a staffAuth) Authenticate(ctx context.Context, token string) (handlers.Staff, error) {
	if s, err := a.bootstrap.Authenticate(ctx, token); err == nil {
		return s, nil
	}
	if token == "" {
		return handlers.Staff{}, fmt.Errorf("%w: a valid staff token is required", bot.ErrUnauthorized)
	}
	m, err := a.staff.ByToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return handlers.Staff{}, fmt.Errorf("%w: invalid or revoked staff token", bot.ErrUnauthorized)
	}
	if err != nil {
		return handlers.Staff{}, err
	}
	return handlers.Staff{ID: m.ID, Name: m.Name, Roles: m.Roles}, nil
}

// reports joins the stores behind the staff's read-only views, adding titles.
type reports struct {
	db    *store.DB
	title func(id string) string
}

func (r reports) Stats(ctx context.Context, since time.Time) (store.Stats, error) {
	st, err := r.db.Events().Stats(ctx, since)
	for i := range st.TopProcedures {
		st.TopProcedures[i].Title = r.title(st.TopProcedures[i].ProcedureID)
	}
	return st, err
}

func (r reports) FeedbackSummary(ctx context.Context) ([]store.FeedbackSummary, error) {
	items, err := r.db.Feedback().Summary(ctx)
	for i := range items {
		items[i].Title = r.title(items[i].ProcedureID)
	}
	return items, err
}

func (r reports) Audit(ctx context.Context, limit int) ([]store.AuditEntry, error) {
	return r.db.StaffAudit().Recent(ctx, limit)
}

func (r reports) Record(ctx context.Context, e store.AuditEntry) error {
	return r.db.StaffAudit().Record(ctx, e)
}
