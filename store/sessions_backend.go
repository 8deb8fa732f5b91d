package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/dvcbot/dvcbot/bot"
)

// Sessions implements bot.SessionStore on one of two backends, chosen once
// when the DB is opened:
//
//   - shared (MongoDB through MONGODB_URI, several instances): a session is one
//     document keyed by _id, saved with compare-and-set on its version; the
//     database is the only coordination (docSessions);
//   - embedded (this process owns the server): on FerretDB a keyed read or
//     write costs a table scan (it does not use its _id index for them), so
//     sessions live in memory and every save appends an immutable version to
//     the session_log collection (an insert, which stays fast); the latest
//     versions are read back at start and superseded ones are deleted in the
//     background (logSessions). The data dir lock makes memory the single
//     source for reads.
type Sessions struct {
	backend sessionBackend
	now     func() time.Time
}

var _ bot.SessionStore = (*Sessions)(nil)

// sessionBackend stores sessions; Sessions adds what both share (expiry).
type sessionBackend interface {
	// get returns the stored session, a zero one when there is none.
	get(ctx context.Context, key string) (bot.Session, error)
	// put stores sess as version prev+1 if prev is still the stored version,
	// else fails with ErrConflict. It sets sess.Version only on success.
	put(ctx context.Context, sess *bot.Session, prev int64) error
	// compact does the backend's background clean-up.
	compact(ctx context.Context, now time.Time) error
	// ready reports whether the backend could load what it needs.
	ready() error
}

// Sessions returns the session store (one per DB; the embedded backend is
// loaded from its log on first use).
func (d *DB) Sessions() *Sessions {
	d.sessOnce.Do(func() {
		if d.Embedded() {
			l := &logSessions{db: d, mem: map[string]bot.Session{}}
			l.writes = &insertBatcher{col: l.logCol}
			l.loadErr = l.loadLog(context.Background())
			d.sessions = &Sessions{backend: l, now: time.Now}
		} else {
			d.sessions = &Sessions{backend: docSessions{db: d}, now: time.Now}
		}
	})
	return d.sessions
}

// loadErr reports a failure to load the embedded backend at start.
func (s *Sessions) loadErr() error { return s.backend.ready() }

// LoadSession returns the stored session, or a zero Session (Version 0) when there
// is none, or a fresh one (same Version, for compare-and-set) when it expired.
func (s *Sessions) LoadSession(ctx context.Context, key string) (bot.Session, error) {
	sess, err := s.backend.get(ctx, key)
	if err != nil {
		return bot.Session{}, err
	}
	if sess.Key != "" && !sess.ExpiresAt.IsZero() && sess.ExpiresAt.Before(s.now()) {
		// Expired but not swept yet: start afresh, keeping the version for CAS.
		return bot.Session{Key: key, Channel: sess.Channel, ChatID: sess.ChatID, Version: sess.Version, CreatedAt: s.now()}, nil
	}
	return sess, nil
}

// SaveSession writes sess when its Version is still the stored one and bumps it;
// a concurrent save makes it fail with ErrConflict.
func (s *Sessions) SaveSession(ctx context.Context, sess *bot.Session) error {
	return s.backend.put(ctx, sess, sess.Version)
}

// Compact deletes superseded session versions from the log and forgets expired
// sessions (embedded backend; on MongoDB TTL and the sweeper expire whole
// sessions, so it does nothing).
func (s *Sessions) Compact(ctx context.Context, now time.Time) error {
	return s.backend.compact(ctx, now)
}

// docSessions is the shared backend: one document per session.
type docSessions struct{ db *DB }

func (d docSessions) col() *mongo.Collection { return d.db.db.Collection(colSessions) }

func (d docSessions) ready() error { return nil }

func (d docSessions) compact(context.Context, time.Time) error { return nil }

func (d docSessions) get(ctx context.Context, key string) (bot.Session, error) {
	var sess bot.Session
	err := d.col().FindOne(ctx, bson.M{"_id": key}).Decode(&sess)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return bot.Session{}, nil
	case err != nil:
		return bot.Session{}, fmt.Errorf("store: load session: %w", err)
	}
	return sess, nil
}

func (d docSessions) put(ctx context.Context, sess *bot.Session, prev int64) error {
	next := *sess
	next.Version = prev + 1
	if prev == 0 {
		_, err := d.col().InsertOne(ctx, &next)
		switch {
		case err == nil:
			sess.Version = next.Version
			return nil
		case mongo.IsDuplicateKeyError(err):
			return fmt.Errorf("session %s: %w", sess.Key, ErrConflict)
		}
		return fmt.Errorf("store: save session: %w", err)
	}
	res, err := d.col().ReplaceOne(ctx, bson.M{"_id": sess.Key, "version": prev}, &next)
	if err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("session %s changed concurrently: %w", sess.Key, ErrConflict)
	}
	sess.Version = next.Version
	return nil
}

