package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/catalog"
)

// OriginCatalog marks a procedure imported from the official catalogue: later
// catalogue imports may update or withdraw it.
const OriginCatalog = "catalog"

var _ catalog.Store = (*Procedures)(nil)

// catalogBatch is how many records are written per round trip.
const catalogBatch = 500

// procState is the bookkeeping of one stored procedure, all an import needs to
// decide what to do with a record.
type procState struct {
	ID        string `bson:"_id"`
	Revision  int    `bson:"revision"`
	Deleted   bool   `bson:"deleted"`
	Origin    string `bson:"origin"`
	SeedHash  string `bson:"seed_hash"`
	Procedure struct {
		Kind string `bson:"kind"`
	} `bson:"procedure"`
}

// states reads the bookkeeping of every procedure in one scan (the embedded
// server scans for any query but a lone _id, so one scan beats one per record).
func (s *Procedures) states(ctx context.Context) (map[string]procState, error) {
	proj := bson.M{"revision": 1, "deleted": 1, "origin": 1, "seed_hash": 1, "procedure.kind": 1}
	cur, err := s.col().Find(ctx, bson.M{}, options.Find().SetProjection(proj))
	if err != nil {
		return nil, fmt.Errorf("store: read procedures: %w", err)
	}
	var list []procState
	if err := cur.All(ctx, &list); err != nil {
		return nil, fmt.Errorf("store: read procedures: %w", err)
	}
	out := make(map[string]procState, len(list))
	for _, st := range list {
		out[st.ID] = st
	}
	return out, nil
}

// ApplyCatalog stores official catalogue records (see catalog.Store). A record
// is keyed by its id (from its national code); it is created when new, gets a
// new revision when its content or its status changed, and is left as it is
// otherwise, so importing the same file twice reports everything unchanged. A
// record marked no longer in force is withdrawn (kept in history, out of
// answers). Curated guides are never written, and an official record that
// staff edited or withdrew by hand is kept as they left it (KeptStaffEdit).
// Writes go in batches; the knowledge-base version is bumped once at the end
// when anything changed. Imports of this process are serialised; against a
// real MongoDB a record changed by another writer meanwhile fails the import
// with ErrConflict (run it again).
func (s *Procedures) ApplyCatalog(ctx context.Context, entries []catalog.Entry, by, comment string, now time.Time) (catalog.Report, error) {
	s.db.catalogMu.Lock()
	defer s.db.catalogMu.Unlock()
	rep := catalog.Report{Rejected: []catalog.Rejection{}}
	if err := s.recoverPending(ctx); err != nil {
		return rep, err
	}
	states, err := s.states(ctx)
	if err != nil {
		return rep, err
	}
	now = now.UTC()
	// Records carry the time they are written (now plus the time elapsed), not
	// the import's start: instances catching up read what changed since shortly
	// before the newest change they saw, and a long import must not fall
	// behind that window.
	t0 := time.Now()
	stamp := func() time.Time { return now.Add(time.Since(t0)) }
	changed := false
	// New records and history go in per batch; changed records are replaced at
	// the end, together (on the embedded server each replace round costs a scan).
	var updates []procedureDoc
	var prevRevs []int
	for start := 0; start < len(entries); start += catalogBatch {
		var revs []Revision
		var fresh []any
		at := stamp()
		for _, e := range entries[start:min(start+catalogBatch, len(entries))] {
			if e.Err != nil {
				rep.Reject(e)
				continue
			}
			p := e.Procedure
			p.UpdatedAt = at
			hash := p.ContentHash()
			cur, exists := states[p.ID]
			switch {
			case exists && cur.Procedure.Kind != knowledge.KindOfficial:
				e.Err = fmt.Errorf("id %s belongs to a curated guide, which an import never overwrites", p.ID)
				rep.Reject(e)
				continue
			case exists && cur.Origin != OriginCatalog:
				rep.KeptStaffEdit = append(rep.KeptStaffEdit, e.Code)
				continue
			case exists && cur.SeedHash == hash && cur.Deleted == e.Withdrawn:
				rep.Unchanged++
				continue
			}
			action := "import"
			switch {
			case e.Withdrawn && (!exists || !cur.Deleted):
				rep.Withdrawn++
				action = "delete"
			case !exists:
				rep.Created++
			default:
				rep.Updated++
				if cur.Deleted {
					action = "restore"
				}
			}
			rev := cur.Revision + 1
			revs = append(revs, Revision{ID: fmt.Sprintf("%s#%d", p.ID, rev), ProcedureID: p.ID, Revision: rev, Action: action, By: by, At: now, Comment: comment, Procedure: p})
			doc := procedureDoc{ID: p.ID, Procedure: p, Revision: rev, Deleted: e.Withdrawn, Origin: OriginCatalog, SeedHash: hash, ContentHash: hash, UpdatedAt: at, UpdatedBy: by}
			if exists {
				updates = append(updates, doc)
				prevRevs = append(prevRevs, cur.Revision)
			} else {
				fresh = append(fresh, doc)
			}
			next := procState{ID: p.ID, Revision: rev, Deleted: e.Withdrawn, Origin: OriginCatalog, SeedHash: hash}
			next.Procedure.Kind = knowledge.KindOfficial
			states[p.ID] = next
		}
		if len(revs) == 0 {
			continue
		}
		changed = true
		if err := s.insertRevisions(ctx, revs); err != nil {
			return rep, err
		}
		if len(fresh) > 0 {
			if _, err := s.col().InsertMany(ctx, fresh, options.InsertMany().SetOrdered(false)); err != nil {
				if mongo.IsDuplicateKeyError(err) {
					return rep, fmt.Errorf("a catalogue record was created concurrently; import again: %w", ErrConflict)
				}
				return rep, fmt.Errorf("store: insert catalogue records: %w", err)
			}
		}
	}
	at := stamp()
	for i := range updates {
		updates[i].UpdatedAt, updates[i].Procedure.UpdatedAt = at, at
	}
	if err := s.replaceAll(ctx, updates, prevRevs); err != nil {
		return rep, err
	}
	if changed {
		if err := s.bumpVersion(ctx); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// insertRevisions stores history records. A revision left by an import that
// stopped before its procedure was written is overwritten (its number is the
// one the procedure moves to now).
func (s *Procedures) insertRevisions(ctx context.Context, revs []Revision) error {
	docs := make([]any, len(revs))
	for i, r := range revs {
		docs[i] = r
	}
	_, err := s.revs().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return fmt.Errorf("store: save revisions: %w", err)
	}
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) || we.Index >= len(revs) {
			return fmt.Errorf("store: save revisions: %w", err)
		}
		r := revs[we.Index]
		if _, err := s.revs().ReplaceOne(ctx, bson.M{"_id": r.ID}, r, options.Replace().SetUpsert(true)); err != nil {
			return fmt.Errorf("store: save revision %s: %w", r.ID, err)
		}
	}
	return nil
}

