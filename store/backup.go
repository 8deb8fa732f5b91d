package store

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// BackupFormat names the backup file format: gzip-compressed JSON Lines, a
// header line, then one line per document, {"c": collection, "d": document in
// canonical extended JSON} (types such as dates and 64-bit numbers survive).
const BackupFormat = "dvcbot-backup-v1"

type backupHeader struct {
	Format      string    `json:"format"`
	Database    string    `json:"database"`
	At          time.Time `json:"at"`
	Collections []string  `json:"collections"`
	Snapshot    bool      `json:"snapshot"` // read at one point in time (MongoDB replica sets)
}

type backupLine struct {
	C string          `json:"c"`
	D json.RawMessage `json:"d"`
}

// BackupStats says what a backup or restore moved.
type BackupStats struct {
	Collections int
	Documents   int
	Snapshot    bool
}

// Backup writes every collection of the database to w. On a MongoDB replica
// set the reads share one snapshot; the embedded store has one owner (dvcctl
// holds its lock, so the service is stopped) and is consistent by that.
func (d *DB) Backup(ctx context.Context, w io.Writer) (BackupStats, error) {
	var st BackupStats
	names, err := d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return st, fmt.Errorf("store: backup: list collections: %w", err)
	}
	sort.Strings(names)
	dump := func(ctx context.Context, snapshot bool) error {
		zw := gzip.NewWriter(w)
		bw := bufio.NewWriter(zw)
		enc := json.NewEncoder(bw)
		if err := enc.Encode(backupHeader{Format: BackupFormat, Database: d.db.Name(), At: time.Now().UTC(), Collections: names, Snapshot: snapshot}); err != nil {
			return err
		}
		st = BackupStats{Collections: len(names), Snapshot: snapshot}
		for _, name := range names {
			cur, err := d.db.Collection(name).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
			if err != nil {
				return fmt.Errorf("read %s: %w", name, err)
			}
			for cur.Next(ctx) {
				doc, err := bson.MarshalExtJSON(cur.Current, true, false)
				if err != nil {
					_ = cur.Close(ctx)
					return fmt.Errorf("encode a document of %s: %w", name, err)
				}
				if err := enc.Encode(backupLine{C: name, D: doc}); err != nil {
					_ = cur.Close(ctx)
					return err
				}
				st.Documents++
			}
			if err := cur.Err(); err != nil {
				_ = cur.Close(ctx)
				return fmt.Errorf("read %s: %w", name, err)
			}
			_ = cur.Close(ctx)
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return zw.Close()
	}
	if !d.embeddedMode && len(names) > 0 {
		// One snapshot for every read, where the server has them (replica sets);
		// probed first so that a standalone server falls back before anything
		// is written.
		if sess, err := d.client.StartSession(options.Session().SetSnapshot(true)); err == nil {
			defer sess.EndSession(ctx)
			sctx := mongo.NewSessionContext(ctx, sess)
			perr := d.db.Collection(names[0]).FindOne(sctx, bson.D{}).Err()
			if perr == nil || errors.Is(perr, mongo.ErrNoDocuments) {
				if err := dump(sctx, true); err != nil {
					return st, fmt.Errorf("store: backup: %w", err)
				}
				return st, nil
			}
			d.log.Warn("backup without a snapshot (the server has no snapshot reads); stop writers for a consistent copy", "err", perr)
		}
	}
	if err := dump(ctx, false); err != nil {
		return st, fmt.Errorf("store: backup: %w", err)
	}
	return st, nil
}

// Restore replaces the whole database with the backup read from r: every
// existing collection is dropped, the backup's documents are inserted and the
// indexes are made again. The file is read and checked completely before
// anything is dropped.
func (d *DB) Restore(ctx context.Context, r io.Reader) (BackupStats, error) {
	var st BackupStats
	zr, err := gzip.NewReader(r)
	if err != nil {
		return st, fmt.Errorf("store: restore: not a dvcbot backup (gzip): %w", err)
	}
	dec := json.NewDecoder(zr)
	var h backupHeader
	if err := dec.Decode(&h); err != nil || h.Format != BackupFormat {
		return st, fmt.Errorf("store: restore: not a %s file", BackupFormat)
	}
	docs := map[string][]any{}
	for {
		var l backupLine
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return st, fmt.Errorf("store: restore: damaged backup after %d documents: %w", st.Documents, err)
		}
		var doc bson.D
		if err := bson.UnmarshalExtJSON(l.D, true, &doc); err != nil {
			return st, fmt.Errorf("store: restore: document %d of %s: %w", st.Documents+1, l.C, err)
		}
		docs[l.C] = append(docs[l.C], doc)
		st.Documents++
	}
	existing, err := d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return st, fmt.Errorf("store: restore: list collections: %w", err)
	}
	for _, name := range existing {
		if err := d.db.Collection(name).Drop(ctx); err != nil {
			return st, fmt.Errorf("store: restore: drop %s: %w", name, err)
		}
	}
	for _, name := range h.Collections {
		if err := d.db.CreateCollection(ctx, name); err != nil {
			return st, fmt.Errorf("store: restore: create %s: %w", name, err)
		}
		all := docs[name]
		for len(all) > 0 {
			n := min(len(all), 500)
			if _, err := d.db.Collection(name).InsertMany(ctx, all[:n]); err != nil {
				return st, fmt.Errorf("store: restore: insert into %s: %w", name, err)
			}
			all = all[n:]
		}
	}
	st.Collections = len(h.Collections)
	if err := d.EnsureSchema(ctx); err != nil {
		return st, fmt.Errorf("store: restore: indexes: %w", err)
	}
	return st, nil
}
