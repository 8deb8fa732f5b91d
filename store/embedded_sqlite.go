package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite" // the driver FerretDB's SQLite backend uses
)

// embeddedFiles is this process's own connection to the embedded server's
// SQLite files, for what FerretDB v1 cannot do without holding the single
// driver connection for seconds (measured with 20,000 sessions: compacting the
// session log 8–13 s, sweeping it 10–12 s, sweeping turn events 3.7 s, during
// which every chat turn waited):
//
//   - FerretDB reads a filter other than a lone _id by decoding every document
//     of the collection, and even a lone _id is a table scan, because its _id
//     index is on another expression (_ferretdb_sjson->"_id") than its queries
//     use (_ferretdb_sjson->'$._id'). EnsureSchema adds an index on the
//     queried expression to every table (so keyed reads, upserts and deletes
//     stop scanning) and one on expires_at to every expiring table.
//   - Background deletes (expired documents, superseded session versions) run
//     here in chunks of maintChunk rows, one short SQLite transaction each,
//     pausing between chunks. They never take the driver connection, so chat
//     turns do not queue behind them; they only share SQLite's write lock for a
//     few milliseconds (FerretDB waits for it with its busy timeout).
//
// Writes of documents stay with FerretDB; only deletes of documents that no
// request writes any more (expired, superseded) and the extra indexes are done
// here. The layout assumed (table per collection listed in
// _ferretdb_collections, the document as JSON in _ferretdb_sjson, string _ids
// as JSON strings, dates as milliseconds with "t":"date" in the "$s" schema)
// is FerretDB v1.24's; EnsureSchema checks it, and when it does not hold the
// store logs a warning and deletes through the driver as before.
type embeddedFiles struct {
	dir  string // DataDir/mongo: one <database>.sqlite per database
	sync string // the synchronous pragma FerretDB uses

	mu     sync.Mutex
	conns  map[string]*sql.DB   // by database name
	broken map[string]error     // databases whose layout did not check out
	tables sync.Map             // database + "." + collection → its table name
	stmts  map[string]*sql.Stmt // database + "\x00" + query → prepared on conns[database]

	// writeMu serialises this process's own writes (session versions,
	// background deletes): between two connections SQLite's lock makes the
	// loser sleep-poll in steps of milliseconds, a mutex hands over at once.
	writeMu sync.Mutex
}

// errLayout marks embedded files whose layout is not the one assumed: the
// driver does the work instead.
var errLayout = errors.New("store: embedded files not usable for maintenance")

// maintChunk bounds the rows one background statement deletes (a few
// milliseconds of SQLite's write lock).
var maintChunk = 256

// maintHook, when set (tests), sees every background delete statement.
var maintHook func(op, collection string, rows int64)

func newEmbeddedFiles(dir string, fullSync bool) *embeddedFiles {
	return &embeddedFiles{dir: dir, sync: syncPragma(fullSync), conns: map[string]*sql.DB{}, broken: map[string]error{}, stmts: map[string]*sql.Stmt{}}
}