// replaceAll writes new versions of existing procedures. Against MongoDB each
// is a replace guarded by the revision it replaces. The embedded server finds
// a document by a full scan even by _id (about 100 ms per replace at 2,000
// records), so there the batch is swapped instead: the new documents are
// parked in a pending marker, the old ones deleted in one statement and the
// new ones inserted in one; an import interrupted in between is completed by
// recoverPending (at the next open or import).
func (s *Procedures) replaceAll(ctx context.Context, docs []procedureDoc, prev []int) error {
	if len(docs) == 0 {
		return nil
	}
	if s.db.Embedded() {
		return s.swap(ctx, docs)
	}
	models := make([]mongo.WriteModel, len(docs))
	for i, d := range docs {
		models[i] = mongo.NewReplaceOneModel().SetFilter(bson.M{"_id": d.ID, "revision": prev[i]}).SetReplacement(d)
	}
	res, err := s.col().BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return fmt.Errorf("store: update catalogue records: %w", err)
	}
	if int(res.MatchedCount) != len(docs) {
		return fmt.Errorf("%d catalogue records changed during the import; import again: %w", len(docs)-int(res.MatchedCount), ErrConflict)
	}
	return nil
}

// pendingSwap is the meta document holding a batch being swapped.
const pendingSwap = "catalog_pending_swap"

// maxPendingBytes bounds one pending marker, well under MongoDB's 16 MiB.
const maxPendingBytes = 8 << 20

// swap replaces docs by delete-then-insert, in chunks that fit one marker.
func (s *Procedures) swap(ctx context.Context, docs []procedureDoc) error {
	for len(docs) > 0 {
		n, size := 0, 0
		for n < len(docs) {
			b, err := bson.Marshal(docs[n])
			if err != nil {
				return fmt.Errorf("store: encode %s: %w", docs[n].ID, err)
			}
			if n > 0 && size+len(b) > maxPendingBytes {
				break
			}
			size += len(b)
			n++
		}
		if err := s.swapChunk(ctx, docs[:n]); err != nil {
			return err
		}
		docs = docs[n:]
	}
	return nil
}

