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
)

// Procedure origins: who wrote the revision in force.
const (
	OriginSeed  = "seed"  // imported from the bundled files; later imports may update it
	OriginStaff = "staff" // edited by staff; imports never overwrite it
)

// procedureDoc is one procedure as stored: the revision in force plus bookkeeping.
type procedureDoc struct {
	ID          string              `bson:"_id"`
	Procedure   knowledge.Procedure `bson:"procedure"`
	Revision    int                 `bson:"revision"`
	Deleted     bool                `bson:"deleted"`
	Origin      string              `bson:"origin"`
	SeedHash    string              `bson:"seed_hash,omitempty"`
	ContentHash string              `bson:"content_hash"`
	UpdatedAt   time.Time           `bson:"updated_at"`
	UpdatedBy   string              `bson:"updated_by"`
}

// Revision is one stored version of a procedure.
type Revision struct {
	ID          string              `bson:"_id" json:"-"`
	ProcedureID string              `bson:"procedure_id" json:"procedure_id"`
	Revision    int                 `bson:"revision" json:"revision"`
	Action      string              `bson:"action" json:"action"` // create, update, delete, restore, seed
	By          string              `bson:"by" json:"by"`
	At          time.Time           `bson:"at" json:"at"`
	Comment     string              `bson:"comment,omitempty" json:"comment,omitempty"`
	Procedure   knowledge.Procedure `bson:"procedure" json:"procedure"`
}

// StoredProcedure is a procedure with its revision number and state.
type StoredProcedure struct {
	Procedure knowledge.Procedure
	Revision  int
	Deleted   bool
	Origin    string
	UpdatedBy string
}

// Procedures stores procedure guides with full history.
type Procedures struct{ db *DB }

// Procedures returns the procedure store.
func (d *DB) Procedures() *Procedures { return &Procedures{db: d} }

func (s *Procedures) col() *mongo.Collection { return s.db.db.Collection(colProcedures) }
func (s *Procedures) revs() *mongo.Collection {
	return s.db.db.Collection(colRevisions)
}

// Get returns the procedure in force (also when withdrawn; see Deleted), or an
// error wrapping ErrNotFound.
func (s *Procedures) Get(ctx context.Context, id string) (StoredProcedure, error) {
	d, err := s.getDoc(ctx, id)
	return d.stored(), err
}

func (s *Procedures) getDoc(ctx context.Context, id string) (procedureDoc, error) {
	var d procedureDoc
	if err := s.col().FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return d, fmt.Errorf("procedure %q: %w", id, ErrNotFound)
		}
		return d, fmt.Errorf("store: get procedure %s: %w", id, err)
	}
	return d, nil
}

func (d procedureDoc) stored() StoredProcedure {
	return StoredProcedure{Procedure: d.Procedure, Revision: d.Revision, Deleted: d.Deleted, Origin: d.Origin, UpdatedBy: d.UpdatedBy}
}

// Active returns every procedure not withdrawn.
func (s *Procedures) Active(ctx context.Context) ([]knowledge.Procedure, error) {
	cur, err := s.col().Find(ctx, bson.M{"deleted": false}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: list procedures: %w", err)
	}
	var docs []procedureDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("store: list procedures: %w", err)
	}
	out := make([]knowledge.Procedure, len(docs))
	for i, d := range docs {
		out[i] = d.Procedure
	}
	return out, nil
}

// ImportReport says what an import did, by procedure id.
type ImportReport struct {
	Created   []string `json:"created"`
	Updated   []string `json:"updated"`
	Unchanged []string `json:"unchanged"`
	KeptStaff []string `json:"kept_staff_edit"` // staff edited or withdrew it: the file was not applied
}