// stmt returns query prepared on db, database's connection, preparing it once:
// parsing the SQL of a turn's statements cost as much as running them. It
// fails when db has been closed meanwhile (the database was dropped).
func (f *embeddedFiles) stmt(ctx context.Context, database string, db *sql.DB, query string) (*sql.Stmt, error) {
	key := database + "\x00" + query
	f.mu.Lock()
	defer f.mu.Unlock()
	if st := f.stmts[key]; st != nil {
		return st, nil
	}
	if f.conns[database] != db {
		return nil, fmt.Errorf("store: %s: connection closed", database)
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	f.stmts[key] = st
	return st, nil
}

// dropStmts closes database's prepared statements; callers hold f.mu.
func (f *embeddedFiles) dropStmts(database string) {
	for key, st := range f.stmts {
		if strings.HasPrefix(key, database+"\x00") {
			_ = st.Close()
			delete(f.stmts, key)
		}
	}
}

// conn returns the connection to database's file.
func (f *embeddedFiles) conn(database string) (*sql.DB, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.broken[database]; err != nil {
		return nil, fmt.Errorf("%w: %v", errLayout, err)
	}
	if db := f.conns[database]; db != nil {
		return db, nil
	}
	path := filepath.Join(f.dir, database+".sqlite")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("store: embedded file: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=busy_timeout(10000)&_pragma="+f.sync)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// Chat turns read and write session versions here (latestLog, appendLog) while a background
	// scan or delete may be running: WAL lets readers go alongside.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	f.conns[database] = db
	return db, nil
}

// markBroken makes database's maintenance go through the driver from now on.
func (f *embeddedFiles) markBroken(database string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.broken[database] = err
	f.dropStmts(database)
	if db := f.conns[database]; db != nil {
		_ = db.Close()
		delete(f.conns, database)
	}
}

// forget closes database's connection (the database was dropped).
func (f *embeddedFiles) forget(database string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropStmts(database)
	if db := f.conns[database]; db != nil {
		_ = db.Close()
		delete(f.conns, database)
	}
}

func (f *embeddedFiles) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, db := range f.conns {
		f.dropStmts(name)
		_ = db.Close()
		delete(f.conns, name)
	}
}

// table is collection's SQLite table, "" when the collection has none. A
// table once found is remembered (FerretDB names it after the collection,
// the same again if the collection is dropped and created anew).
func (f *embeddedFiles) table(ctx context.Context, db *sql.DB, database, collection string) (string, error) {
	if t, ok := f.tables.Load(database + "." + collection); ok {
		return t.(string), nil
	}
	t, err := table(ctx, db, collection)
	if err == nil && t != "" {
		f.tables.Store(database+"."+collection, t)
	}
	return t, err
}

func table(ctx context.Context, db *sql.DB, collection string) (string, error) {
	var t string
	err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collection).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: embedded table of %s: %w", collection, err)
	}
	return t, nil
}