// logSessions is the embedded backend: memory in front of an append-only log.
type logSessions struct {
	db *DB

	mu       sync.Mutex
	mem      map[string]bot.Session // latest version of each session
	inflight map[string]bool        // sessions whose next version is being written
	stale    []string               // superseded session_log ids
	loadErr  error                  // reading the log at start failed

	writes *insertBatcher // concurrent saves share one insertMany (group commit)
}

type sessionLogDoc struct {
	ID        string      `bson:"_id"` // key#version
	Key       string      `bson:"key"`
	Version   int64       `bson:"v"`
	Session   bot.Session `bson:"s"`
	ExpiresAt time.Time   `bson:"expires_at"`
}

func (l *logSessions) logCol() *mongo.Collection { return l.db.db.Collection(colSessionLog) }

func (l *logSessions) ready() error { return l.loadErr }

// loadLog rebuilds the in-memory sessions from the log.
func (l *logSessions) loadLog(ctx context.Context) error {
	cur, err := l.logCol().Find(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("store: load sessions: %w", err)
	}
	defer cur.Close(ctx)
	mem := map[string]bot.Session{}
	var stale []string
	for cur.Next(ctx) {
		var d sessionLogDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("store: decode session: %w", err)
		}
		if old, ok := mem[d.Key]; ok {
			if old.Version > d.Version {
				stale = append(stale, d.ID)
				continue
			}
			stale = append(stale, logID(d.Key, old.Version))
		}
		mem[d.Key] = d.Session
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("store: load sessions: %w", err)
	}
	l.mu.Lock()
	l.mem, l.stale = mem, stale
	l.mu.Unlock()
	return nil
}

func logID(key string, v int64) string { return fmt.Sprintf("%s#%d", key, v) }

func (l *logSessions) get(_ context.Context, key string) (bot.Session, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mem[key], nil
}

// put appends the next version of sess to the log (group-committed with
// concurrent saves) and makes it current once stored; a save over a version
// that is not current, or of a session whose previous save is still being
// written, is ErrConflict.
func (l *logSessions) put(ctx context.Context, sess *bot.Session, prev int64) error {
	l.mu.Lock()
	if l.loadErr != nil {
		l.mu.Unlock()
		return fmt.Errorf("store: sessions were not loaded: %w", l.loadErr)
	}
	if cur := l.mem[sess.Key]; cur.Version != prev || l.inflight[sess.Key] {
		l.mu.Unlock()
		return fmt.Errorf("session %s changed concurrently: %w", sess.Key, ErrConflict)
	}
	next := *sess
	next.Version = prev + 1
	doc := sessionLogDoc{ID: logID(sess.Key, next.Version), Key: sess.Key, Version: next.Version, Session: next, ExpiresAt: next.ExpiresAt}
	if l.inflight == nil {
		l.inflight = map[string]bool{}
	}
	l.inflight[sess.Key] = true
	l.mu.Unlock()

	err := l.writes.insert(doc)

	l.mu.Lock()
	delete(l.inflight, sess.Key)
	if err == nil {
		l.mem[sess.Key] = next
		if prev > 0 {
			l.stale = append(l.stale, logID(sess.Key, prev))
		}
	}
	l.mu.Unlock()
	switch {
	case err == nil:
		sess.Version = next.Version
		return nil
	case mongo.IsDuplicateKeyError(err) || errors.Is(err, errDuplicate):
		return fmt.Errorf("session %s: %w", sess.Key, ErrConflict)
	}
	return fmt.Errorf("store: save session: %w", err)
}

// compact forgets expired sessions and deletes superseded versions from the
// log, in chunks with pauses between them (DB.deleteIDs); what it could not
// delete (an error, or ctx ended) waits for the next run.
func (l *logSessions) compact(ctx context.Context, now time.Time) error {
	l.mu.Lock()
	batch := l.stale
	l.stale = nil
	for k, v := range l.mem {
		if !v.ExpiresAt.IsZero() && v.ExpiresAt.Before(now) {
			delete(l.mem, k)
		}
	}
	l.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	done, err := l.db.deleteIDs(ctx, colSessionLog, batch)
	if done < len(batch) {
		l.mu.Lock()
		l.stale = append(batch[done:len(batch):len(batch)], l.stale...)
		l.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("store: compact sessions: %w", err)
	}
	return nil
}
