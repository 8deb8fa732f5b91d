package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/dvcbot/dvcbot/knowledge/catalog/catalogtest"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

var clock = func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }

// load imports a catalogue text through the same path as the API and the CLI.
func load(t *testing.T, procs *store.Procedures, data string, f catalog.Format) catalog.Report {
	t.Helper()
	imp, err := catalog.Load(context.Background(), procs, strings.NewReader(data), "test."+string(f), f, "tester", clock)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return imp.Report
}

func counts(r catalog.Report) [5]int {
	return [5]int{r.Created, r.Updated, r.Withdrawn, r.Unchanged, len(r.Rejected)}
}

func version(t *testing.T, procs *store.Procedures) int64 {
	t.Helper()
	v, err := procs.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Importing a generated catalogue stores its records; importing it again
// changes nothing and does not make instances reload.
func TestCatalogImportIsIdempotent(t *testing.T) {
	db := storetest.New(t)
	procs := db.Procedures()
	var buf bytes.Buffer
	sum, err := catalogtest.Generate(&buf, catalogtest.Options{N: 300, Format: catalog.FormatJSONL, Seed: 3, Bad: 6})
	if err != nil {
		t.Fatal(err)
	}
	v0 := version(t, procs)
	rep := load(t, procs, buf.String(), catalog.FormatJSONL)
	if got, want := counts(rep), [5]int{300 - sum.Withdrawn, 0, sum.Withdrawn, 0, 6}; got != want {
		t.Fatalf("first import %v, want %v (rejected %+v)", got, want, rep.Rejected)
	}
	for i, r := range rep.Rejected {
		if r.Row != sum.BadRows[i] || r.Error == "" {
			t.Errorf("rejection %d: %+v, want row %d", i, r, sum.BadRows[i])
		}
	}
	if v := version(t, procs); v != v0+1 {
		t.Fatalf("version %d after one import, want %d (bumped once, not per record)", v, v0+1)
	}
	rep = load(t, procs, buf.String(), catalog.FormatJSONL)
	if got, want := counts(rep), [5]int{0, 0, 0, 300, 6}; got != want {
		t.Fatalf("re-import %v, want %v", got, want)
	}
	if v := version(t, procs); v != v0+1 {
		t.Fatalf("an unchanged re-import bumped the version to %d", v)
	}
	sp, err := procs.Get(context.Background(), catalog.IDFor(sum.Codes[0]))
	if err != nil || sp.Revision != 1 || sp.Origin != store.OriginCatalog || sp.Procedure.Kind != knowledge.KindOfficial || sp.Procedure.UpdatedAt.IsZero() {
		t.Fatalf("stored record: %+v %v", sp, err)
	}
}

const recordInForce = `{"code":"1.000001","name":"Cấp giấy phép thử nghiệm","field":"Công thương","level":"Cấp tỉnh","status":"Còn hiệu lực"}`

// A record now marked "Hết hiệu lực" is withdrawn, history kept; when it comes
// back in force it is restored.
func TestCatalogWithdrawsRecordsNoLongerInForce(t *testing.T) {
	ctx := context.Background()
	procs := storetest.New(t).Procedures()
	load(t, procs, recordInForce, catalog.FormatJSONL)
	ended := strings.Replace(recordInForce, "Còn hiệu lực", "Hết hiệu lực", 1)
	if got := counts(load(t, procs, ended, catalog.FormatJSONL)); got != [5]int{0, 0, 1, 0, 0} {
		t.Fatalf("withdrawal %v", got)
	}
	sp, err := procs.Get(ctx, "tthc-1-000001")
	if err != nil || !sp.Deleted || sp.Revision != 2 {
		t.Fatalf("after withdrawal: %+v %v", sp, err)
	}
	active, _ := procs.Active(ctx)
	for _, p := range active {
		if p.ID == "tthc-1-000001" {
			t.Fatal("a withdrawn record is still active")
		}
	}
	if got := counts(load(t, procs, ended, catalog.FormatJSONL)); got != [5]int{0, 0, 0, 1, 0} {
		t.Fatalf("withdrawal again %v", got)
	}
	if got := counts(load(t, procs, recordInForce, catalog.FormatJSONL)); got != [5]int{0, 1, 0, 0, 0} {
		t.Fatalf("back in force %v", got)
	}
	revs, err := procs.Revisions(ctx, "tthc-1-000001")
	if err != nil || len(revs) != 3 || revs[1].Action != "delete" || revs[2].Action != "restore" || revs[0].By != "tester" ||
		!strings.Contains(revs[0].Comment, "test.jsonl") {
		t.Fatalf("history: %+v %v", revs, err)
	}
	// A record first seen out of force is kept, withdrawn.
	if got := counts(load(t, procs, strings.Replace(ended, "1.000001", "1.000002", 1), catalog.FormatJSONL)); got != [5]int{0, 0, 1, 0, 0} {
		t.Fatalf("new withdrawn record %v", got)
	}
	if sp, err := procs.Get(ctx, "tthc-1-000002"); err != nil || !sp.Deleted {
		t.Fatalf("new withdrawn record: %+v %v", sp, err)
	}
}

// Curated guides are never written by an import; official records that staff
// edited by hand are kept as they left them; changed content is an update.
func TestCatalogLeavesCuratedGuidesAndStaffEdits(t *testing.T) {
	ctx := context.Background()
	procs := storetest.New(t).Procedures()
	seed, err := knowledge.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	var guide knowledge.Procedure
	for _, p := range seed.Procedures {
		if p.ID == "dang-ky-khai-sinh" {
			guide = p
		}
	}
	guide.NationalCodes = []string{"1.001193"}
	clash := guide
	clash.ID, clash.NationalCodes = "tthc-1-000003", nil
	if _, err := procs.Import(ctx, []knowledge.Procedure{guide, clash}, "seed", clock()); err != nil {
		t.Fatal(err)
	}
	before, _ := procs.Get(ctx, "dang-ky-khai-sinh")

	rows := recordInForce + "\n" +
		`{"code":"1.001193","name":"Đăng ký khai sinh","field":"Hộ tịch","level":"Cấp xã"}` + "\n" +
		`{"code":"1.000003","name":"Trùng mã hướng dẫn","field":"Hộ tịch"}`
	rep := load(t, procs, rows, catalog.FormatJSONL)
	if got := counts(rep); got != [5]int{2, 0, 0, 0, 1} || !strings.Contains(rep.Rejected[0].Error, "curated guide") || rep.Rejected[0].Row != 3 {
		t.Fatalf("import %v %+v", got, rep.Rejected)
	}
	after, _ := procs.Get(ctx, "dang-ky-khai-sinh")
	if after.Revision != before.Revision || after.Procedure.ContentHash() != before.Procedure.ContentHash() {
		t.Fatal("the curated guide changed")
	}
	if c, _ := procs.Get(ctx, "tthc-1-000003"); c.Procedure.Kind != knowledge.KindCurated || c.Revision != 1 {
		t.Fatalf("the curated guide with a catalogue-like id changed: %+v", c)
	}

	// Staff edit an official record: later imports keep their edit.
	sp, _ := procs.Get(ctx, "tthc-1-000001")
	edited := sp.Procedure
	edited.Summary = "Tóm tắt do cán bộ viết lại."
	if _, err := procs.Save(ctx, edited, sp.Revision, "cán bộ", "", clock()); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(rows, "Cấp giấy phép thử nghiệm", "Cấp giấy phép thử nghiệm (sửa đổi)", 1)
	changed = strings.Replace(changed, `"level":"Cấp xã"`, `"level":"Cấp huyện"`, 1)
	rep = load(t, procs, changed, catalog.FormatJSONL)
	if got := counts(rep); got != [5]int{0, 1, 0, 0, 1} || len(rep.KeptStaffEdit) != 1 || rep.KeptStaffEdit[0] != "1.000001" {
		t.Fatalf("import over a staff edit: %v kept %v", got, rep.KeptStaffEdit)
	}
	if sp, _ := procs.Get(ctx, "tthc-1-000001"); sp.Procedure.Summary != edited.Summary {
		t.Fatal("the staff edit was overwritten")
	}

	// The staff list links the official record to the guide that names its code.
	list, err := procs.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range list {
		if s.ID == "tthc-1-001193" {
			found = true
			if s.GuideID != "dang-ky-khai-sinh" || s.Kind != "official" || s.NationalCode != "1.001193" || s.Level != "Cấp huyện" {
				t.Fatalf("summary %+v", s)
			}
		}
		if s.ID == "dang-ky-khai-sinh" && (s.Kind != "curated" || len(s.NationalCodes) != 1) {
			t.Fatalf("guide summary %+v", s)
		}
	}
	if !found {
		t.Fatal("official record not listed")
	}
}

func TestCatalogImportLog(t *testing.T) {
	ctx := context.Background()
	procs := storetest.New(t).Procedures()
	at := clock()
	tick := func() time.Time { at = at.Add(time.Minute); return at }
	for i := 0; i < 3; i++ {
		if _, err := catalog.Load(ctx, procs, strings.NewReader(recordInForce), "a.jsonl", "", "tester", tick); err != nil {
			t.Fatal(err)
		}
	}
	_, err := catalog.Load(ctx, procs, strings.NewReader("Mã,Tên\n"), "hong.csv", catalog.FormatCSV, "tester", tick)
	if !errors.Is(err, catalog.ErrMalformed) {
		t.Fatalf("a file without the header: %v", err)
	}
	list, err := procs.CatalogImports(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 || list[0].File != "hong.csv" || list[0].Error == "" || list[1].Report.Unchanged != 1 || list[3].Report.Created != 1 ||
		list[1].Format != catalog.FormatJSONL || list[1].By != "tester" || list[1].Rows != 1 {
		t.Fatalf("log: %+v", list)
	}
}

// A 2,000-record catalogue imports in seconds on the embedded store, in every
// format: first import, unchanged re-import, and an update of every record.
// Under the race detector it checks the same on 300 records, without timing.
func TestCatalogImport2000Records(t *testing.T) {
	if testing.Short() {
		t.Skip("measures a 2,000-record import")
	}
	n := 2000
	if raceEnabled {
		n = 300
	}
	for _, f := range []catalog.Format{catalog.FormatJSONL, catalog.FormatCSV, catalog.FormatXLSX} {
		t.Run(string(f), func(t *testing.T) {
			ctx := context.Background()
			procs := storetest.New(t).Procedures()
			var buf bytes.Buffer
			sum, err := catalogtest.Generate(&buf, catalogtest.Options{N: n, Format: f, Seed: 11, Bad: 10})
			if err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			timed := func(what string, data []byte, want [5]int) {
				t.Helper()
				start, cpu0 := time.Now(), cpuTime()
				imp, err := catalog.Load(ctx, procs, bytes.NewReader(data), "catalog."+string(f), f, "tester", time.Now)
				if err != nil {
					t.Fatal(err)
				}
				took := time.Since(start)
				// CPU time (of the whole process, the embedded server included)
				// says more than wall time on a shared machine.
				t.Logf("%s %s (%.1f MiB): %v wall, %v CPU: %v", f, what, float64(len(data))/(1<<20), took.Round(time.Millisecond),
					(cpuTime() - cpu0).Round(time.Millisecond), counts(imp.Report))
				if got := counts(imp.Report); got != want {
					t.Fatalf("%s: %v, want %v", what, got, want)
				}
				if took > 2*time.Minute && !raceEnabled {
					t.Fatalf("%s took %v", what, took)
				}
			}
			timed("first import", data, [5]int{n - sum.Withdrawn, 0, sum.Withdrawn, 0, 10})
			timed("re-import", data, [5]int{0, 0, 0, n, 10})
			if f == catalog.FormatJSONL {
				changed := bytes.ReplaceAll(data, []byte("Trả kết quả giải quyết"), []byte("Trả kết quả xử lý"))
				k := 0
				for _, e := range mustRead(t, changed, f) {
					if e.Err == nil && strings.Contains(strings.Join(e.Procedure.Steps, " "), "kết quả xử lý") {
						k++
					}
				}
				timed("update", changed, [5]int{0, k, 0, n - k, 10})
			}
		})
	}
}

func mustRead(t *testing.T, data []byte, f catalog.Format) []catalog.Entry {
	t.Helper()
	es, err := catalog.ReadAll(context.Background(), bytes.NewReader(data), f)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