// ensureIndexes adds the _id index FerretDB's queries can use to every table
// of database, and an expires_at index to the expiring ones. It also checks the
// layout: an error means maintenance must go through the driver.
func (f *embeddedFiles) ensureIndexes(ctx context.Context, database string) error {
	db, err := f.conn(database)
	if err != nil {
		return err
	}
	expiring := map[string]bool{}
	for _, c := range collections {
		expiring[c.name] = c.expires
	}
	rows, err := db.QueryContext(ctx, `SELECT name, table_name FROM _ferretdb_collections`)
	if err != nil {
		return fmt.Errorf("store: embedded layout: %w", err)
	}
	type tbl struct{ coll, table string }
	var tables []tbl
	for rows.Next() {
		var t tbl
		if err := rows.Scan(&t.coll, &t.table); err != nil {
			rows.Close()
			return fmt.Errorf("store: embedded layout: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: embedded layout: %w", err)
	}
	for _, t := range tables {
		// The document column must be there (FerretDB v1's layout).
		var n int
		if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM pragma_table_info(%s) WHERE name = '_ferretdb_sjson'`, quoteLiteral(t.table))).Scan(&n); err != nil || n != 1 {
			return fmt.Errorf("store: embedded layout: table %s of %s has no _ferretdb_sjson column (%v)", t.table, t.coll, err)
		}
		var stmts []string
		if noKeyedReads[t.coll] {
			stmts = append(stmts, fmt.Sprintf(`DROP INDEX IF EXISTS %q`, t.table+"__dvcbot_id")) // made by earlier versions
		} else {
			stmts = append(stmts, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t.table+"__dvcbot_id", t.table))
		}
		if expiring[t.coll] {
			stmts = append(stmts, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->>'$.expires_at')`, t.table+"__dvcbot_expires", t.table))
		}
		if t.coll == colSessionLog { // versions of one session (logSessions)
			stmts = append(stmts, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->>'$.key', _ferretdb_sjson->>'$.v')`, t.table+"__dvcbot_key_v", t.table))
		}
		for _, q := range stmts {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("store: embedded index on %s: %w", t.coll, err)
			}
		}
	}
	return nil
}

// noKeyedReads are collections the server never reads, updates or deletes
// by _id alone: an index for its lookups would only slow their inserts. Turn
// events are one insert per turn; session versions, one insert per turn too,
// are read by key and version and deleted by _id on this process's own
// connection (deleteIDs), which uses the server's unique _id index.
var noKeyedReads = map[string]bool{colEvents: true, colSessionLog: true}

// collectionTable is this process's connection to database's file and the
// table holding collection ("" when the collection does not exist yet).
func (f *embeddedFiles) collectionTable(ctx context.Context, database, collection string) (*sql.DB, string, error) {
	db, err := f.conn(database)
	if err != nil {
		return nil, "", err
	}
	t, err := f.table(ctx, db, database, collection)
	return db, t, err
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sweepExpired deletes collection's documents whose expires_at (a date) is
// before now, maintChunk at a time, pausing between chunks.
func (f *embeddedFiles) sweepExpired(ctx context.Context, database, collection string, now time.Time) (int64, error) {
	db, t, err := f.collectionTable(ctx, database, collection)
	if err != nil || t == "" {
		return 0, err
	}
	q := fmt.Sprintf(`DELETE FROM %q WHERE rowid IN (SELECT rowid FROM %q WHERE _ferretdb_sjson->>'$.expires_at' < ? AND _ferretdb_sjson->>'$."$s".p.expires_at.t' = 'date' LIMIT ?)`, t, t)
	ms := now.UnixMilli()
	var total int64
	for {
		start := time.Now()
		f.writeMu.Lock()
		res, err := db.ExecContext(ctx, q, ms, maintChunk)
		f.writeMu.Unlock()
		if err != nil {
			return total, fmt.Errorf("store: sweep %s: %w", collection, err)
		}
		n, _ := res.RowsAffected()
		total += n
		if maintHook != nil {
			maintHook("sweep", collection, n)
		}
		if n < int64(maintChunk) {
			return total, nil
		}
		if err := yieldAfter(ctx, time.Since(start)); err != nil {
			return total, err
		}
	}
}

// deleteIDs deletes the documents of collection with these string _ids in
// one statement (callers chunk) and returns how many went.
// deleteIDsQuery deletes n rows of table by _id. It is written as the
// server's own unique index on _id is (not as the server's queries are), so
// that SQLite finds the rows by that index.
func deleteIDsQuery(table string, n int) string {
	return fmt.Sprintf(`DELETE FROM %q WHERE _ferretdb_sjson->'_id' IN (?%s)`, table, strings.Repeat(", ?", n-1))
}

// latestLogQuery finds the latest version of one session (by the key and
// version index).
func latestLogQuery(table string) string {
	return fmt.Sprintf(`SELECT _ferretdb_sjson->>'$._id', _ferretdb_sjson->>'$.b' FROM %q WHERE _ferretdb_sjson->>'$.key' = ? ORDER BY _ferretdb_sjson->>'$.v' DESC LIMIT 1`, table)
}

func (f *embeddedFiles) deleteIDs(ctx context.Context, database, collection string, ids []string) (int64, error) {
	db, t, err := f.collectionTable(ctx, database, collection)
	if err != nil || t == "" {
		return 0, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		b, err := json.Marshal(id) // as FerretDB writes a string _id
		if err != nil {
			return 0, err
		}
		args[i] = string(b)
	}
	q := deleteIDsQuery(t, len(ids))
	f.writeMu.Lock()
	res, err := db.ExecContext(ctx, q, args...)
	f.writeMu.Unlock()
	if err != nil {
		return 0, fmt.Errorf("store: delete from %s: %w", collection, err)
	}
	n, _ := res.RowsAffected()
	if maintHook != nil {
		maintHook("delete", collection, n)
	}
	return n, nil
}

// idsWhere returns the string _id of collection's documents whose field is
// one of values (a string), reading the file's JSON column: SQLite skips the
// other documents without the server decoding each of them.
func (f *embeddedFiles) idsWhere(ctx context.Context, database, collection, field string, values ...string) ([]string, error) {
	db, t, err := f.collectionTable(ctx, database, collection)
	if err != nil || t == "" || len(values) == 0 {
		return nil, err
	}
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	q := fmt.Sprintf(`SELECT _ferretdb_sjson->>'$._id' FROM %q WHERE _ferretdb_sjson->>%s IN (?%s)`, t, quoteLiteral("$."+field), strings.Repeat(", ?", len(values)-1))
	ids, err := scanIDs(ctx, db, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s by %s: %w", collection, field, err)
	}
	return ids, nil
}

// lastRow is the rowid of the last row of collection's table (0 when empty).
func (f *embeddedFiles) lastRow(ctx context.Context, database, collection string) (int64, error) {
	db, t, err := f.collectionTable(ctx, database, collection)
	if err != nil || t == "" {
		return 0, err
	}
	var n sql.NullInt64
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT max(rowid) FROM %q`, t)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: last row of %s: %w", collection, err)
	}
	return n.Int64, nil
}

