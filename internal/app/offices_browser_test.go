package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dvcbot/dvcbot/internal/browsertest"
)

// TestAdminOfficesInBrowser lists the sample office directory in the staff
// page, imports the province's CSV from a file and sees it replace the sample,
// in headless Chromium.
func TestAdminOfficesInBrowser(t *testing.T) {
	ctx := browsertest.Start(t, browsertest.Options{})
	cfg := testConfig(t, t.TempDir())
	cfg.AdminToken = adminToken
	base, _ := startApp(t, cfg)
	c := client{t: t, base: base}
	csv := filepath.Join(t.TempDir(), "offices.csv")
	if err := os.WriteFile(csv, []byte("id,name,level,communes,address,phone,hours,lat,lon,fields,map_url\n"+
		"ubnd-an-binh,Trung tâm Phục vụ hành chính công phường An Bình,xã,Phường An Bình;Phường 7,1 Lê Lợi,0251 3800 111,T2-T6 07:30-17:00,10.95,106.82,,\n"+
		"bad,,xã,Phường C,x,,,,,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	step("sign in and list", chromedp.Do(ctx,
		browsertest.SignIn(base, adminToken),
		chromedp.Navigate(base+"/admin#offices"),
		chromedp.WaitVisible(`#office-list`),
		chromedp.WaitVisible(`.notice-warn`), // the sample is announced as such
	))
	step("import", chromedp.Do(ctx,
		chromedp.SetUploadFiles(`#office-file`, []string{csv}),
		chromedp.Click(`#office-upload`),
		chromedp.WaitVisible(`#office-rejected`), // the bad row is listed
		chromedp.Sleep(200*time.Millisecond),
	))
	_, out := c.do("GET", "/api/offices", "", "", nil)
	if list, _ := out["offices"].([]any); len(list) != 1 || list[0].(map[string]any)["id"] != "ubnd-an-binh" {
		t.Fatalf("after the import from the browser: %v", out)
	}
}
