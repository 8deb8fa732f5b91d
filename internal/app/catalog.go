package app

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/dvcbot/dvcbot/store"
)

// catalogAdmin is the staff API's catalogue service: it imports a file into the
// store and brings this instance's search index up to date before answering
// (other instances follow the knowledge-base version).
type catalogAdmin struct {
	procs *store.Procedures
	kb    *kbSync
	log   *slog.Logger
}

// Import reads and applies one catalogue file (see catalog.Load).
func (c catalogAdmin) Import(ctx context.Context, body io.Reader, file string, format catalog.Format, by string) (catalog.Import, error) {
	imp, err := catalog.Load(ctx, c.procs, body, file, format, by, time.Now)
	if err != nil {
		return imp, err
	}
	r := imp.Report
	c.log.InfoContext(ctx, "catalogue imported", "file", file, "format", imp.Format, "rows", imp.Rows, "created", r.Created,
		"updated", r.Updated, "withdrawn", r.Withdrawn, "unchanged", r.Unchanged, "rejected", len(r.Rejected), "ms", imp.DurationMS)
	if n := r.Created + r.Updated + r.Withdrawn; n > 0 {
		start := time.Now()
		// Applying records one by one costs far more than a rebuild once there
		// are more than a few.
		var err error
		if n > rebuildAbove {
			err = c.kb.reload(ctx)
		} else {
			var v int64
			if v, err = c.procs.Version(ctx); err == nil {
				err = c.kb.catchUp(ctx, v)
			}
		}
		if err != nil {
			c.log.WarnContext(ctx, "search index not yet updated after a catalogue import; the next poll retries", "err", err)
		} else {
			c.log.InfoContext(ctx, "search index updated after a catalogue import", "changed", n, "rebuilt", n > rebuildAbove, "ms", time.Since(start).Milliseconds())
		}
	}
	return imp, nil
}

// rebuildAbove is how many changed records make the index rebuild rather than
// apply them one by one.
const rebuildAbove = 100

// Imports lists the recent imports, newest first.
func (c catalogAdmin) Imports(ctx context.Context, limit int) ([]catalog.Import, error) {
	return c.procs.CatalogImports(ctx, limit)
}
