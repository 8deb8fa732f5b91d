package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/dossier"
)

// Dossiers implements dossier.Repo. On the embedded server every dossier is also
// kept in memory (FerretDB v1 scans its SQLite table even for _id lookups, so a
// lookup costs milliseconds per thousand documents); the cache is filled once at
// start and updated by every write of this process, which is the only writer of
// an embedded store. Against MongoDB reads go to the server and writes use
// compare-and-set on the version.
type Dossiers struct {
	db    *DB
	reads dossierReads // chosen once, by the kind of server (NewDossiers)

	writeMu sync.Mutex // serialises imports and subscriber changes of this process
}

// dossierReads is how dossiers are read on one kind of server: from memory on
// the embedded store (its only writer keeps the copy current through stored),
// from the server on MongoDB.
type dossierReads interface {
	// load prepares the reads at start.
	load(ctx context.Context) error
	// get returns a dossier, or ok false when there is none.
	get(ctx context.Context, code string) (d dossier.Dossier, ok bool, err error)
	// existing returns the stored versions of codes (absent codes are missing).
	existing(ctx context.Context, codes []string) (map[string]dossier.Dossier, error)
	count(ctx context.Context) (int64, error)
	// subscribedFromSource lists codes of copies of the source's answers with
	// subscribers that are not closed.
	subscribedFromSource(ctx context.Context, closed []string) ([]string, error)
	// replaceFilter selects the document a write of d over version prev replaces.
	replaceFilter(code string, prev int64) bson.M
	// stored records that d is now stored.
	stored(d dossier.Dossier)
}

var (
	_ dossier.Repo             = (*Dossiers)(nil)
	_ dossier.SubscribedLister = (*Dossiers)(nil)
)

// NewDossiers returns the dossier store; call Load before use.
func (d *DB) NewDossiers() *Dossiers {
	col := d.db.Collection(colDossiers)
	if d.Embedded() {
		return &Dossiers{db: d, reads: &cachedDossiers{col: col}}
	}
	return &Dossiers{db: d, reads: serverDossiers{col: col}}
}

func (s *Dossiers) col() *mongo.Collection { return s.db.db.Collection(colDossiers) }

// Load prepares the store (fills the in-memory copy on the embedded server).
func (s *Dossiers) Load(ctx context.Context) error { return s.reads.load(ctx) }

// cachedDossiers reads from memory: the embedded store's single owner is the
// only writer, and FerretDB v1 scans the table even for an _id lookup.
type cachedDossiers struct {
	col   *mongo.Collection
	mu    sync.RWMutex
	cache map[string]dossier.Dossier
}

func (c *cachedDossiers) load(ctx context.Context) error {
	cur, err := c.col.Find(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("store: load dossiers: %w", err)
	}
	defer cur.Close(ctx)
	cache := map[string]dossier.Dossier{}
	for cur.Next(ctx) {
		var d dossier.Dossier
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("store: decode dossier: %w", err)
		}
		cache[d.Code] = d
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("store: load dossiers: %w", err)
	}
	c.mu.Lock()
	c.cache = cache
	c.mu.Unlock()
	return nil
}

func (c *cachedDossiers) get(_ context.Context, code string) (dossier.Dossier, bool, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	d, ok := c.cache[code]
	return d, ok, nil
}

func (c *cachedDossiers) existing(_ context.Context, codes []string) (map[string]dossier.Dossier, error) {
	out := map[string]dossier.Dossier{}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, code := range codes {
		if d, ok := c.cache[code]; ok {
			out[code] = d
		}
	}
	return out, nil
}

func (c *cachedDossiers) count(context.Context) (int64, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return int64(len(c.cache)), nil
}

func (c *cachedDossiers) subscribedFromSource(_ context.Context, closed []string) ([]string, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []string
	for code, d := range c.cache {
		if d.Origin == dossier.OriginSource && len(d.Subscribers) > 0 && !slices.Contains(closed, d.Status) {
			out = append(out, code)
		}
	}
	return out, nil
}

// replaceFilter is a lone _id: the sole writer holds writeMu, and a lone _id
// is the one filter FerretDB pushes down to SQLite.
func (c *cachedDossiers) replaceFilter(code string, _ int64) bson.M { return bson.M{"_id": code} }

func (c *cachedDossiers) stored(d dossier.Dossier) {
	c.mu.Lock()
	if c.cache != nil {
		c.cache[d.Code] = d
	}
	c.mu.Unlock()
}

// serverDossiers reads from MongoDB; writes are compare-and-set on the version.
type serverDossiers struct{ col *mongo.Collection }

func (serverDossiers) load(context.Context) error { return nil }

func (c serverDossiers) get(ctx context.Context, code string) (dossier.Dossier, bool, error) {
	var d dossier.Dossier
	err := c.col.FindOne(ctx, bson.M{"_id": code}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("store: get dossier: %w", err)
	}
	return d, true, nil
}

func (c serverDossiers) count(ctx context.Context) (int64, error) {
	return c.col.CountDocuments(ctx, bson.M{})
}

func (c serverDossiers) subscribedFromSource(ctx context.Context, closed []string) ([]string, error) {
	cur, err := c.col.Find(ctx, bson.M{"origin": dossier.OriginSource, "subscribers.0": bson.M{"$exists": true}, "status": bson.M{"$nin": closed}},
		options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return nil, fmt.Errorf("store: subscribed dossiers: %w", err)
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: subscribed dossiers: %w", err)
	}
	out := make([]string, 0, len(ids))
	for _, d := range ids {
		out = append(out, d.ID)
	}
	return out, nil
}

