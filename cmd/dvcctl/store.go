package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/internal/config"
	"github.com/dvcbot/dvcbot/internal/datadir"
	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/store"
)

// openStore opens the store the service uses (same environment). With the
// embedded store it takes the data dir's lock first, for the command's lifetime,
// and refuses while the service (or another dvcctl) holds it: one process owns
// an embedded store. Closing the returned store releases the lock.
func openStore(ctx context.Context, env *cliEnv) (*lockedDB, error) {
	cfg, err := config.FromEnv(env.getenv, nil)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	var lock *datadir.Lock
	if cfg.MongoURI == "" {
		lock, err = datadir.Acquire(cfg.DataDir, "dvcctl")
		var held *datadir.HeldError
		if errors.As(err, &held) {
			return nil, fmt.Errorf("%w (the running service owns the embedded store: stop it first, or make the change through its admin API)", err)
		}
		if err != nil {
			return nil, err
		}
	}
	db, err := store.Open(ctx, store.Options{URI: cfg.MongoURI, Database: cfg.MongoDatabase, DataDir: cfg.DataDir, FullSync: cfg.StoreFullSync, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		_ = lock.Release()
		return nil, err
	}
	return &lockedDB{DB: db, lock: lock}, nil
}

// lockedDB is a store opened by dvcctl with the data dir's lock it holds.
type lockedDB struct {
	*store.DB
	lock *datadir.Lock
}

// Close closes the store, then releases the lock.
func (l *lockedDB) Close(ctx context.Context) error {
	err := l.DB.Close(ctx)
	if rerr := l.lock.Release(); err == nil {
		err = rerr
	}
	return err
}

// cmdImport loads procedure files into the store; staff edits are never overwritten.
func cmdImport(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) != 1 {
		return usagef("import takes one directory")
	}
	res, err := knowledge.LoadDir(os.DirFS(args[0]), ".")
	if err != nil {
		return err
	}
	for _, e := range res.Errors {
		fmt.Fprintln(env.stdout, "SKIPPED", e)
	}
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	rep, err := db.Procedures().Import(ctx, res.Procedures, "dvcctl import", time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "created %d, updated %d, unchanged %d, kept staff edits %d %v\n",
		len(rep.Created), len(rep.Updated), len(rep.Unchanged), len(rep.KeptStaff), rep.KeptStaff)
	if len(res.Errors) > 0 {
		return fmt.Errorf("%d file(s) skipped because of errors", len(res.Errors))
	}
	return nil
}

// cmdExport writes every curated guide in force as one YAML file each. Official
// catalogue records are left out: they come from the catalogue (dvcctl catalog
// import), and importing them as files would take them out of its updates.
func cmdExport(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) != 1 {
		return usagef("export takes one directory")
	}
	if err := os.MkdirAll(args[0], 0o755); err != nil {
		return err
	}
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	active, err := db.Procedures().Active(ctx)
	if err != nil {
		return err
	}
	var procs []knowledge.Procedure
	for _, p := range active {
		if !p.IsOfficial() {
			procs = append(procs, p)
		}
	}
	for _, p := range procs {
		b, err := knowledge.MarshalYAMLFile(p)
		if err != nil {
			return fmt.Errorf("%s: %w", p.ID, err)
		}
		if err := os.WriteFile(filepath.Join(args[0], p.ID+".yaml"), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.stdout, "exported %d procedures to %s\n", len(procs), args[0])
	return nil
}

// cmdReindex asks every running instance to rebuild its search index from the store.
func cmdReindex(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) != 0 {
		return usagef("reindex takes no arguments")
	}
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	if err := db.Procedures().BumpVersion(ctx); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "running instances will rebuild their index within a few seconds")
	return nil
}

// cmdDossiers imports dossiers from a JSON array or CSV file, or tests the
// dossier source ("dossiers source test CODE").
func cmdDossiers(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) > 0 && args[0] == "source" {
		return cmdDossierSource(ctx, env, args[1:])
	}
	fs := flag.NewFlagSet("dossiers", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if len(args) < 2 || args[0] != "import" {
		return usagef("dossiers import FILE")
	}
	if err := fs.Parse(args[2:]); err != nil {
		return usagef("%v", err)
	}
	data, err := os.ReadFile(args[1])
	if err != nil {
		return err
	}
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	repo := db.NewDossiers()
	if err := repo.Load(ctx); err != nil {
		return err
	}
	svc := &dossier.Service{Repo: repo, Guards: db.Guards(), Audit: db.LookupAudit(), Outbox: db.Outbox()}
	res, err := svc.Import(ctx, data)
	if err != nil {
		return err
	}
	for _, r := range res.Rejected {
		fmt.Fprintf(env.stdout, "REJECTED row %d: %s\n", r.Index, r.Error)
	}
	fmt.Fprintf(env.stdout, "upserted %d (created %d, updated %d, unchanged %d, status changes %d), rejected %d, in %v\n",
		res.Upserted, res.Stats.Created, res.Stats.Updated, res.Stats.Unchanged, res.Stats.StatusChanges, len(res.Rejected), res.Duration.Round(time.Millisecond))
	if len(res.Rejected) > 0 {
		return errors.New("some rows were rejected")
	}
	return nil
}
