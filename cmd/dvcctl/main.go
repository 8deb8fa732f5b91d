// Command dvcctl is the operator and staff CLI of dvcbot: knowledge-base files
// (validate, import, export), search and evaluation, Telegram webhook set-up,
// dossier import and a health check for containers.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand: run gets the arguments after its name.
type command struct {
	usage string
	run   func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what every subcommand may use; tests replace the streams and getenv.
type cliEnv struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

var errUsage = errors.New("usage")

func commands() map[string]command {
	return map[string]command{
		"healthcheck":   {"healthcheck [--url URL]          exit 0 when the service answers /healthz", cmdHealthcheck},
		"validate":      {"validate DIR                     check every procedure file in DIR", cmdValidate},
		"search":        {"search [--dir DIR] \"QUESTION\"   rank procedures for a question", cmdSearch},
		"eval":          {"eval [--dir DIR] FILE.tsv        top-1, top-3, MRR and every miss on a question set", cmdEval},
		"import":        {"import DIR                       load procedure files into the store (staff edits are kept)", cmdImport},
		"export":        {"export DIR                       write every procedure in force as YAML (round-trips with import)", cmdExport},
		"reindex":       {"reindex                          make running instances rebuild their search index", cmdReindex},
		"telegram":      {telegramUsage, cmdTelegram},
		"zalo":          {zaloUsage, cmdZalo},
		"staff":         {"staff create NAME ROLES | list | revoke ID   staff tokens (roles: admin, editor, dossier_operator, agent)", cmdStaff},
		"backup":        {"backup FILE                      write every collection of the store to FILE (gzip JSON Lines)", cmdBackup},
		"restore":       {"restore FILE                     replace the store with a backup (refused while the service owns the embedded store)", cmdRestore},
		"dossiers":      {dossiersUsage, cmdDossiers},
		"catalog":       {catalogUsage, cmdCatalog},
		"conversations": {conversationsUsage, cmdConversations},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cliEnv{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(run(ctx, env, os.Args[1:]))
}

func run(ctx context.Context, env *cliEnv, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(env.stdout, cmds)
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "dvcctl: unknown command %q\n\n", args[0])
		printUsage(env.stderr, cmds)
		return 2
	}
	if err := c.run(ctx, env, args[1:]); err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprintf(env.stderr, "dvcctl: %v\nusage: dvcctl %s\n", err, c.usage)
			return 2
		}
		fmt.Fprintf(env.stderr, "dvcctl %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "dvcctl: operator and staff CLI of dvcbot\n\nusage:")
	for _, n := range names {
		fmt.Fprintln(w, "  dvcctl", cmds[n].usage)
	}
	fmt.Fprintln(w, "\nStore settings come from the same environment as dvcbot (MONGODB_URI, MONGODB_DATABASE, DVCBOT_DATA_DIR).")
}

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, strings.TrimSpace(fmt.Sprintf(format, args...)))
}
