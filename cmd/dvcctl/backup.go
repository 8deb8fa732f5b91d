package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// cmdBackup writes a consistent copy of every collection to FILE (written to a
// temporary file first, renamed when complete).
func cmdBackup(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) != 1 {
		return usagef("backup takes the file to write")
	}
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	tmp, err := os.CreateTemp(filepath.Dir(args[0]), ".dvcbot-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	st, err := db.Backup(ctx, tmp)
	if err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), args[0]); err != nil {
		return err
	}
	snap := "the embedded store, owned by this command"
	if st.Snapshot {
		snap = "one MongoDB snapshot"
	} else if !db.Embedded() {
		snap = "no snapshot (standalone MongoDB): stop writers for a consistent copy"
	}
	fmt.Fprintf(env.stdout, "backup: %d documents in %d collections → %s (%s)\n", st.Documents, st.Collections, args[0], snap)
	return nil
}

// cmdRestore replaces the whole database with a backup. With the embedded
// store it refuses while the service runs (openStore takes the data dir lock).
func cmdRestore(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) != 1 {
		return usagef("restore takes the backup file to read")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	st, err := db.Restore(ctx, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "restore: %d documents in %d collections from %s; restart every dvcbot instance that uses this database\n", st.Documents, st.Collections, args[0])
	return nil
}