// Import applies procedure files: new ids are created, procedures still as last
// imported are updated when the file changed, and anything staff edited or
// withdrew is left alone. Every change is a new revision by `by`.
func (s *Procedures) Import(ctx context.Context, procs []knowledge.Procedure, by string, now time.Time) (ImportReport, error) {
	var rep ImportReport
	for _, p := range procs {
		hash := p.ContentHash()
		cur, err := s.getDoc(ctx, p.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			if err := s.write(ctx, p, 0, OriginSeed, hash, "seed", by, "", now, false); err != nil {
				return rep, err
			}
			rep.Created = append(rep.Created, p.ID)
		case err != nil:
			return rep, err
		default:
			switch {
			case cur.Origin != OriginSeed || cur.Deleted:
				rep.KeptStaff = append(rep.KeptStaff, p.ID)
			case cur.SeedHash == hash:
				rep.Unchanged = append(rep.Unchanged, p.ID)
			default:
				if err := s.write(ctx, p, cur.Revision, OriginSeed, hash, "seed", by, "", now, false); err != nil {
					return rep, err
				}
				rep.Updated = append(rep.Updated, p.ID)
			}
		}
	}
	return rep, nil
}

// Save writes a staff change: a new procedure (expectRevision 0) or a new
// revision of an existing one (expectRevision = the revision the editor saw; a
// stale number gives ErrConflict). It returns the new revision number.
func (s *Procedures) Save(ctx context.Context, p knowledge.Procedure, expectRevision int, by, comment string, now time.Time) (int, error) {
	cur, err := s.Get(ctx, p.ID)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	action := "update"
	switch {
	case expectRevision == 0 && exists && !cur.Deleted:
		return 0, fmt.Errorf("procedure %q already exists: %w", p.ID, ErrConflict)
	case expectRevision == 0 && !exists:
		action = "create"
	case expectRevision == 0 && exists && cur.Deleted:
		action = "create"
		expectRevision = cur.Revision
	case !exists:
		return 0, fmt.Errorf("procedure %q: %w", p.ID, ErrNotFound)
	case expectRevision != cur.Revision:
		return 0, fmt.Errorf("procedure %q is at revision %d, not %d: %w", p.ID, cur.Revision, expectRevision, ErrConflict)
	}
	p.UpdatedAt = now.UTC()
	if err := s.write(ctx, p, expectRevision, OriginStaff, "", action, by, comment, now, false); err != nil {
		return 0, err
	}
	return expectRevision + 1, nil
}

// Withdraw marks a procedure deleted (kept in history) as a new revision.
func (s *Procedures) Withdraw(ctx context.Context, id string, expectRevision int, by, comment string, now time.Time) (int, error) {
	cur, err := s.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if cur.Deleted {
		return 0, fmt.Errorf("procedure %q is already withdrawn: %w", id, ErrNotFound)
	}
	if expectRevision == 0 {
		expectRevision = cur.Revision
	}
	if expectRevision != cur.Revision {
		return 0, fmt.Errorf("procedure %q is at revision %d, not %d: %w", id, cur.Revision, expectRevision, ErrConflict)
	}
	if err := s.write(ctx, cur.Procedure, cur.Revision, OriginStaff, "", "delete", by, comment, now, true); err != nil {
		return 0, err
	}
	return cur.Revision + 1, nil
}

