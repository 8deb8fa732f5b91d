package store_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/store/storetest"
)

func dossierCSV(n, offset int) []byte {
	var b strings.Builder
	b.WriteString("code,procedure_name,applicant_name,applicant_phone,status,received_at,due_at,agency\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "000.00.12.H57-241022-%06d,Đăng ký khai sinh,Nguyễn Văn %d,09%08d,processing,2024-10-22T08:00:00+07:00,2024-10-25T17:00:00+07:00,UBND phường %d\n", i+offset, i, i, i%50)
	}
	return []byte(b.String())
}

func newService(t testing.TB) (*dossier.Service, func() int64) {
	db := storetest.New(t)
	repo := db.NewDossiers()
	if err := repo.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc := &dossier.Service{Repo: repo, Guards: db.Guards(), Audit: db.LookupAudit(), Outbox: db.Outbox()}
	return svc, func() int64 { n, _ := repo.Count(context.Background()); return n }
}

// TestDossierImportAndLookupAtScale imports 10,000 CSV rows and then measures
// verified lookups. It reports figures; it asserts correctness, not speed.
func TestDossierImportAndLookupAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	ctx := context.Background()
	svc, count := newService(t)
	total := 10000
	if n, err := strconv.Atoi(os.Getenv("DVCBOT_DOSSIERS")); err == nil && n > total {
		total = n // e.g. DVCBOT_DOSSIERS=100000 for the 100k figure
	}
	for off := 10000; off < total; off += 10000 {
		if _, err := svc.Import(ctx, dossierCSV(10000, off)); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	res, err := svc.Import(ctx, dossierCSV(10000, 0))
	if err != nil {
		t.Fatal(err)
	}
	importDur := time.Since(start)
	if res.Upserted != 10000 || len(res.Rejected) != 0 || count() != int64(total) {
		t.Fatalf("import: %+v count %d", res.Stats, count())
	}
	start = time.Now()
	res, err = svc.Import(ctx, dossierCSV(10000, 0))
	if err != nil || res.Stats.Unchanged != 10000 {
		t.Fatalf("re-import: %+v %v", res.Stats, err)
	}
	reimport := time.Since(start)
	var lat []time.Duration
	for i := 0; i < 200; i++ {
		code := fmt.Sprintf("000.00.12.H57-241022-%06d", (i*37)%10000)
		t0 := time.Now()
		v, err := svc.Lookup(ctx, bot.DossierQuery{Code: code, Phone4: fmt.Sprintf("%04d", ((i*37)%10000)%10000), Channel: "bench", ChatID: fmt.Sprint(i)})
		lat = append(lat, time.Since(t0))
		if err != nil || v.StatusLabel != "Đang xử lý" {
			t.Fatalf("lookup %s: %v %+v", code, err, v)
		}
	}
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	t.Logf("import 10,000 CSV rows: %v; idempotent re-import: %v; lookup p50 %v p99 %v (%d dossiers stored)", importDur.Round(time.Millisecond), reimport.Round(time.Millisecond), lat[len(lat)/2], lat[len(lat)*99/100], total)
}
