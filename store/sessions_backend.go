package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dvcbot/dvcbot/bot"
)

// Sessions implements bot.SessionStore on one of two backends, chosen once
// when the DB is opened:
//
//   - shared (MongoDB through MONGODB_URI, several instances): a session is one
//     document keyed by _id, saved with compare-and-set on its version; the
//     database is the only coordination (docSessions);
//   - embedded (this process owns the server): every save appends an
//     immutable version to the session_log collection (an insert, group
//     committed, written on the embedded file's own connection, beside
//     FerretDB, whose insert path costs several times the SQLite work;
//     FerretDB still reads such rows as its own); sessions in use are kept in
//     memory, loaded from the log when first asked for (nothing is read at
//     start) and forgotten when idle; superseded versions are deleted in the
//     background (logSessions). The data dir lock makes memory the single
//     source for reads of the sessions it holds.
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
}

// Sessions returns the session store (one per DB).
func (d *DB) Sessions() *Sessions {
	d.sessOnce.Do(func() {
		if d.Embedded() {
			l := &logSessions{db: d, mem: map[string]*memSession{}, idle: SessionIdle, memCap: MaxSessionsInMemory}
			l.writes = &insertBatcher{col: l.logCol}
			if d.files != nil {
				l.writes.write = l.appendRows
				// Versions superseded before this start are among the rows
				// written so far (looked for by the first compaction).
				if n, err := d.files.lastRow(context.Background(), d.db.Name(), colSessionLog); err == nil {
					l.oldUpTo = n
				} else {
					l.oldUpTo = -1 // unknown: look through all
				}
			}
			d.sessions = &Sessions{backend: l, now: time.Now}
		} else {
			d.sessions = &Sessions{backend: docSessions{db: d}, now: time.Now}
		}
	})
	return d.sessions
}

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

// SessionIdle is how long the embedded backend keeps a session nobody uses in
// memory; it is read from the log again when asked for.
const SessionIdle = 10 * time.Minute

// MaxSessionsInMemory is the most sessions the embedded backend keeps in memory
// (the least recently used go first; about 3 KB each).
const MaxSessionsInMemory = 20000

// logSessions is the embedded backend: memory in front of an append-only log.
type logSessions struct {
	db   *DB
	idle time.Duration // memory forgets sessions unused this long

	mu        sync.Mutex
	mem       map[string]*memSession // sessions in use, with their latest version
	inflight  map[string]bool        // sessions whose next version is being written
	stale     []string               // superseded session_log ids
	evictions int64                  // counts forgetting passes (a load that raced one is not kept)
	oldSeen   bool                   // versions superseded before this process started were looked for
	oldUpTo   int64                  // the log's last row at start (-1: unknown)
	memCap    int                    // most sessions kept in memory

	writes *insertBatcher // concurrent saves share one insertMany (group commit)
}

// memSession is a session in memory; a zero Version means none is stored.
type memSession struct {
	sess bot.Session
	used time.Time
}

// sessionLogDoc is one version in the session log. Versions are written with
// the session BSON-encoded in Blob (base64); versions written before that
// carry it as a document in Session.
type sessionLogDoc struct {
	ID        string       `bson:"_id"` // key#version
	Key       string       `bson:"key"`
	Version   int64        `bson:"v"`
	Blob      string       `bson:"b,omitempty"`
	Session   *bot.Session `bson:"s,omitempty"`
	ExpiresAt time.Time    `bson:"expires_at"`
}

// newLogDoc is version sess.Version of sess as the log stores it.
func newLogDoc(sess bot.Session) (sessionLogDoc, error) {
	raw, err := bson.Marshal(sess)
	if err != nil {
		return sessionLogDoc{}, fmt.Errorf("store: encode session: %w", err)
	}
	return sessionLogDoc{ID: logID(sess.Key, sess.Version), Key: sess.Key, Version: sess.Version,
		Blob: base64.StdEncoding.EncodeToString(raw), ExpiresAt: sess.ExpiresAt}, nil
}