// write stores revision prev+1 of p: first the history record (unique on
// procedure and revision, so two writers cannot both win), then the current
// document guarded by the previous revision number.
func (s *Procedures) write(ctx context.Context, p knowledge.Procedure, prev int, origin, seedHash, action, by, comment string, now time.Time, deleted bool) error {
	rev := prev + 1
	r := Revision{ID: fmt.Sprintf("%s#%d", p.ID, rev), ProcedureID: p.ID, Revision: rev, Action: action, By: by, At: now.UTC(), Comment: comment, Procedure: p}
	if _, err := s.revs().InsertOne(ctx, r); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("procedure %q revision %d was written concurrently: %w", p.ID, rev, ErrConflict)
		}
		return fmt.Errorf("store: save revision: %w", err)
	}
	doc := procedureDoc{ID: p.ID, Procedure: p, Revision: rev, Deleted: deleted, Origin: origin, SeedHash: seedHash, ContentHash: p.ContentHash(), UpdatedAt: now.UTC(), UpdatedBy: by}
	if prev == 0 {
		if _, err := s.col().InsertOne(ctx, doc); err != nil {
			_, _ = s.revs().DeleteOne(ctx, bson.M{"_id": r.ID})
			if mongo.IsDuplicateKeyError(err) {
				return fmt.Errorf("procedure %q was created concurrently: %w", p.ID, ErrConflict)
			}
			return fmt.Errorf("store: create procedure: %w", err)
		}
	} else {
		res, err := s.col().ReplaceOne(ctx, bson.M{"_id": p.ID, "revision": prev}, doc)
		if err != nil {
			return fmt.Errorf("store: save procedure: %w", err)
		}
		if res.MatchedCount == 0 {
			_, _ = s.revs().DeleteOne(ctx, bson.M{"_id": r.ID})
			return fmt.Errorf("procedure %q changed concurrently: %w", p.ID, ErrConflict)
		}
	}
	return s.bumpVersion(ctx)
}

