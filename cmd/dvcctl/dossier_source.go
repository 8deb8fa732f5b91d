package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/dossier/source"
	"github.com/dvcbot/dvcbot/internal/config"
)

const dossiersUsage = "dossiers import FILE | source test [--file F] CODE   import dossiers (JSON array or CSV); ask the province's system (DVCBOT_DOSSIER_SOURCE) for CODE and show how it maps"

// vnTime is Vietnam time for printed dates.
var vnTime = time.FixedZone("ICT", 7*3600)

// cmdDossierSource runs "dossiers source test CODE": one request to the
// province's system, its raw answer, the mapped dossier (phone masked), what
// a citizen would see, and every mapping problem. It exits 1 when the source
// cannot answer or the mapping has problems.
func cmdDossierSource(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "test" {
		return usagef("dossiers source test [--file F] CODE")
	}
	fs := flag.NewFlagSet("dossiers source test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("file", "", "source file (default: DVCBOT_DOSSIER_SOURCE)")
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return usagef("dossiers source test [--file F] CODE")
	}
	code := dossier.NormalizeCode(fs.Arg(0))
	path := *file
	if path == "" {
		cfg, err := config.FromEnv(env.getenv, nil)
		if err != nil {
			return fmt.Errorf("configuration: %w", err)
		}
		path = cfg.DossierSource
	}
	if path == "" {
		return errors.New("no source file: set DVCBOT_DOSSIER_SOURCE or pass --file")
	}
	sc, err := source.Load(path, env.getenv)
	if err != nil {
		return err
	}
	a := source.New(sc, source.Options{}).Ask(ctx, code)
	w := env.stdout
	fmt.Fprintf(w, "request: %s %s\n", sc.Method, a.URL)
	for _, k := range sortedHeaderNames(sc.Headers) {
		fmt.Fprintf(w, "  %s: %s\n", k, sc.Redact(sc.Headers[k]))
	}
	if a.Status != 0 {
		fmt.Fprintf(w, "answer: HTTP %d in %v (%d bytes)\n", a.Status, a.Duration.Round(time.Millisecond), len(a.Body))
		fmt.Fprintln(w, rawBody(a.Body))
	} else {
		fmt.Fprintf(w, "answer: none after %v\n", a.Duration.Round(time.Millisecond))
	}
	if a.Outcome == "ok" {
		d := a.Dossier
		fmt.Fprintln(w, "\nmapped dossier:")
		line := func(k, v string) {
			if v != "" {
				fmt.Fprintf(w, "  %-16s %s\n", k+":", v)
			}
		}
		line("code", d.Code)
		line("status", d.Status+" ("+dossier.StatusLabel(d.Status)+")")
		line("procedure_id", d.ProcedureID)
		line("procedure_name", d.ProcedureName)
		line("applicant_name", d.ApplicantName)
		line("applicant_phone", source.MaskPhone(d.ApplicantPhone)+" (phone: "+sc.Phone+"; citizens give its last 4 digits)")
		for _, t := range []struct {
			k string
			v *time.Time
		}{{"received_at", d.ReceivedAt}, {"due_at", d.DueAt}, {"completed_at", d.CompletedAt}} {
			if t.v != nil {
				line(t.k, t.v.In(vnTime).Format("2006-01-02 15:04 (Vietnam time)"))
			}
		}
		line("agency", d.Agency)
		line("note", d.Note)
		fmt.Fprintln(w, "\nwhat a citizen sees after verifying:")
		fmt.Fprintln(w, bot.RenderDossier(dossier.View(d, time.Now())))
	}
	if len(a.Problems) > 0 {
		fmt.Fprintln(w, "\nmapping problems:")
		for _, p := range a.Problems {
			fmt.Fprintln(w, "  -", p)
		}
	}
	switch {
	case errors.Is(a.Err, bot.ErrNotFound):
		fmt.Fprintf(w, "\nresult: the source says there is no dossier %s (%v)\n", code, a.Err)
		return nil
	case a.Err != nil:
		fmt.Fprintf(w, "\nresult: %s\n", a.Outcome)
		return a.Err
	case len(a.Problems) > 0:
		return fmt.Errorf("%d mapping problem(s)", len(a.Problems))
	}
	fmt.Fprintln(w, "\nresult: ok")
	return nil
}

// rawBody is the answer as text: JSON indented, at most 64 KiB.
func rawBody(b []byte) string {
	var buf bytes.Buffer
	if json.Indent(&buf, b, "", "  ") == nil {
		b = buf.Bytes()
	}
	if len(b) > 64<<10 {
		return string(b[:64<<10]) + "\n… (cut at 64 KiB)"
	}
	return string(b)
}

func sortedHeaderNames(h map[string]string) []string {
	ks := make([]string, 0, len(h))
	for k := range h {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