// decodeBlob is the session a log version's Blob encodes.
func decodeBlob(blob string) (bot.Session, error) {
	raw, err := base64.StdEncoding.DecodeString(blob)
	if err != nil {
		return bot.Session{}, fmt.Errorf("store: decode session: %w", err)
	}
	var s bot.Session
	if err := bson.Unmarshal(raw, &s); err != nil {
		return bot.Session{}, fmt.Errorf("store: decode session: %w", err)
	}
	return s, nil
}

// session is the version's session, whichever way it was written (a zero
// one when it carries none).
func (d sessionLogDoc) session() (bot.Session, error) {
	switch {
	case d.Blob != "":
		return decodeBlob(d.Blob)
	case d.Session != nil:
		return *d.Session, nil
	}
	return bot.Session{}, nil
}

// appendRows is the group commit's write: the versions go straight into the
// embedded file (appendLog); when its layout is not the one assumed, through
// the driver.
func (l *logSessions) appendRows(docs []any) []error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows := make([]sessionLogDoc, len(docs))
	for i, d := range docs {
		rows[i] = d.(sessionLogDoc)
	}
	errs, err := l.db.files.appendLog(ctx, l.db.db.Name(), rows)
	switch {
	case err == nil:
		return errs
	case l.db.maintenanceUnavailable(err):
		return insertDocs(ctx, l.logCol(), docs)
	}
	errs = make([]error, len(docs))
	for i := range errs {
		errs[i] = err
	}
	return errs
}

func (l *logSessions) logCol() *mongo.Collection { return l.db.db.Collection(colSessionLog) }

func logID(key string, v int64) string { return fmt.Sprintf("%s#%d", key, v) }

func (l *logSessions) get(ctx context.Context, key string) (bot.Session, error) {
	return l.current(ctx, key)
}