// Revisions lists a procedure's history, oldest first.
func (s *Procedures) Revisions(ctx context.Context, id string) ([]Revision, error) {
	cur, err := s.revs().Find(ctx, bson.M{"procedure_id": id}, options.Find().SetSort(bson.D{{Key: "revision", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: revisions: %w", err)
	}
	var out []Revision
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: revisions: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("procedure %q: %w", id, ErrNotFound)
	}
	return out, nil
}

// Version is a counter bumped on every knowledge-base change; instances poll it
// to reload their index when another instance changed something.
func (s *Procedures) Version(ctx context.Context) (int64, error) {
	var m struct {
		V int64 `bson:"v"`
	}
	err := s.db.db.Collection(colMeta).FindOne(ctx, bson.M{"_id": "kb_version"}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: kb version: %w", err)
	}
	return m.V, nil
}

// BumpVersion makes every instance reload its index.
func (s *Procedures) BumpVersion(ctx context.Context) error { return s.bumpVersion(ctx) }

func (s *Procedures) bumpVersion(ctx context.Context) error {
	_, err := s.db.db.Collection(colMeta).UpdateOne(ctx, bson.M{"_id": "kb_version"}, bson.M{"$inc": bson.M{"v": 1}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: bump kb version: %w", err)
	}
	return nil
}

// ProcedureSummary is one row of the staff procedure list.
type ProcedureSummary struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Field        string `json:"field"`
	Kind         string `json:"kind"`
	NationalCode string `json:"national_code,omitempty"`
	// NationalCodes are the official codes a curated guide explains.
	NationalCodes []string `json:"national_codes,omitempty"`
	Level         string   `json:"level,omitempty"`
	Agency        string   `json:"agency,omitempty"`
	// GuideID is, for an official record, the curated guide (in force) that
	// names its code in national_codes.
	GuideID string `json:"guide_id,omitempty"`
	// ReviewedAt is when a person last checked a curated guide (YYYY-MM-DD).
	ReviewedAt string    `json:"reviewed_at,omitempty"`
	Revision   int       `json:"revision"`
	Deleted    bool      `json:"deleted"`
	Origin     string    `json:"origin"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  string    `json:"updated_by"`
}

// summaryFields are the stored fields a ProcedureSummary needs.
var summaryFields = bson.M{"revision": 1, "deleted": 1, "origin": 1, "updated_at": 1, "updated_by": 1,
	"procedure.id": 1, "procedure.title": 1, "procedure.field": 1, "procedure.kind": 1, "procedure.national_code": 1,
	"procedure.national_codes": 1, "procedure.level": 1, "procedure.agency": 1, "procedure.reviewed_at": 1}

// List returns every procedure, withdrawn ones included, sorted by id; an
// official record carries the id of the curated guide that names its code.
func (s *Procedures) List(ctx context.Context) ([]ProcedureSummary, error) {
	cur, err := s.col().Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(summaryFields))
	if err != nil {
		return nil, fmt.Errorf("store: list procedures: %w", err)
	}
	var docs []procedureDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("store: list procedures: %w", err)
	}
	guides := map[string]string{}
	for _, d := range docs {
		if !d.Procedure.IsOfficial() && !d.Deleted {
			for _, c := range d.Procedure.NationalCodes {
				if guides[c] == "" {
					guides[c] = d.ID
				}
			}
		}
	}
	out := make([]ProcedureSummary, len(docs))
	for i, d := range docs {
		p := d.Procedure
		kind := p.Kind
		if kind == "" {
			kind = knowledge.KindCurated
		}
		out[i] = ProcedureSummary{ID: d.ID, Title: p.Title, Field: p.Field, Kind: kind, NationalCode: p.NationalCode,
			NationalCodes: p.NationalCodes, Level: p.Level, Agency: p.Agency, ReviewedAt: p.ReviewedAt, Revision: d.Revision, Deleted: d.Deleted,
			Origin: d.Origin, UpdatedAt: d.UpdatedAt, UpdatedBy: d.UpdatedBy}
		if p.IsOfficial() {
			out[i].GuideID = guides[p.NationalCode]
		}
	}
	return out, nil
}

// Restore makes the content of an earlier revision current again, as a new
// revision (a withdrawn procedure comes back).
func (s *Procedures) Restore(ctx context.Context, id string, revision int, by, comment string, now time.Time) (int, error) {
	cur, err := s.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	var old Revision
	if err := s.revs().FindOne(ctx, bson.M{"_id": fmt.Sprintf("%s#%d", id, revision)}).Decode(&old); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return 0, fmt.Errorf("procedure %q has no revision %d: %w", id, revision, ErrNotFound)
		}
		return 0, fmt.Errorf("store: read revision: %w", err)
	}
	p := old.Procedure
	p.UpdatedAt = now.UTC()
	if comment == "" {
		comment = fmt.Sprintf("khôi phục bản %d", revision)
	}
	if err := s.write(ctx, p, cur.Revision, OriginStaff, "", "restore", by, comment, now, false); err != nil {
		return 0, err
	}
	return cur.Revision + 1, nil
}

// Expansions returns the staff-edited expansion dictionary; ok is false when
// staff never saved one (the bundled file applies).
func (s *Procedures) Expansions(ctx context.Context) (list []knowledge.Expansion, ok bool, err error) {
	var doc struct {
		List []knowledge.Expansion `bson:"list"`
	}
	err = s.db.db.Collection(colMeta).FindOne(ctx, bson.M{"_id": "expansions"}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: expansions: %w", err)
	}
	return doc.List, true, nil
}

// SaveExpansions stores the dictionary and makes every instance reload.
func (s *Procedures) SaveExpansions(ctx context.Context, list []knowledge.Expansion, by string, now time.Time) error {
	_, err := s.db.db.Collection(colMeta).ReplaceOne(ctx, bson.M{"_id": "expansions"},
		bson.M{"_id": "expansions", "list": list, "updated_by": by, "updated_at": now.UTC()}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: save expansions: %w", err)
	}
	return s.bumpVersion(ctx)
}

// ChangedSince returns every procedure (withdrawn ones included) written at or
// after t, for instances that keep their index in step incrementally.
func (s *Procedures) ChangedSince(ctx context.Context, t time.Time) ([]StoredProcedure, time.Time, error) {
	cur, err := s.col().Find(ctx, bson.M{"updated_at": bson.M{"$gte": t}})
	if err != nil {
		return nil, t, fmt.Errorf("store: changed procedures: %w", err)
	}
	var docs []procedureDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, t, fmt.Errorf("store: changed procedures: %w", err)
	}
	latest := t
	out := make([]StoredProcedure, len(docs))
	for i, d := range docs {
		out[i] = d.stored()
		if d.UpdatedAt.After(latest) {
			latest = d.UpdatedAt
		}
	}
	return out, latest, nil
}