func (s *Procedures) swapChunk(ctx context.Context, docs []procedureDoc) error {
	meta := s.db.db.Collection(colMeta)
	ids := make([]string, len(docs))
	list := make([]any, len(docs))
	for i, d := range docs {
		ids[i], list[i] = d.ID, d
	}
	if _, err := meta.ReplaceOne(ctx, bson.M{"_id": pendingSwap}, bson.M{"_id": pendingSwap, "docs": docs}, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("store: park catalogue records: %w", err)
	}
	if _, err := s.col().DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
		return fmt.Errorf("store: update catalogue records: %w", err)
	}
	if _, err := s.col().InsertMany(ctx, list); err != nil {
		return fmt.Errorf("store: update catalogue records: %w", err)
	}
	if _, err := meta.DeleteOne(ctx, bson.M{"_id": pendingSwap}); err != nil {
		return fmt.Errorf("store: clear parked catalogue records: %w", err)
	}
	return nil
}

// recoverPending completes a swap an interrupted import left: every parked
// document that is missing is inserted. It is a no-op (one lookup by _id)
// when nothing is pending.
func (s *Procedures) recoverPending(ctx context.Context) error {
	meta := s.db.db.Collection(colMeta)
	var m struct {
		Docs []procedureDoc `bson:"docs"`
	}
	err := meta.FindOne(ctx, bson.M{"_id": pendingSwap}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: read parked catalogue records: %w", err)
	}
	restored := 0
	for _, d := range m.Docs {
		_, err := s.col().InsertOne(ctx, d)
		switch {
		case err == nil:
			restored++
		case !mongo.IsDuplicateKeyError(err):
			return fmt.Errorf("store: restore parked catalogue record %s: %w", d.ID, err)
		}
	}
	if _, err := meta.DeleteOne(ctx, bson.M{"_id": pendingSwap}); err != nil {
		return fmt.Errorf("store: clear parked catalogue records: %w", err)
	}
	if restored > 0 {
		s.db.log.Warn("completed an interrupted catalogue import", "records", restored)
		return s.bumpVersion(ctx)
	}
	return nil
}

// LogImport keeps imp in the log of catalogue imports, which holds the last
// keptImports (older ones are deleted). A long list of rejected rows is cut to
// its first loggedRejections.
func (s *Procedures) LogImport(ctx context.Context, imp catalog.Import) error {
	if len(imp.Report.Rejected) > loggedRejections {
		imp.Report.Rejected = imp.Report.Rejected[:loggedRejections]
	}
	col := s.db.db.Collection(colCatalogImports)
	if _, err := col.InsertOne(ctx, imp); err != nil {
		return fmt.Errorf("store: log catalogue import: %w", err)
	}
	var old []struct {
		ID string `bson:"_id"`
	}
	cur, err := col.Find(ctx, bson.M{}, options.Find().SetSort(importsNewestFirst).SetSkip(keptImports).SetProjection(bson.M{"_id": 1}))
	if err == nil {
		err = cur.All(ctx, &old)
	}
	if err != nil {
		return fmt.Errorf("store: trim catalogue imports: %w", err)
	}
	for _, o := range old {
		if _, err := col.DeleteOne(ctx, bson.M{"_id": o.ID}); err != nil {
			return fmt.Errorf("store: trim catalogue imports: %w", err)
		}
	}
	return nil
}

const (
	keptImports      = 50
	loggedRejections = 1000
)

// importsNewestFirst orders catalogue imports newest first; imports dated to
// the same millisecond follow their IDs, which carry the microsecond.
var importsNewestFirst = bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}

// CatalogImports returns the most recent catalogue imports, newest first
// (imports dated to the same millisecond in the order their IDs say they
// started).
func (s *Procedures) CatalogImports(ctx context.Context, limit int) ([]catalog.Import, error) {
	if limit <= 0 || limit > keptImports {
		limit = keptImports
	}
	cur, err := s.db.db.Collection(colCatalogImports).Find(ctx, bson.M{}, options.Find().SetSort(importsNewestFirst).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("store: catalogue imports: %w", err)
	}
	out := []catalog.Import{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: catalogue imports: %w", err)
	}
	return out, nil
}
