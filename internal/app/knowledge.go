package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/search"
	"github.com/dvcbot/dvcbot/store"
)

// kbSync keeps the in-memory search index in step with the procedures in MongoDB:
// fully at start, per change on this instance, and by polling the store's
// knowledge-base version and applying what changed since (from any instance).
type kbSync struct {
	procs *store.Procedures
	index *search.Index
	log   *slog.Logger

	mu       sync.Mutex
	version  int64
	loaded   bool
	lastSync time.Time // newest updated_at applied to the index
	// applied holds the updated_at of every indexed procedure, so the overlap
	// window of catchUp does not re-index what is already current.
	applied map[string]time.Time
	stop    chan struct{}
	cancel  context.CancelFunc // ends a catch-up in progress when the sync stops
	done    chan struct{}
}

// importSeed applies the bundled knowledge base to the store (never overwriting
// staff edits) and logs what it did.
func importSeed(ctx context.Context, procs *store.Procedures, log *slog.Logger, now time.Time) error {
	res, err := knowledge.LoadSeed()
	if err != nil {
		return fmt.Errorf("load bundled knowledge base: %w", err)
	}
	for _, e := range res.Errors {
		log.Error("bundled procedure file skipped", "err", e)
	}
	rep, err := procs.Import(ctx, res.Procedures, "seed", now)
	if err != nil {
		return fmt.Errorf("import bundled knowledge base: %w", err)
	}
	log.Info("knowledge base imported", "created", len(rep.Created), "updated", len(rep.Updated),
		"unchanged", len(rep.Unchanged), "kept_staff_edits", len(rep.KeptStaff))
	return nil
}

// reload rebuilds the index from the store.
func (k *kbSync) reload(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reloadLocked(ctx)
}

// reloadLocked is reload for a caller holding k.mu.
func (k *kbSync) reloadLocked(ctx context.Context) error {
	v, err := k.procs.Version(ctx)
	if err != nil {
		return err
	}
	active, err := k.procs.Active(ctx)
	if err != nil {
		return err
	}
	if err := k.applyExpansions(ctx); err != nil {
		return err
	}
	if err := k.index.Replace(active); err != nil {
		return err
	}
	k.version, k.loaded = v, true
	k.applied = make(map[string]time.Time, len(active))
	for _, p := range active {
		k.applied[p.ID] = p.UpdatedAt
		if p.UpdatedAt.After(k.lastSync) {
			k.lastSync = p.UpdatedAt
		}
	}
	return nil
}

// applyExpansions gives the index the staff-edited expansion dictionary, when
// staff saved one (the bundled one applies otherwise).
func (k *kbSync) applyExpansions(ctx context.Context) error {
	exp, ok, err := k.procs.Expansions(ctx)
	if ok {
		k.index.SetExpansions(exp)
	}
	return err
}

// syncOverlap re-reads a little before the newest change seen, so writes of
// other instances with slightly older clocks are not missed (re-applying one is
// harmless).
const syncOverlap = time.Minute

// catchUp applies the changes written since the last sync (by any instance) to
// the index, one procedure at a time, and reloads the expansion dictionary.
func (k *kbSync) catchUp(ctx context.Context, v int64) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	changed, latest, err := k.procs.ChangedSince(ctx, k.lastSync.Add(-syncOverlap))
	if err != nil {
		return err
	}
	if k.applied == nil {
		k.applied = map[string]time.Time{}
	}
	if pending := k.pending(changed); pending > rebuildAbove { // the catalogue import's threshold too
		// A large change (another instance imported a catalogue): one rebuild
		// is cheaper than hundreds of single writes into the live index.
		k.log.Info("knowledge base changed a lot elsewhere: rebuilding the index", "changes", pending)
		return k.reloadLocked(ctx)
	}
	for _, sp := range changed {
		if err := ctx.Err(); err != nil {
			return err
		}
		id := sp.Procedure.ID
		at, indexed := k.applied[id]
		switch {
		case sp.Deleted && !indexed:
			continue
		case sp.Deleted:
			err = k.index.Delete(id)
			delete(k.applied, id)
		case indexed && at.Equal(sp.Procedure.UpdatedAt):
			continue // already current: seen in an earlier overlap window
		default:
			err = k.index.Upsert(sp.Procedure)
			k.applied[id] = sp.Procedure.UpdatedAt
		}
		if err != nil {
			delete(k.applied, id)
			return err
		}
	}
	if err := k.applyExpansions(ctx); err != nil {
		return err
	}
	if latest.After(k.lastSync) {
		k.lastSync = latest
	}
	k.version = v
	return nil
}

// catchUpTimeout bounds one catch-up with the store, a rebuild included.
const catchUpTimeout = 2 * time.Minute

// pending counts the changes of changed that the index does not have yet.
func (k *kbSync) pending(changed []store.StoredProcedure) int {
	n := 0
	for _, sp := range changed {
		at, indexed := k.applied[sp.Procedure.ID]
		switch {
		case sp.Deleted && !indexed:
		case !sp.Deleted && indexed && at.Equal(sp.Procedure.UpdatedAt):
		default:
			n++
		}
	}
	return n
}

// Loaded reports whether the index has been built.
func (k *kbSync) Loaded() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.loaded
}

// start polls the store every interval and reloads when another writer changed
// the knowledge base.
func (k *kbSync) start(interval time.Duration) {
	k.stop, k.done = make(chan struct{}), make(chan struct{})
	base, cancel := context.WithCancel(context.Background())
	k.cancel = cancel
	go func() {
		defer close(k.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-k.stop:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(base, interval)
				v, err := k.procs.Version(ctx)
				cancel()
				k.mu.Lock()
				changed := err == nil && v != k.version
				k.mu.Unlock()
				if changed {
					// Catching up may mean a whole rebuild: it gets longer than
					// one poll, and stopping the sync still cancels it.
					ctx, cancel := context.WithTimeout(base, catchUpTimeout)
					if err := k.catchUp(ctx, v); err != nil {
						k.log.Warn("update knowledge base", "err", err)
					} else {
						k.log.Debug("knowledge base updated", "version", v)
					}
					cancel()
				}
			}
		}
	}()
}

// close stops the polling; a catch-up in progress is abandoned between two
// procedures (the next start reloads fully).
func (k *kbSync) close(context.Context) error {
	if k.stop != nil {
		close(k.stop)
		k.cancel()
		<-k.done
	}
	return nil
}
