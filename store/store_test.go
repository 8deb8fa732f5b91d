package store_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func TestEmbeddedPersistsAcrossRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *store.DB {
		db, err := store.Open(ctx, store.Options{DataDir: dir, Database: "persist"})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		return db
	}
	db := open()
	if !db.Embedded() {
		t.Fatal("expected embedded mode without a URI")
	}
	if _, err := db.Database().Collection("meta").InsertOne(ctx, bson.M{"_id": "k", "v": 42}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(ctx); err != nil {
		t.Fatalf("second close: %v", err)
	}
	db = open()
	defer db.Close(ctx)
	var got struct {
		V int `bson:"v"`
	}
	if err := db.Database().Collection("meta").FindOne(ctx, bson.M{"_id": "k"}).Decode(&got); err != nil || got.V != 42 {
		t.Fatalf("after restart: %+v %v", got, err)
	}
}

func TestOpenUnreachableURIFailsClearly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	_, err := store.Open(ctx, store.Options{URI: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"})
	if err == nil {
		t.Fatal("expected an error for an unreachable MongoDB")
	}
	if got := err.Error(); !strings.Contains(got, "MONGODB_URI") {
		t.Fatalf("error should point at MONGODB_URI: %v", err)
	}
}

func TestEnsureSchemaIsIdempotent(t *testing.T) {
	db := storetest.New(t)
	for i := 0; i < 2; i++ {
		if err := db.EnsureSchema(context.Background()); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
}

func TestSweepExpired(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	c := db.Database().Collection("sessions")
	now := time.Now()
	docs := []any{
		bson.M{"_id": "old", "expires_at": now.Add(-time.Hour)},
		bson.M{"_id": "new", "expires_at": now.Add(time.Hour)},
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	n, err := db.SweepExpired(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("swept %d, %v", n, err)
	}
	if err := c.FindOne(ctx, bson.M{"_id": "old"}).Err(); err != mongo.ErrNoDocuments {
		t.Fatalf("old still there: %v", err)
	}
	if err := c.FindOne(ctx, bson.M{"_id": "new"}).Err(); err != nil {
		t.Fatalf("new gone: %v", err)
	}
}
