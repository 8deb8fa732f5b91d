package store_test

import (
	"bytes"
	"context"
	"reflect"
	"sort"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

// dumpAll reads every collection, documents sorted by _id, as canonical
// extended JSON (so types are compared too).
func dumpAll(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	names, err := db.Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, n := range names {
		cur, err := db.Database().Collection(n).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []string
		for cur.Next(ctx) {
			b, err := bson.MarshalExtJSON(cur.Current, true, false)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, string(b))
		}
		sort.Strings(docs)
		out[n] = docs
	}
	return out
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := storetest.New(t)
	now := time.Date(2026, 12, 1, 8, 30, 0, 123e6, time.UTC)
	s := bot.Session{Key: bot.SessionKey(bot.ChannelWeb, "s1"), Channel: bot.ChannelWeb, ChatID: "s1", CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
	if err := src.Sessions().SaveSession(ctx, &s); err != nil {
		t.Fatal(err)
	}
	if err := src.Unanswered().RecordUnanswered(ctx, "web", "làm visa đi Mỹ", now); err != nil {
		t.Fatal(err)
	}
	repo := src.NewDossiers()
	due := now.Add(72 * time.Hour)
	if _, err := repo.Import(ctx, []dossier.Dossier{{Code: "H57.22-241022-0015", ApplicantName: "Trần Văn An", ApplicantPhone: "0987654321", Status: "processing", DueAt: &due}}, now, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Guards().Incr(ctx, "fail:x", time.Hour, now); err != nil {
		t.Fatal(err)
	}
	want := dumpAll(t, src)
	if len(want) < 3 {
		t.Fatalf("source holds only %d collections", len(want))
	}

	var buf bytes.Buffer
	st, err := src.Backup(ctx, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents < 4 || st.Collections != len(want) {
		t.Fatalf("backup stats %+v for %d collections", st, len(want))
	}

	dst := storetest.New(t)
	if err := dst.Unanswered().RecordUnanswered(ctx, "web", "stale question only in the target", now); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if got := dumpAll(t, dst); !reflect.DeepEqual(got, want) {
		t.Fatalf("restored database differs:\n got %v\nwant %v", got, want)
	}
	// The restored store works: the dossier is found, the session loads.
	restored := dst.NewDossiers()
	if err := restored.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := restored.Get(ctx, "H57.22-241022-0015"); err != nil {
		t.Fatalf("restored dossier: %v", err)
	}
	if got, err := dst.Sessions().LoadSession(ctx, s.Key); err != nil || got.ChatID != "s1" {
		t.Fatalf("restored session: %+v %v", got, err)
	}

	// A damaged file is refused before anything is dropped.
	if _, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes()[:buf.Len()/2])); err == nil {
		t.Fatal("a truncated backup was restored")
	}
	if got := dumpAll(t, dst); !reflect.DeepEqual(got, want) {
		t.Fatal("a refused restore changed the database")
	}
}
