// Package storetest starts one embedded MongoDB-compatible server per test binary
// and hands each test its own database, dropped when the test ends. Tests talk to
// it over the wire exactly as production talks to MongoDB; nothing is mocked.
package storetest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dvcbot/dvcbot/store"
)

var (
	once    sync.Once
	root    *store.DB
	rootDir string
	rootErr error
	counter atomic.Int64
)

func start() {
	rootDir, rootErr = os.MkdirTemp("", "dvcbot-storetest-*")
	if rootErr != nil {
		return
	}
	root, rootErr = store.Open(context.Background(), store.Options{DataDir: rootDir, Database: "storetest"})
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// New returns a store on a fresh database of the shared embedded server, with the
// schema in place. The database is dropped when t ends.
func New(t testing.TB) *store.DB {
	t.Helper()
	once.Do(start)
	if rootErr != nil {
		t.Fatalf("storetest: start embedded store: %v", rootErr)
	}
	name := unsafe.ReplaceAllString(t.Name(), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	name = strings.ToLower(fmt.Sprintf("t%d_%s", counter.Add(1), name))
	db := root.WithDatabase(name)
	if err := db.EnsureSchema(context.Background()); err != nil {
		t.Fatalf("storetest: schema: %v", err)
	}
	t.Cleanup(func() {
		_ = db.Close(context.Background()) // a view: stops its background writers
		_ = db.Database().Drop(context.Background())
	})
	return db
}

// Main runs the tests of a package and then stops the shared server and removes
// its files. Call it from TestMain: os.Exit(storetest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if root != nil {
		_ = root.Close(context.Background())
	}
	if rootDir != "" {
		_ = os.RemoveAll(rootDir)
	}
	return code
}

// NewShared returns a store on a fresh database reached the way an external
// MongoDB is (MONGODB_URI: its own client, the shared-backend code paths), on
// the same embedded server. FerretDB is no substitute for MongoDB under
// concurrent writes (see ../shared/notes/ferretdb.md): use it for the
// backend's sequential contract, and inject conflicts to test concurrency.
func NewShared(t testing.TB) *store.DB {
	t.Helper()
	once.Do(start)
	if rootErr != nil {
		t.Fatalf("storetest: start embedded store: %v", rootErr)
	}
	name := strings.ToLower(fmt.Sprintf("s%d_%s", counter.Add(1), unsafe.ReplaceAllString(t.Name(), "_")))
	if len(name) > 40 {
		name = name[:40]
	}
	db, err := store.Open(context.Background(), store.Options{URI: root.EmbeddedURI(), Database: name})
	if err != nil {
		t.Fatalf("storetest: connect over MONGODB_URI: %v", err)
	}
	t.Cleanup(func() {
		_ = db.Database().Drop(context.Background())
		_ = db.Close(context.Background())
	})
	return db
}
