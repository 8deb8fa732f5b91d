package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

// statements records the background delete statements of one test.
type statements struct {
	mu   sync.Mutex
	rows map[string][]int64 // op/collection → rows per statement
}

func (s *statements) hook(op, collection string, rows int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rows == nil {
		s.rows = map[string][]int64{}
	}
	s.rows[op+"/"+collection] = append(s.rows[op+"/"+collection], rows)
}

func (s *statements) of(key string) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.rows[key]...)
}

// TestSweepDeletesInChunks: the sweep deletes exactly what expired, one
// bounded statement at a time, whatever the _id type.
func TestSweepDeletesInChunks(t *testing.T) {
	cases := []struct {
		name             string
		expired, chunk   int
		wantStmts        int // statements on the collection (the last one finds fewer than chunk)
		objectIDs        bool
		live, noExpiry   int
		collection       string
		wantDeletedTotal int64
	}{
		{name: "nothing expired", expired: 0, chunk: 4, wantStmts: 1, live: 3, noExpiry: 2, collection: "telegram_updates"},
		{name: "less than a chunk", expired: 3, chunk: 4, wantStmts: 1, live: 3, collection: "telegram_updates"},
		{name: "exact chunks", expired: 8, chunk: 4, wantStmts: 3, live: 3, noExpiry: 1, collection: "telegram_updates"},
		{name: "many chunks", expired: 103, chunk: 10, wantStmts: 11, live: 5, collection: "outbox"},
		{name: "object ids", expired: 25, chunk: 8, wantStmts: 4, live: 4, objectIDs: true, collection: "events"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.New(t)
			var st statements
			defer store.SetMaintenance(tc.chunk, st.hook)()
			now := time.Now()
			var docs []any
			add := func(i int, m bson.M) {
				if !tc.objectIDs {
					m["_id"] = fmt.Sprintf("doc-%d <&>", i)
				}
				docs = append(docs, m)
			}
			for i := 0; i < tc.expired; i++ {
				add(i, bson.M{"expires_at": now.Add(-time.Duration(i+1) * time.Minute), "n": i})
			}
			for i := 0; i < tc.live; i++ {
				add(1000+i, bson.M{"expires_at": now.Add(time.Hour), "n": i})
			}
			for i := 0; i < tc.noExpiry; i++ {
				add(2000+i, bson.M{"status": "pending", "expires_at_is_not": now.Add(-time.Hour)})
			}
			c := db.Database().Collection(tc.collection)
			if _, err := c.InsertMany(ctx, docs); err != nil {
				t.Fatal(err)
			}
			n, err := db.SweepExpired(ctx, now)
			if err != nil || n != int64(tc.expired) {
				t.Fatalf("swept %d, %v; want %d", n, err, tc.expired)
			}
			stmts := st.of("sweep/" + tc.collection)
			if len(stmts) != tc.wantStmts {
				t.Errorf("%d statements %v, want %d", len(stmts), stmts, tc.wantStmts)
			}
			for _, rows := range stmts {
				if rows > int64(tc.chunk) {
					t.Errorf("a statement deleted %d rows, chunk is %d", rows, tc.chunk)
				}
			}
			left, err := c.CountDocuments(ctx, bson.M{})
			if err != nil || left != int64(tc.live+tc.noExpiry) {
				t.Fatalf("%d documents left, %v; want %d", left, err, tc.live+tc.noExpiry)
			}
			if k, _ := c.CountDocuments(ctx, bson.M{"expires_at": bson.M{"$lt": now}}); k != 0 {
				t.Fatalf("%d expired documents left", k)
			}
		})
	}
}

