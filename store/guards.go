package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/dossier"
)

// Guards implements dossier.Guards on the lookup_guards collection: small,
// expiring counter documents keyed by _id.
type Guards struct{ db *DB }

var _ dossier.Guards = (*Guards)(nil)

// Guards returns the guard store.
func (d *DB) Guards() *Guards { return &Guards{db: d} }

type guardDoc struct {
	ID        string    `bson:"_id"`
	N         int64     `bson:"n"`
	ExpiresAt time.Time `bson:"expires_at"`
}

func (g *Guards) col() *mongo.Collection { return g.db.db.Collection(colLookupGuards) }

// Incr adds one to key within its window, starting a new window of ttl when the
// key is absent or expired, and returns the count.
func (g *Guards) Incr(ctx context.Context, key string, ttl time.Duration, now time.Time) (int64, error) {
	var cur guardDoc
	err := g.col().FindOneAndUpdate(ctx, bson.M{"_id": key}, bson.M{"$inc": bson.M{"n": 1}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&cur)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
	case err != nil:
		return 0, fmt.Errorf("store: guard: %w", err)
	case cur.ExpiresAt.After(now):
		return cur.N, nil
	}
	fresh := guardDoc{ID: key, N: 1, ExpiresAt: now.Add(ttl)}
	if _, err := g.col().ReplaceOne(ctx, bson.M{"_id": key}, fresh, options.Replace().SetUpsert(true)); err != nil {
		return 0, fmt.Errorf("store: guard: %w", err)
	}
	return 1, nil
}

// Count returns key's count, 0 when absent or expired.
func (g *Guards) Count(ctx context.Context, key string, now time.Time) (int64, error) {
	var cur guardDoc
	err := g.col().FindOne(ctx, bson.M{"_id": key}).Decode(&cur)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: guard: %w", err)
	}
	if !cur.ExpiresAt.After(now) {
		return 0, nil
	}
	return cur.N, nil
}

// Set sets key to 1 for ttl.
func (g *Guards) Set(ctx context.Context, key string, ttl time.Duration, now time.Time) error {
	_, err := g.col().ReplaceOne(ctx, bson.M{"_id": key}, guardDoc{ID: key, N: 1, ExpiresAt: now.Add(ttl)}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: guard: %w", err)
	}
	return nil
}

// LookupAudit implements dossier.Auditor: records kept for AuditRetention.
type LookupAudit struct{ db *DB }

// AuditRetention is how long lookup attempts are kept.
const AuditRetention = 90 * 24 * time.Hour

// LookupAudit returns the audit store.
func (d *DB) LookupAudit() *LookupAudit { return &LookupAudit{db: d} }

// Audit stores one record.
func (a *LookupAudit) Audit(ctx context.Context, r dossier.AuditRecord) error {
	doc := struct {
		dossier.AuditRecord `bson:",inline"`
		ExpiresAt           time.Time `bson:"expires_at"`
	}{r, r.At.Add(AuditRetention)}
	if _, err := a.db.db.Collection(colLookupAudit).InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// Recent returns the newest audit records.
func (a *LookupAudit) Recent(ctx context.Context, limit int) ([]dossier.AuditRecord, error) {
	cur, err := a.db.db.Collection(colLookupAudit).Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("store: audit: %w", err)
	}
	out := []dossier.AuditRecord{}
	return out, cur.All(ctx, &out)
}