func (serverDossiers) replaceFilter(code string, prev int64) bson.M {
	return bson.M{"_id": code, "version": prev}
}

func (serverDossiers) stored(dossier.Dossier) {}

// Get returns one dossier or an error wrapping ErrNotFound.
func (s *Dossiers) Get(ctx context.Context, code string) (dossier.Dossier, error) {
	d, ok, err := s.reads.get(ctx, dossier.NormalizeCode(code))
	if err != nil {
		return d, err
	}
	if !ok {
		return d, fmt.Errorf("dossier: %w", ErrNotFound)
	}
	return d, nil
}

// existing returns the stored versions of codes (absent codes are missing).
func (s *Dossiers) existing(ctx context.Context, codes []string) (map[string]dossier.Dossier, error) {
	return s.reads.existing(ctx, codes)
}

func (c serverDossiers) existing(ctx context.Context, codes []string) (map[string]dossier.Dossier, error) {
	out := map[string]dossier.Dossier{}
	cur, err := c.col.Find(ctx, bson.M{"_id": bson.M{"$in": codes}})
	if err != nil {
		return nil, fmt.Errorf("store: read dossiers: %w", err)
	}
	var ds []dossier.Dossier
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: read dossiers: %w", err)
	}
	for _, d := range ds {
		out[d.Code] = d
	}
	return out, nil
}

// sameContent reports whether staff-owned fields are equal.
func sameContent(a, b dossier.Dossier) bool {
	a.History, b.History, a.Subscribers, b.Subscribers = nil, nil, nil, nil
	a.Version, b.Version = 0, 0
	a.UpdatedAt, b.UpdatedAt, a.CreatedAt, b.CreatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

const importBatch = 500

// Import writes ds (already validated) in batches. beforeWrite is called for each
// dossier whose status changes, before the change is stored, so that a crash
// cannot lose its notifications (they are idempotent).
func (s *Dossiers) Import(ctx context.Context, ds []dossier.Dossier, now time.Time, beforeWrite func(dossier.Dossier) error) (dossier.ImportStats, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var st dossier.ImportStats
	for start := 0; start < len(ds); start += importBatch {
		batch := ds[start:min(start+importBatch, len(ds))]
		codes := make([]string, len(batch))
		for i, d := range batch {
			codes[i] = d.Code
		}
		old, err := s.existing(ctx, codes)
		if err != nil {
			return st, err
		}
		var inserts []any
		var created []dossier.Dossier
		for _, d := range batch {
			prev, found := old[d.Code]
			if !found {
				d.History = []dossier.StatusChange{{Status: d.Status, At: now, Note: d.Note}}
				d.Version, d.CreatedAt, d.UpdatedAt = 1, now, now
				inserts = append(inserts, d)
				created = append(created, d)
				continue
			}
			if sameContent(prev, d) {
				st.Unchanged++
				continue
			}
			d.History, d.Subscribers, d.CreatedAt = prev.History, prev.Subscribers, prev.CreatedAt
			d.Version, d.UpdatedAt = prev.Version+1, now
			if d.Status != prev.Status {
				d.History = append(append([]dossier.StatusChange(nil), prev.History...), dossier.StatusChange{Status: d.Status, At: now, Note: d.Note})
				st.StatusChanges++
				if beforeWrite != nil {
					if err := beforeWrite(d); err != nil {
						return st, err
					}
				}
			}
			if err := s.replace(ctx, d, prev.Version); err != nil {
				return st, err
			}
			st.Updated++
		}
		if len(inserts) > 0 {
			if _, err := s.col().InsertMany(ctx, inserts, options.InsertMany().SetOrdered(true)); err != nil {
				if mongo.IsDuplicateKeyError(err) {
					return st, fmt.Errorf("a dossier was created concurrently; import again: %w", ErrConflict)
				}
				return st, fmt.Errorf("store: insert dossiers: %w", err)
			}
			for _, d := range created {
				s.reads.stored(d)
			}
			st.Created += len(inserts)
		}
	}
	return st, nil
}

// replace stores d over version prev.
func (s *Dossiers) replace(ctx context.Context, d dossier.Dossier, prev int64) error {
	res, err := s.col().ReplaceOne(ctx, s.reads.replaceFilter(d.Code, prev), d)
	if err != nil {
		return fmt.Errorf("store: update dossier: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("dossier %s changed concurrently; import again: %w", d.Code, ErrConflict)
	}
	s.reads.stored(d)
	return nil
}

// AddSubscriber adds a chat to the dossier's subscribers (idempotent).
func (s *Dossiers) AddSubscriber(ctx context.Context, code string, sub dossier.Subscriber) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	for attempt := 0; attempt < 3; attempt++ {
		d, err := s.Get(ctx, code)
		if err != nil {
			return err
		}
		for _, x := range d.Subscribers {
			if x.Channel == sub.Channel && x.ChatID == sub.ChatID {
				return nil
			}
		}
		prev := d.Version
		d.Subscribers = append(append([]dossier.Subscriber(nil), d.Subscribers...), sub)
		d.Version++
		err = s.replace(ctx, d, prev)
		if !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("dossier %s: %w", code, ErrConflict)
}

// Count is the number of dossiers stored.
func (s *Dossiers) Count(ctx context.Context) (int64, error) { return s.reads.count(ctx) }

// SourceSubscribed returns the codes of stored copies of the dossier source's
// answers that have subscribers and are not closed (dossier.SubscribedLister).
func (s *Dossiers) SourceSubscribed(ctx context.Context) ([]string, error) {
	return s.reads.subscribedFromSource(ctx, []string{"returned", "rejected", "cancelled"})
}
