package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/dvcbot/dvcbot/internal/config"
	"github.com/dvcbot/dvcbot/store"
)

// The backend is chosen once, here, from the configuration:
//
//   - embedded (MONGODB_URI unset): FerretDB inside this process over
//     DVCBOT_DATA_DIR, which this process owns alone (datadir lock); it may keep
//     state in memory and take up everything left unfinished at start;
//   - shared (MONGODB_URI set): a MongoDB deployment that several instances
//     may use at once; coordination is MongoDB's single-document atomicity and
//     unique indexes only, and an instance takes up only what is old enough
//     that its owner must have stopped.

// sharedRecoverAfter is how old an unfinished Telegram update must be before
// an instance on a shared database takes it up at start (HandleTimeout is 60s).
const sharedRecoverAfter = 10 * time.Minute

// telegramRecoverAfter is telegram.Config.RecoverAfter for the backend.
func telegramRecoverAfter(cfg config.Config) time.Duration {
	if cfg.MongoURI == "" {
		return 0
	}
	return sharedRecoverAfter
}

// warnSharedFerretDB warns when MONGODB_URI points at a FerretDB server: it is
// not safe to share between instances. It reports whether it warned.
func warnSharedFerretDB(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger) bool {
	if cfg.MongoURI == "" {
		return false
	}
	info, err := db.ServerInfo(ctx)
	if err != nil {
		log.Warn("could not ask the database what it is", "err", err)
		return false
	}
	if info.FerretDB == "" {
		return false
	}
	log.Warn(store.FerretDBSharedWarning, "ferretdb_version", info.FerretDB)
	return true
}
