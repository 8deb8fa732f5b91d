package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dvcbot/dvcbot/bot"
)

// Session versions written on the embedded file's own connection must be the
// rows FerretDB itself would write, so that FerretDB reads them (sweeps and
// fallbacks go through it) and its unique _id index holds across both paths.
func TestSessionLogRowsAreFerretDBsOwn(t *testing.T) {
	ctx := context.Background()
	db := openFresh(t)
	col := db.db.Collection(colSessionLog)
	expires := time.Date(2027, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	tricky := "web:a<b>&\"é\u2028\\ ' x"
	sess := bot.Session{Key: tricky, Channel: "web", ChatID: "a<b>", Topic: "cap-ho-chieu", Version: 1, ExpiresAt: expires,
		History: []bot.Turn{{Seq: 1, At: expires.Add(-time.Hour), Text: "làm hộ chiếu \"gấp\"", Intent: "procedure"}}}
	doc, err := newLogDoc(sess)
	if err != nil {
		t.Fatal(err)
	}

	// FerretDB's row for the document is byte for byte the row appendLog writes.
	if _, err := col.InsertOne(ctx, doc); err != nil {
		t.Fatal(err)
	}
	sqlDB, table := sessionLogTable(t, db)
	var raw string
	if err := sqlDB.QueryRowContext(ctx, fmt.Sprintf(`SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->>'$._id' = ?`, table), doc.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	want, err := logRow(doc)
	if err != nil {
		t.Fatal(err)
	}
	if raw != want {
		t.Fatalf("FerretDB wrote\n%s\nappendLog writes\n%s", raw, want)
	}

	// The same _id through appendLog is a duplicate; a new one is stored and
	// FerretDB reads it back as written.
	next := sess
	next.Version = 2
	doc2, _ := newLogDoc(next)
	errs, err := db.files.appendLog(ctx, db.db.Name(), []sessionLogDoc{doc, doc2})
	if err != nil || !errors.Is(errs[0], errDuplicate) || errs[1] != nil {
		t.Fatalf("append: %v, %v", errs, err)
	}
	var back sessionLogDoc
	if err := col.FindOne(ctx, bson.M{"_id": doc2.ID}).Decode(&back); err != nil {
		t.Fatal(err)
	}
	back.ExpiresAt = back.ExpiresAt.UTC()
	if !reflect.DeepEqual(back, doc2) {
		t.Fatalf("FerretDB read %+v, appendLog wrote %+v", back, doc2)
	}
	got, err := db.Sessions().LoadSession(ctx, tricky)
	if err != nil || got.Version != 2 || got.History[0].Text != sess.History[0].Text || !got.ExpiresAt.Equal(expires) {
		t.Fatalf("loaded %+v, %v", got, err)
	}
}

// Versions written before sessions were stored encoded (the session as a
// document in "s") still load.
func TestSessionLogReadsVersionsWrittenAsDocuments(t *testing.T) {
	ctx := context.Background()
	db := openFresh(t)
	sess := bot.Session{Key: "web:old", Channel: "web", ChatID: "old", Topic: "dang-ky-khai-sinh", Version: 3, ExpiresAt: time.Now().Add(time.Hour).Truncate(time.Millisecond)}
	old := sessionLogDoc{ID: logID(sess.Key, 3), Key: sess.Key, Version: 3, Session: &sess, ExpiresAt: sess.ExpiresAt}
	if _, err := db.db.Collection(colSessionLog).InsertOne(ctx, old); err != nil {
		t.Fatal(err)
	}
	got, err := db.Sessions().LoadSession(ctx, "web:old")
	if err != nil || got.Version != 3 || got.Topic != "dang-ky-khai-sinh" {
		t.Fatalf("old version loaded as %+v, %v", got, err)
	}
	if err := db.Sessions().SaveSession(ctx, &got); err != nil || got.Version != 4 {
		t.Fatalf("save over an old version: %v (version %d)", err, got.Version)
	}
}

// The per-turn statements on the session log and the compaction's delete use
// indexes (a scan of the log per turn is what made turns slow as it grew),
// and the log carries no index the server's own reads would need.
func TestSessionLogStatementsUseIndexes(t *testing.T) {
	ctx := context.Background()
	db := openFresh(t)
	sqlDB, table := sessionLogTable(t, db)
	for _, q := range []string{latestLogQuery(table), deleteIDsQuery(table, 2)} {
		args := []any{"a", "b"}[:strings.Count(q, "?")]
		rows, err := sqlDB.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if len(plan) == 0 || !strings.Contains(strings.Join(plan, "; "), "USING INDEX") {
			t.Errorf("%s\nplan: %q, want an index search", q, plan)
		}
	}
	var n int
	if err := sqlDB.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, table+"__dvcbot_id").Scan(&n); err != nil || n != 0 {
		t.Errorf("session log has the _id index for the server's reads (%d, %v)", n, err)
	}
}

// openFresh opens a store on a new embedded data dir, closed when t ends.
func openFresh(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	return db
}

// sessionLogTable is db's session log as the embedded file holds it.
func sessionLogTable(t *testing.T, db *DB) (*sql.DB, string) {
	t.Helper()
	sqlDB, table, err := db.files.collectionTable(context.Background(), db.db.Name(), colSessionLog)
	if err != nil || table == "" {
		t.Fatalf("session log table %q: %v", table, err)
	}
	return sqlDB, table
}
