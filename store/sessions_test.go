package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

func TestSessionsCompareAndSetAndScale(t *testing.T) {
	ctx := context.Background()
	ss := storetest.New(t).Sessions()
	s, _ := ss.LoadSession(ctx, "web:a")
	s.Key = "web:a"
	if err := ss.SaveSession(ctx, &s); err != nil || s.Version != 1 {
		t.Fatalf("first save: %v %d", err, s.Version)
	}
	stale := s
	stale.Version = 0
	if err := ss.SaveSession(ctx, &stale); err == nil {
		t.Fatal("stale save accepted")
	}
	n := 10000
	if testing.Short() {
		n = 1000
	}
	for i := 0; i < n; i++ {
		x := bot.Session{Key: fmt.Sprintf("web:%d", i), ExpiresAt: time.Now().Add(time.Hour), History: []bot.Turn{{Text: "đăng ký khai sinh cần giấy tờ gì"}}}
		if err := ss.SaveSession(ctx, &x); err != nil {
			t.Fatal(err)
		}
	}
	var lat []time.Duration
	for i := 0; i < 200; i++ {
		t0 := time.Now()
		x, err := ss.LoadSession(ctx, fmt.Sprintf("web:%d", i*7%n))
		if err != nil {
			t.Fatal(err)
		}
		if err := ss.SaveSession(ctx, &x); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	t.Logf("%d sessions: load+save p50 %v p99 %v", n, lat[len(lat)/2], lat[len(lat)*99/100])
	if err := ss.Compact(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestSessionsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s := bot.Session{Key: "telegram:1", Topic: "cap-ho-chieu"}
	for i := 0; i < 3; i++ {
		if err := db.Sessions().SaveSession(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Sessions().Compact(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close(ctx)
	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	got, err := db.Sessions().LoadSession(ctx, "telegram:1")
	if err != nil || got.Version != 3 || got.Topic != "cap-ho-chieu" {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	n, _ := db.Database().Collection("session_log").CountDocuments(ctx, map[string]any{})
	if n != 1 {
		t.Fatalf("log not compacted: %d versions", n)
	}
}

// TestConcurrentSavesAreGroupCommitted: 48 chats saving at once on the
// embedded backend (their log inserts share transactions) all succeed, a save
// racing a version another writer already logged conflicts alone, and every
// acknowledged version is there after a restart.
func TestConcurrentSavesAreGroupCommitted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	// Another writer already logged version 1 of "web:taken".
	if _, err := db.Database().Collection("session_log").InsertOne(ctx, map[string]any{"_id": "web:taken#1", "key": "web:taken", "v": 1}); err != nil {
		t.Fatal(err)
	}
	const chats, saves = 48, 15
	var wg sync.WaitGroup
	errs := make(chan error, chats*saves+1)
	for c := 0; c < chats; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			s := bot.Session{Key: fmt.Sprintf("web:chat-%d", c), Topic: "cap-ho-chieu"}
			for i := 0; i < saves; i++ {
				if err := db.Sessions().SaveSession(ctx, &s); err != nil {
					errs <- fmt.Errorf("chat %d save %d: %w", c, i, err)
					return
				}
			}
		}(c)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := bot.Session{Key: "web:taken"}
		errs <- db.Sessions().SaveSession(ctx, &s)
	}()
	wg.Wait()
	close(errs)
	conflicts := 0
	for err := range errs {
		if errors.Is(err, store.ErrConflict) {
			conflicts++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if conflicts != 1 {
		t.Fatalf("%d conflicts, want exactly the one over the taken version", conflicts)
	}
	db.Close(ctx)
	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	for c := 0; c < chats; c++ {
		got, err := db.Sessions().LoadSession(ctx, fmt.Sprintf("web:chat-%d", c))
		if err != nil || got.Version != saves {
			t.Fatalf("chat %d after restart: version %d, %v", c, got.Version, err)
		}
	}
}

// TestSessionsLoadWhenAskedAndForgetWhenIdle: after a restart nothing is in
// memory until asked for; each session comes back at its latest version,
// versions superseded before the restart are compacted, idle sessions are
// forgotten and read back, and compare-and-set holds across all of it.
func TestSessionsLoadWhenAskedAndForgetWhenIdle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	const sessions, saves = 20, 3
	key := func(i int) string { return fmt.Sprintf("web:lazy-%d", i) }
	for i := 0; i < sessions; i++ {
		s := bot.Session{Key: key(i), Topic: fmt.Sprintf("topic-%d", i), ExpiresAt: time.Now().Add(time.Hour)}
		for j := 0; j < saves; j++ {
			if err := db.Sessions().SaveSession(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
	}
	db.Close(ctx) // no compaction: superseded versions stay in the log
	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	if n := store.SessionsInMemory(db); n != 0 {
		t.Fatalf("%d sessions in memory after start", n)
	}
	ss := db.Sessions()
	for _, tc := range []struct {
		name string
		key  string
		want int64
	}{
		{"saved", key(3), saves},
		{"saved, another", key(17), saves},
		{"never saved", "web:lazy-none", 0},
	} {
		got, err := ss.LoadSession(ctx, tc.key)
		if err != nil || got.Version != tc.want || (tc.want > 0 && got.Topic == "") {
			t.Fatalf("%s: %+v %v, want version %d", tc.name, got, err, tc.want)
		}
	}
	if err := ss.Compact(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	n, _ := db.Database().Collection("session_log").CountDocuments(ctx, map[string]any{})
	if n != sessions {
		t.Fatalf("%d log entries after compaction, want %d", n, sessions)
	}
	store.SetSessionIdle(db, 0)
	if err := ss.Compact(ctx, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := store.SessionsInMemory(db); n != 0 {
		t.Fatalf("%d idle sessions still in memory", n)
	}
	s, err := ss.LoadSession(ctx, key(3))
	if err != nil || s.Version != saves {
		t.Fatalf("read back: %+v %v", s, err)
	}
	stale := s
	if err := ss.SaveSession(ctx, &s); err != nil || s.Version != saves+1 {
		t.Fatalf("save after reading back: %d %v", s.Version, err)
	}
	if err := ss.SaveSession(ctx, &stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale save: %v, want a conflict", err)
	}
	fresh := bot.Session{Key: key(5)} // never loaded in this process, version 0
	if err := ss.SaveSession(ctx, &fresh); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("save over a stored session unseen: %v, want a conflict", err)
	}
}

// TestSessionsInMemoryAreCapped: beyond the cap, compaction forgets the least
// recently used sessions; they are read back at their version when asked for.
func TestSessionsInMemoryAreCapped(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	ss := db.Sessions()
	store.SetSessionCap(db, 5)
	for i := 0; i < 12; i++ {
		s := bot.Session{Key: fmt.Sprintf("web:cap-%d", i), ExpiresAt: time.Now().Add(time.Hour)}
		for j := 0; j <= i%3; j++ {
			if err := ss.SaveSession(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(time.Millisecond) // distinct last uses
	}
	if err := ss.Compact(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := store.SessionsInMemory(db); n != 5 {
		t.Fatalf("%d sessions in memory, want 5", n)
	}
	for i := 0; i < 12; i++ {
		s, err := ss.LoadSession(ctx, fmt.Sprintf("web:cap-%d", i))
		if err != nil || s.Version != int64(i%3+1) {
			t.Fatalf("session %d: version %d, %v; want %d", i, s.Version, err, i%3+1)
		}
		if err := ss.SaveSession(ctx, &s); err != nil {
			t.Fatalf("session %d: save after reading back: %v", i, err)
		}
	}
}