// TestCompactDeletesSupersededInChunks: superseded session versions go in
// bounded statements, ids with characters JSON escapes among them, and only
// the latest version of each session stays.
func TestCompactDeletesSupersededInChunks(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	var st statements
	defer store.SetMaintenance(8, st.hook)()
	ss := db.Sessions()
	const sessions, saves = 13, 3
	for i := 0; i < sessions; i++ {
		s := bot.Session{Key: fmt.Sprintf(`web:<s&"%d">`, i), ExpiresAt: time.Now().Add(time.Hour)}
		for j := 0; j < saves; j++ {
			if err := ss.SaveSession(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ss.Compact(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	stmts := st.of("delete/session_log")
	var total int64
	for _, rows := range stmts {
		if rows > 8 {
			t.Errorf("a statement deleted %d rows, chunk is 8", rows)
		}
		total += rows
	}
	if want := int64(sessions * (saves - 1)); total != want || len(stmts) != 4 {
		t.Fatalf("deleted %d in %d statements %v, want %d in 4", total, len(stmts), stmts, want)
	}
	left, err := db.Database().Collection("session_log").CountDocuments(ctx, bson.M{})
	if err != nil || left != sessions {
		t.Fatalf("%d log entries left, %v; want %d", left, err, sessions)
	}
}

// TestSweepDoesNotHoldUpSaves: while a sweep deletes thousands of expired
// documents, session saves (which share the embedded server's one connection)
// keep going and none waits long.
func TestSweepDoesNotHoldUpSaves(t *testing.T) {
	if testing.Short() {
		t.Skip("inserts 20,000 documents")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	var st statements
	defer store.SetMaintenance(256, st.hook)()
	now := time.Now()
	const expired = 20000
	c := db.Database().Collection("events")
	for i := 0; i < expired; i += 1000 {
		docs := make([]any, 1000)
		for j := range docs {
			docs[j] = bson.M{"at": now, "chat_id": fmt.Sprintf("c%d", i+j), "expires_at": now.Add(-time.Minute)}
		}
		if _, err := c.InsertMany(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	ss := db.Sessions()
	done := make(chan struct{})
	var swept int64
	var sweepErr error
	var sweepTook time.Duration
	go func() {
		defer close(done)
		start := time.Now()
		swept, sweepErr = db.SweepExpired(ctx, now)
		sweepTook = time.Since(start)
	}()
	var worst time.Duration
	savesDuring := 0
	for i := 0; ; i++ {
		select {
		case <-done:
		default:
			s := bot.Session{Key: fmt.Sprintf("web:%d", i%50), ExpiresAt: now.Add(time.Hour)}
			x, err := ss.LoadSession(ctx, s.Key)
			if err != nil {
				t.Fatal(err)
			}
			s.Version = x.Version
			t0 := time.Now()
			if err := ss.SaveSession(ctx, &s); err != nil {
				t.Fatal(err)
			}
			worst = max(worst, time.Since(t0))
			savesDuring++
			continue
		}
		break
	}
	if sweepErr != nil || swept != expired {
		t.Fatalf("swept %d, %v; want %d", swept, sweepErr, expired)
	}
	t.Logf("sweep of %d documents took %v in %d statements; %d saves meanwhile, the slowest %v",
		expired, sweepTook, len(st.of("sweep/events")), savesDuring, worst)
	if len(st.of("sweep/events")) < expired/256 {
		t.Errorf("%d statements, want at least %d", len(st.of("sweep/events")), expired/256)
	}
	if savesDuring < 10 {
		t.Errorf("only %d saves while the sweep ran", savesDuring)
	}
	// Relative, not a wall-clock bound (the race detector and a busy CI
	// machine stretch both): a sweep that held the connection throughout
	// would keep a save waiting about as long as the sweep itself.
	if worst > sweepTook/4 {
		t.Errorf("a save waited %v while the sweep ran for %v", worst, sweepTook)
	}
}

// TestCompactionDoesNotHoldUpSaves: the first compaction after a restart
// (which also looks for versions superseded before it) deletes thousands of
// versions while saves of other sessions keep going and none waits long.
func TestCompactionDoesNotHoldUpSaves(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 15,000 session versions")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	const sessions, saves = 5000, 3
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < sessions; i += 16 {
				s := bot.Session{Key: fmt.Sprintf("web:old-%d", i), ExpiresAt: time.Now().Add(time.Hour), History: []bot.Turn{{Text: "đăng ký khai sinh cần giấy tờ gì"}}}
				for j := 0; j < saves; j++ {
					if err := db.Sessions().SaveSession(ctx, &s); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	db.Close(ctx)
	if db, err = store.Open(ctx, store.Options{DataDir: dir}); err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	var st statements
	defer store.SetMaintenance(256, st.hook)()
	ss := db.Sessions()
	done := make(chan struct{})
	var compactErr error
	var took time.Duration
	go func() {
		defer close(done)
		start := time.Now()
		compactErr = ss.Compact(ctx, time.Now())
		took = time.Since(start)
	}()
	var worst time.Duration
	n := 0
	for running := true; running; n++ {
		select {
		case <-done:
			running = false
		default:
		}
		key := fmt.Sprintf("web:new-%d", n%50)
		x, err := ss.LoadSession(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		s := bot.Session{Key: key, Version: x.Version, ExpiresAt: time.Now().Add(time.Hour)}
		t0 := time.Now()
		if err := ss.SaveSession(ctx, &s); err != nil {
			t.Fatal(err)
		}
		worst = max(worst, time.Since(t0))
	}
	if compactErr != nil {
		t.Fatal(compactErr)
	}
	var deleted int64
	for _, rows := range st.of("delete/session_log") {
		deleted += rows
	}
	t.Logf("compaction of %d versions took %v; %d saves meanwhile, the slowest %v", deleted, took, n, worst)
	if steps := len(st.of("scan/session_log")); steps < sessions*saves/4096 {
		t.Errorf("the log was scanned in %d steps, want at least %d", steps, sessions*saves/4096)
	}
	// (versions of the sessions saved meanwhile may go too)
	if deleted < sessions*(saves-1) {
		t.Errorf("deleted %d versions, want at least %d", deleted, sessions*(saves-1))
	}
	left, err := db.Database().Collection("session_log").CountDocuments(ctx, bson.M{"key": bson.M{"$regex": "^web:old-"}})
	if err != nil || left != sessions {
		t.Errorf("%d versions of the old sessions left, %v; want %d", left, err, sessions)
	}
	if n < 10 || worst > took/4 { // relative, as in TestSweepDoesNotHoldUpSaves
		t.Errorf("%d saves, the slowest waiting %v, while compaction ran for %v", n, worst, took)
	}
}
