package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// StaffMember is a staff record. Tokens are stored only as SHA-256 hashes.
type StaffMember struct {
	ID        string     `bson:"_id" json:"id"`
	Name      string     `bson:"name" json:"name"`
	Roles     []string   `bson:"roles" json:"roles"`
	TokenHash string     `bson:"token_hash" json:"-"`
	CreatedAt time.Time  `bson:"created_at" json:"created_at"`
	CreatedBy string     `bson:"created_by" json:"created_by"`
	RevokedAt *time.Time `bson:"revoked_at,omitempty" json:"revoked_at,omitempty"`
	Revoked   bool       `bson:"revoked" json:"revoked"`
}

// Staff stores staff members and their tokens.
type Staff struct{ db *DB }

// Staff returns the staff store.
func (d *DB) Staff() *Staff { return &Staff{db: d} }

func (s *Staff) col() *mongo.Collection { return s.db.db.Collection(colStaff) }

// HashToken is how tokens are stored and compared.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Create adds a staff member and returns it with its token (shown once).
func (s *Staff) Create(ctx context.Context, name string, roles []string, by string, now time.Time) (StaffMember, string, error) {
	token := "dvc_" + randomHex(24)
	m := StaffMember{ID: "st_" + randomHex(6), Name: name, Roles: roles, TokenHash: HashToken(token), CreatedAt: now.UTC(), CreatedBy: by}
	if _, err := s.col().InsertOne(ctx, m); err != nil {
		return StaffMember{}, "", fmt.Errorf("store: create staff: %w", err)
	}
	return m, token, nil
}

// ByToken returns the active staff member holding token, or ErrNotFound.
func (s *Staff) ByToken(ctx context.Context, token string) (StaffMember, error) {
	var m StaffMember
	err := s.col().FindOne(ctx, bson.M{"token_hash": HashToken(token), "revoked": false}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return m, fmt.Errorf("staff token: %w", ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("store: staff: %w", err)
	}
	return m, nil
}

// List returns every staff member, newest first.
func (s *Staff) List(ctx context.Context) ([]StaffMember, error) {
	cur, err := s.col().Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("store: list staff: %w", err)
	}
	out := []StaffMember{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: list staff: %w", err)
	}
	return out, nil
}

// Revoke disables a staff member's token; revoking twice is ErrNotFound.
func (s *Staff) Revoke(ctx context.Context, id string, now time.Time) error {
	n := now.UTC()
	res, err := s.col().UpdateOne(ctx, bson.M{"_id": id, "revoked": false}, bson.M{"$set": bson.M{"revoked": true, "revoked_at": n}})
	if err != nil {
		return fmt.Errorf("store: revoke staff: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("staff %q: %w", id, ErrNotFound)
	}
	return nil
}

// AuditEntry is one staff action.
type AuditEntry struct {
	At     time.Time `bson:"at" json:"at"`
	Staff  string    `bson:"staff" json:"staff"`
	Action string    `bson:"action" json:"action"`
	Target string    `bson:"target" json:"target"`
	Detail string    `bson:"detail,omitempty" json:"detail,omitempty"`
}

// StaffAudit records staff actions.
type StaffAudit struct{ db *DB }

// StaffAudit returns the staff audit log.
func (d *DB) StaffAudit() *StaffAudit { return &StaffAudit{db: d} }

// Record appends one entry.
func (a *StaffAudit) Record(ctx context.Context, e AuditEntry) error {
	if _, err := a.db.db.Collection(colStaffAudit).InsertOne(ctx, e); err != nil {
		return fmt.Errorf("store: staff audit: %w", err)
	}
	return nil
}

// Recent returns the newest entries.
func (a *StaffAudit) Recent(ctx context.Context, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	cur, err := a.db.db.Collection(colStaffAudit).Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("store: staff audit: %w", err)
	}
	out := []AuditEntry{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: staff audit: %w", err)
	}
	return out, nil
}
