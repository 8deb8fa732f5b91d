package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/dvcbot/dvcbot/store"
)

// openOffices returns the office directory, importing the bundled sample
// directory (a fictional province, marked as such in every answer) when the
// directory is empty. The province's own import replaces it.
func openOffices(ctx context.Context, db *store.DB, log *slog.Logger) (*store.Offices, error) {
	offs := db.NewOffices()
	seeded, err := offs.SeedSample(ctx, time.Now())
	if err != nil {
		return nil, err
	}
	if seeded {
		log.Info("office directory was empty: imported the sample directory of a fictional province; import the province's own with POST /api/admin/offices")
	}
	return offs, nil
}
