package store

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/offices"
)

// colOffices holds the office directory (created on first write).
const colOffices = "offices"

// officeRecord is an office as stored.
type officeRecord struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	Level     string    `bson:"level"`
	Communes  []string  `bson:"communes"`
	Address   string    `bson:"address"`
	Phone     string    `bson:"phone"`
	Hours     string    `bson:"hours"`
	Lat       float64   `bson:"lat"`
	Lon       float64   `bson:"lon"`
	Fields    []string  `bson:"fields"`
	MapURL    string    `bson:"map_url"`
	UpdatedAt time.Time `bson:"updated_at"`
}

func toOfficeRecord(o offices.Office, now time.Time) officeRecord {
	return officeRecord{ID: o.ID, Name: o.Name, Level: o.Level, Communes: o.Communes, Address: o.Address, Phone: o.Phone,
		Hours: o.Hours, Lat: o.Lat, Lon: o.Lon, Fields: o.Fields, MapURL: o.MapURL, UpdatedAt: now.UTC()}
}

func (r officeRecord) office() offices.Office {
	o := offices.Office{ID: r.ID, Name: r.Name, Level: r.Level, Communes: r.Communes, Address: r.Address, Phone: r.Phone,
		Hours: r.Hours, Lat: r.Lat, Lon: r.Lon, Fields: r.Fields, MapURL: r.MapURL}
	if o.Communes == nil {
		o.Communes = []string{}
	}
	if o.Fields == nil {
		o.Fields = []string{}
	}
	return o
}

// Offices is the office directory. It implements bot.OfficeDirectory with an
// in-memory snapshot, rebuilt after every write of this process and at most
// OfficeRefresh after a write of another one.
type Offices struct {
	db *DB

	writeMu sync.Mutex // serialises imports of this process

	mu     sync.Mutex
	dir    *offices.Directory
	loaded time.Time
}

// OfficeRefresh is how stale the directory snapshot may get when another
// instance writes.
const OfficeRefresh = 5 * time.Second

var _ bot.OfficeDirectory = (*Offices)(nil)

// NewOffices returns the office directory of this store. Its snapshot cache
// lives in the value: make one per process and share it.
func (d *DB) NewOffices() *Offices { return &Offices{db: d} }

func (s *Offices) col() *mongo.Collection { return s.db.db.Collection(colOffices) }

// List returns every office, sorted by id.
func (s *Offices) List(ctx context.Context) ([]offices.Office, error) {
	cur, err := s.col().Find(ctx, bson.M{})
	if err != nil {
		return nil, fmt.Errorf("store: list offices: %w", err)
	}
	var recs []officeRecord
	if err := cur.All(ctx, &recs); err != nil {
		return nil, fmt.Errorf("store: list offices: %w", err)
	}
	out := make([]offices.Office, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.office())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Upsert saves the offices (validated by the caller) by id and returns how many
// were saved. When any of them is not a sample office, the bundled sample
// directory is removed: the province's own import replaces it.
func (s *Offices) Upsert(ctx context.Context, list []offices.Office, now time.Time) (int, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	defer s.invalidate()
	own := false
	n := 0
	for _, o := range list {
		rec := toOfficeRecord(o, now)
		if _, err := s.col().ReplaceOne(ctx, bson.M{"_id": o.ID}, rec, options.Replace().SetUpsert(true)); err != nil {
			return n, fmt.Errorf("store: save office %s: %w", o.ID, err)
		}
		n++
		own = own || !o.IsSample()
	}
	if !own {
		return n, nil
	}
	all, err := s.List(ctx)
	if err != nil {
		return n, err
	}
	var sample []string
	for _, o := range all {
		if o.IsSample() {
			sample = append(sample, o.ID)
		}
	}
	if len(sample) > 0 {
		if _, err := s.col().DeleteMany(ctx, bson.M{"_id": bson.M{"$in": sample}}); err != nil {
			return n, fmt.Errorf("store: remove the sample offices: %w", err)
		}
	}
	return n, nil
}

// Delete removes one office, or returns an error wrapping ErrNotFound.
func (s *Offices) Delete(ctx context.Context, id string) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	defer s.invalidate()
	res, err := s.col().DeleteOne(ctx, bson.M{"_id": id})
	if err != nil {
		return fmt.Errorf("store: delete office %s: %w", id, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("office %s: %w", id, ErrNotFound)
	}
	return nil
}

// SeedSample imports the bundled sample directory when the directory is empty
// and reports whether it did.
func (s *Offices) SeedSample(ctx context.Context, now time.Time) (bool, error) {
	n, err := s.col().CountDocuments(ctx, bson.M{})
	if err != nil {
		return false, fmt.Errorf("store: count offices: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	sample, err := offices.Sample()
	if err != nil {
		return false, err
	}
	if _, err := s.Upsert(ctx, sample, now); err != nil {
		return false, err
	}
	return true, nil
}

// Directory returns the current snapshot of the directory (bot.OfficeDirectory).
func (s *Offices) Directory(ctx context.Context) (*offices.Directory, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir != nil && time.Since(s.loaded) < OfficeRefresh {
		return s.dir, nil
	}
	list, err := s.List(ctx)
	if err != nil {
		if s.dir != nil {
			return s.dir, nil // a stale directory beats none
		}
		return nil, err
	}
	s.dir, s.loaded = offices.NewDirectory(list), time.Now()
	return s.dir, nil
}

func (s *Offices) invalidate() {
	s.mu.Lock()
	s.dir = nil
	s.mu.Unlock()
}
