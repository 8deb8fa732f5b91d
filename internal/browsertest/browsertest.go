// Package browsertest holds what the browser tests share: headless Chromium
// started the same way everywhere, signing in to the staff console (/admin),
// and the axe-core accessibility audit. Only tests import it.
package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Timeout bounds everything a test does in the browser started by Start.
const Timeout = 90 * time.Second

// Options says how Start sets up the browser.
type Options struct {
	// Width and Height are the window's size in pixels; zero means 390×844, a
	// phone.
	Width, Height int
	// SideBySide keeps every tab at full speed (no throttling of background
	// tabs' timers, renderers or occluded windows), for a test that drives
	// several pages at once.
	SideBySide bool
}

// Start launches headless Chromium (chromium, chromium-browser or
// google-chrome from PATH) with a fresh profile in a temporary directory, and
// returns the context of its first tab, which expires after Timeout. The
// browser is stopped when t ends. Without a browser it skips t, or fails it
// when DVCBOT_REQUIRE_BROWSER=1 (as CI sets when it installed the browser).
func Start(t testing.TB, o Options) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("DVCBOT_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium is required (DVCBOT_REQUIRE_BROWSER=1) but not installed")
		}
		t.Skip("skipping the browser test: chromium is not installed (apt-get install chromium)")
	}
	width, height := o.Width, o.Height
	if width == 0 || height == 0 {
		width, height = 390, 844
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	if o.SideBySide {
		opts = append(opts,
			chromedp.Flag("disable-background-timer-throttling", true),
			chromedp.Flag("disable-renderer-backgrounding", true),
			chromedp.Flag("disable-backgrounding-occluded-windows", true),
		)
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, Timeout)
	t.Cleanup(cancel3)
	return ctx
}

// SignIn is the action that opens base+"/admin", signs in with token and
// waits until the console shows the signed-in account bar (#signout), as it
// does for every role once the token is accepted. With a refused token it
// waits until the context expires and returns that error.
func SignIn(base, token string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/admin"),
		chromedp.WaitVisible(`#token`),
		chromedp.SendKeys(`#token`, token),
		chromedp.Click(`#signin`),
		chromedp.WaitVisible(`#signout`),
	)
}

// axeSource is axe-core from the npm registry (axe/README).
//
//go:embed axe/axe.min.js
var axeSource string

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// Audit runs axe-core (WCAG 2.0 and 2.1 A and AA, and best practices) on the
// page of ctx's tab. It marks t failed for each serious or critical violation
// and lets the test go on, logs the others, and stops t at once when axe
// cannot be run; what names the page in every line.
func Audit(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource+";undefined")); err != nil {
		t.Fatalf("%s: inject axe: %v", what, err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}).then(r => r.violations)`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", what, err)
	}
	for _, v := range res {
		line := fmt.Sprintf("%s: axe %s (%s): %s, e.g. %v", what, v.ID, v.Impact, v.Help, v.Nodes[0].Target)
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(line)
		} else {
			t.Log(line)
		}
	}
	t.Logf("%s: axe found %d violation(s), none serious unless listed above", what, len(res))
}
