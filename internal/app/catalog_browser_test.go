package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dvcbot/dvcbot/internal/browsertest"

	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/dvcbot/dvcbot/knowledge/catalog/catalogtest"
)

// TestCatalogImportInBrowser uploads a small generated CSV with one bad row on
// the "Danh mục thủ tục" screen, reads the per-row report and the list of
// imports, and finds an official record linked to its curated guide, in
// headless Chromium.
func TestCatalogImportInBrowser(t *testing.T) {
	ctx := browsertest.Start(t, browsertest.Options{})
	cfg := testConfig(t, t.TempDir())
	cfg.AdminToken = adminToken
	base, _ := startApp(t, cfg)
	c := client{t: t, base: base}

	// A curated guide names the national code of one catalogue record.
	_, got := c.do("GET", "/api/admin/procedures/dang-ky-khai-sinh", adminToken, "", nil)
	guide := got["procedure"].(map[string]any)
	guide["national_codes"] = []string{"1.001193"}
	body, _ := json.Marshal(guide)
	if code, out := c.do("PUT", "/api/admin/procedures/dang-ky-khai-sinh", adminToken, "application/json", body); code != 200 {
		t.Fatalf("link the guide: %d %v", code, out)
	}

	path := filepath.Join(t.TempDir(), "danh-muc-tinh.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := catalogtest.Generate(f, catalogtest.Options{N: 30, Format: catalog.FormatCSV, Seed: 9, Bad: 1})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}

	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	step("sign in", chromedp.Do(ctx,
		browsertest.SignIn(base, adminToken),
		chromedp.Navigate(base+"/admin#catalog"),
		chromedp.WaitVisible(`#catalog-file`),
	))
	step("upload", chromedp.Do(ctx,
		chromedp.SetUploadFiles(`#catalog-file`, []string{path}),
		chromedp.Click(`#catalog-upload`),
		chromedp.WaitVisible(`#catalog-summary`),
	))
	summary, err := chromedp.Run(ctx, chromedp.Text(`#catalog-summary`))
	step("read the report", err)
	rejected, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#catalog-rejected tr.catalog-rejected-row').length`))
	step("count rejected rows", err)
	rejectedRow, err := chromedp.Run(ctx, chromedp.Text(`#catalog-rejected tr.catalog-rejected-row`))
	step("read the rejected row", err)
	step("imports listed", chromedp.Do(ctx, chromedp.WaitVisible(`#catalog-imports tr.import-row`)))
	step("find the official record", chromedp.Do(ctx,
		chromedp.SendKeys(`#official-search`, "khai sinh"),
		chromedp.WaitVisible(`tr.official-row[data-code="1.001193"] a.guide-link[href="#edit/dang-ky-khai-sinh"]`),
	))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot", err)
	_ = os.WriteFile(filepath.Join(os.TempDir(), "dvcbot-admin-catalog.png"), png, 0o644)

	want := "Tạo mới " + strconv.Itoa(30-sum.Withdrawn)
	if !strings.Contains(summary, "danh-muc-tinh.csv") || !strings.Contains(summary, want) || !strings.Contains(summary, "bị từ chối 1 dòng") {
		t.Errorf("report %q, want %q and one rejected row", summary, want)
	}
	if rejected != 1 || !strings.Contains(rejectedRow, strconv.Itoa(sum.BadRows[0])) || !strings.Contains(rejectedRow, "Mã thủ tục") {
		t.Errorf("%d rejected rows shown: %q (bad row %d)", rejected, rejectedRow, sum.BadRows[0])
	}
	// The imported record is served to citizens too.
	if code, p := c.do("GET", "/api/procedures/tthc-1-001193", "", "", nil); code != 200 || p["kind"] != "official" {
		t.Errorf("GET /api/procedures/tthc-1-001193 = %d %v", code, p["kind"])
	}
}