// current returns key's latest version, from memory or else from the log.
func (l *logSessions) current(ctx context.Context, key string) (bot.Session, error) {
	l.mu.Lock()
	if m := l.mem[key]; m != nil {
		m.used = time.Now()
		l.mu.Unlock()
		return m.sess, nil
	}
	gen := l.evictions
	l.mu.Unlock()

	sess, err := l.readLatest(ctx, key)
	if err != nil {
		return bot.Session{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if m := l.mem[key]; m != nil { // loaded or saved meanwhile: that is newer
		m.used = time.Now()
		return m.sess, nil
	}
	if gen == l.evictions { // else the log may have moved on past what was read
		l.mem[key] = &memSession{sess: sess, used: time.Now()}
	}
	return sess, nil
}

// readLatest reads key's latest version from the log (a zero session when it
// has none): from the embedded file's key index, or when the version was
// written as a document (before sessions were stored encoded), its id from
// there and the document by _id through the server; without the embedded
// files, by a query on key.
func (l *logSessions) readLatest(ctx context.Context, key string) (bot.Session, error) {
	var d sessionLogDoc
	filter := bson.M{"key": key}
	opts := options.FindOne().SetSort(bson.D{{Key: "v", Value: -1}})
	if f := l.db.files; f != nil {
		id, blob, err := f.latestLog(ctx, l.db.db.Name(), key)
		switch {
		case err == nil && id == "":
			return bot.Session{}, nil
		case err == nil && blob != "":
			return decodeBlob(blob)
		case err == nil:
			filter, opts = bson.M{"_id": id}, nil
		case !l.db.maintenanceUnavailable(err):
			return bot.Session{}, fmt.Errorf("store: load session: %w", err)
		}
	}
	err := l.logCol().FindOne(ctx, filter, opts).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		// Swept between the two reads: it expired, and so did older versions.
		return bot.Session{}, nil
	case err != nil:
		return bot.Session{}, fmt.Errorf("store: load session: %w", err)
	}
	return d.session()
}

// put appends the next version of sess to the log (group-committed with
// concurrent saves) and makes it current once stored; a save over a version
// that is not current, or of a session whose previous save is still being
// written, is ErrConflict.
func (l *logSessions) put(ctx context.Context, sess *bot.Session, prev int64) error {
	if _, err := l.current(ctx, sess.Key); err != nil {
		return err
	}
	l.mu.Lock()
	m := l.mem[sess.Key]
	if m == nil || m.sess.Version != prev || l.inflight[sess.Key] {
		// (m is nil only when a forgetting pass raced the load: try again.)
		l.mu.Unlock()
		return fmt.Errorf("session %s changed concurrently: %w", sess.Key, ErrConflict)
	}
	next := *sess
	next.Version = prev + 1
	doc, err := newLogDoc(next)
	if err != nil {
		l.mu.Unlock()
		return err
	}
	if l.inflight == nil {
		l.inflight = map[string]bool{}
	}
	l.inflight[sess.Key] = true
	l.mu.Unlock()

	err = l.writes.insert(doc)

	l.mu.Lock()
	delete(l.inflight, sess.Key)
	dup := mongo.IsDuplicateKeyError(err) || errors.Is(err, errDuplicate)
	switch {
	case err == nil:
		m.sess, m.used = next, time.Now()
		l.mem[sess.Key] = m
		if prev > 0 {
			l.stale = append(l.stale, logID(sess.Key, prev))
		}
	case dup:
		delete(l.mem, sess.Key) // the log knows better: read it again
	}
	l.mu.Unlock()
	switch {
	case err == nil:
		sess.Version = next.Version
		return nil
	case dup:
		return fmt.Errorf("session %s: %w", sess.Key, ErrConflict)
	}
	return fmt.Errorf("store: save session: %w", err)
}

// compact forgets expired sessions and deletes superseded versions from the
// log, in chunks with pauses between them (DB.deleteIDs); what it could not
// delete (an error, or ctx ended) waits for the next run.
func (l *logSessions) compact(ctx context.Context, now time.Time) error {
	l.mu.Lock()
	oldSeen := l.oldSeen
	l.mu.Unlock()
	var old []string
	if !oldSeen && l.db.files != nil && l.oldUpTo != 0 {
		// Versions superseded before this process started (not compacted
		// before a crash): found once, on this process's own connection.
		start := time.Now()
		upTo := l.oldUpTo
		if upTo < 0 {
			upTo = 1<<63 - 1
		}
		ids, err := l.db.files.superseded(ctx, l.db.db.Name(), colSessionLog, upTo)
		l.db.log.Debug("versions superseded before start", "count", len(ids), "dur_ms", time.Since(start).Milliseconds(), "err", err)
		switch {
		case err == nil:
			old = ids
			oldSeen = true
		case l.db.maintenanceUnavailable(err):
			oldSeen = true // expiry sweeps them with the rest
		default:
			return fmt.Errorf("store: compact sessions: %w", err)
		}
	}
	l.mu.Lock()
	l.oldSeen = oldSeen
	batch := l.stale
	l.stale = nil
	l.mu.Unlock()
	if len(old) > 0 { // (turns wait for l.mu: not under it)
		seen := make(map[string]bool, len(batch))
		for _, id := range batch {
			seen[id] = true
		}
		for _, id := range old {
			if !seen[id] {
				batch = append(batch, id)
			}
		}
	}
	l.mu.Lock()
	l.evictions++
	for k, m := range l.mem {
		expired := !m.sess.ExpiresAt.IsZero() && m.sess.ExpiresAt.Before(now)
		if (expired || now.Sub(m.used) > l.idle) && !l.inflight[k] {
			delete(l.mem, k)
		}
	}
	over := len(l.mem) - l.memCap
	var used []time.Time
	if over > 0 {
		used = make([]time.Time, 0, len(l.mem))
		for _, m := range l.mem {
			used = append(used, m.used)
		}
	}
	l.mu.Unlock()
	if over > 0 { // forget the least recently used (sorted outside the lock)
		sort.Slice(used, func(i, j int) bool { return used[i].Before(used[j]) })
		cutoff := used[over-1]
		l.mu.Lock()
		l.evictions++
		for k, m := range l.mem {
			if !m.used.After(cutoff) && !l.inflight[k] {
				delete(l.mem, k)
			}
		}
		l.mu.Unlock()
	}
	if len(batch) == 0 {
		return nil
	}
	start := time.Now()
	done, err := l.db.deleteIDs(ctx, colSessionLog, batch)
	l.db.log.Debug("superseded session versions deleted", "count", done, "of", len(batch), "dur_ms", time.Since(start).Milliseconds())
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