// superseded lists the _ids of session log versions among the rows up to
// upTo (rowid) that have a later version of the same session.
func (f *embeddedFiles) superseded(ctx context.Context, database, collection string, upTo int64) ([]string, error) {
	db, t, err := f.collectionTable(ctx, database, collection)
	if err != nil || t == "" {
		return nil, err
	}
	last, err := f.lastRow(ctx, database, collection)
	if err != nil {
		return nil, fmt.Errorf("store: superseded versions: %w", err)
	}
	upTo = min(upTo, last)
	// In ranges of scanRows rows, pausing between them: a scan of 100,000
	// rows is seconds of CPU on a small machine.
	q := fmt.Sprintf(`SELECT a._ferretdb_sjson->>'$._id' FROM %q a WHERE a.rowid > ? AND a.rowid <= ? AND EXISTS (SELECT 1 FROM %q b WHERE b._ferretdb_sjson->>'$.key' = a._ferretdb_sjson->>'$.key' AND b._ferretdb_sjson->>'$.v' > a._ferretdb_sjson->>'$.v')`, t, t)
	var ids []string
	for lo := int64(0); lo < upTo; lo += scanRows {
		start := time.Now()
		found, err := scanIDs(ctx, db, q, lo, min(lo+scanRows, upTo))
		if err != nil {
			return nil, fmt.Errorf("store: superseded versions: %w", err)
		}
		ids = append(ids, found...)
		if maintHook != nil {
			maintHook("scan", collection, int64(len(found)))
		}
		if err := yieldAfter(ctx, time.Since(start)); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// scanRows is how many rows one step of a background scan reads.
const scanRows = 4096

func scanIDs(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id sql.NullString
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if id.Valid {
			ids = append(ids, id.String)
		}
	}
	return ids, rows.Err()
}

// minYield is the least pause between two chunks of background work.
const minYield = 2 * time.Millisecond

// yieldAfter pauses after a chunk of background work that took took: at least
// as long again (background work gets at most half of the store while there
// is more of it), and returns early with ctx's error.
func yieldAfter(ctx context.Context, took time.Duration) error {
	t := time.NewTimer(max(took, minYield))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// logRowSchema is the head of a session log row in FerretDB v1's layout: the
// "$s" schema of a document with a string _id, key and b, a long v and a date
// expires_at, in that order (what FerretDB writes for such a document).
const logRowSchema = `{"$s":{"p":{"_id":{"t":"string"},"key":{"t":"string"},"v":{"t":"long"},"b":{"t":"string"},"expires_at":{"t":"date"}},"$k":["_id","key","v","b","expires_at"]}`

// logRow is d as one row of the session log's table. d.Blob carries the
// session; d.Session is not written.
func logRow(d sessionLogDoc) (string, error) {
	var b strings.Builder
	b.Grow(len(logRowSchema) + len(d.Blob) + 2*len(d.ID) + 80)
	b.WriteString(logRowSchema)
	for _, f := range []struct{ name, value string }{{"_id", d.ID}, {"key", d.Key}} {
		v, err := json.Marshal(f.value) // as FerretDB writes a string
		if err != nil {
			return "", err
		}
		b.WriteString(`,"` + f.name + `":`)
		b.Write(v)
	}
	b.WriteString(`,"v":` + strconv.FormatInt(d.Version, 10))
	v, err := json.Marshal(d.Blob)
	if err != nil {
		return "", err
	}
	b.WriteString(`,"b":`)
	b.Write(v)
	b.WriteString(`,"expires_at":` + strconv.FormatInt(d.ExpiresAt.UnixMilli(), 10) + `}`)
	return b.String(), nil
}

// appendLog stores session log versions in one transaction on this process's
// connection, beside FerretDB (which waits for SQLite's write lock as it does
// for background deletes): FerretDB's own insert path costs several times the
// SQLite work it does, and every chat turn makes one. It returns each
// version's outcome (nil, or errDuplicate when its _id is taken: the unique
// _id index FerretDB made holds for these rows too); an error of its own
// means none was stored.
func (f *embeddedFiles) appendLog(ctx context.Context, database string, docs []sessionLogDoc) ([]error, error) {
	db, t, err := f.collectionTable(ctx, database, colSessionLog)
	if err != nil {
		return nil, err
	}
	if t == "" {
		return nil, fmt.Errorf("%w: no session log table yet", errLayout)
	}
	rows := make([]string, len(docs))
	for i, d := range docs {
		if rows[i], err = logRow(d); err != nil {
			return nil, fmt.Errorf("store: session log row: %w", err)
		}
	}
	insert, err := f.stmt(ctx, database, db, fmt.Sprintf(`INSERT INTO %q (_ferretdb_sjson) VALUES (?)`, t))
	if err != nil {
		return nil, fmt.Errorf("store: append session log: %w", err)
	}
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: append session log: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	stmt := tx.StmtContext(ctx, insert)
	defer stmt.Close()
	errs := make([]error, len(docs))
	for i, r := range rows {
		if _, err := stmt.ExecContext(ctx, r); err != nil {
			var se *sqlite.Error
			if !errors.As(err, &se) || se.Code() != sqliteConstraintUnique {
				return nil, fmt.Errorf("store: append session log: %w", err)
			}
			errs[i] = errDuplicate // only this statement was undone
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: append session log: %w", err)
	}
	return errs, nil
}

// sqliteConstraintUnique is SQLITE_CONSTRAINT_UNIQUE.
const sqliteConstraintUnique = 2067

// latestLog returns the _id of key's latest session log version and, when it
// was written with its session in b (appendLog, or the driver since), that
// session's encoding; both "" when key has no version.
func (f *embeddedFiles) latestLog(ctx context.Context, database, key string) (id, blob string, err error) {
	db, t, err := f.collectionTable(ctx, database, colSessionLog)
	if err != nil || t == "" {
		return "", "", err
	}
	q, err := f.stmt(ctx, database, db, latestLogQuery(t))
	if err != nil {
		return "", "", fmt.Errorf("store: latest version of %s: %w", key, err)
	}
	var i, b sql.NullString
	err = q.QueryRowContext(ctx, key).Scan(&i, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("store: latest version of %s: %w", key, err)
	}
	return i.String, b.String, nil
}
