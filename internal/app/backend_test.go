package app

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/internal/config"
	"github.com/dvcbot/dvcbot/store"
)

func TestFerretDBBehindMongoDBURIIsWarnedAbout(t *testing.T) {
	ctx := context.Background()
	host, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close(ctx)
	db, err := store.Open(ctx, store.Options{URI: host.EmbeddedURI()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	cfg := config.Default()
	cfg.MongoURI = host.EmbeddedURI()
	if !warnSharedFerretDB(ctx, cfg, db, log) || !strings.Contains(buf.String(), "must not be shared") {
		t.Fatalf("no warning for FerretDB behind MONGODB_URI: %q", buf.String())
	}
	if telegramRecoverAfter(cfg) == 0 {
		t.Fatal("a shared database must not take up other instances' fresh updates")
	}
	cfg.MongoURI = ""
	if warnSharedFerretDB(ctx, cfg, host, log) || telegramRecoverAfter(cfg) != 0 {
		t.Fatal("the embedded store is owned by this process: no warning, take up everything")
	}
}
