package app

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dvcbot/dvcbot/internal/browsertest"
)

// TestReviewListInBrowser: an editor opens "Cần rà soát" in /admin and sees the
// guides due for review, each linked to its editor.
func TestReviewListInBrowser(t *testing.T) {
	ctx := browsertest.Start(t, browsertest.Options{})
	cfg := testConfig(t, t.TempDir())
	cfg.AdminToken = adminToken
	base, _ := startApp(t, cfg)
	makeStale(t, client{t: t, base: base}, "bhxh-mot-lan")
	if err := chromedp.Do(ctx,
		browsertest.SignIn(base, adminToken),
		chromedp.Navigate(base+"/admin#review"),
		chromedp.WaitVisible(`#review-table`),
	); err != nil {
		t.Fatalf("browser: %v", err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#review-table .review-row').length`))
	if err != nil {
		t.Fatal(err)
	}
	firstHref, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#review-table .review-row a').getAttribute('href')`))
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || len(firstHref) < 7 || firstHref[:6] != "#edit/" {
		t.Fatalf("review list: %d rows, first link %q", n, firstHref)
	}
}
