package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Result()
}

func TestIndex(t *testing.T) {
	res := get(t, Index(), "/")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q", csp)
	}
	html := string(body)
	for _, want := range []string{`<html lang="vi">`, `name="viewport"`, `id="log"`, `role="log"`, `id="composer"`,
		`<label for="input"`, `id="input"`, `maxlength="1000"`, `id="send" type="submit"`, `id="reset"`, `id="suggestions"`,
		`src="/static/app.js"`, `href="/static/style.css"`, "Trợ lý Dịch vụ công", "Hỏi đáp thủ tục hành chính, 24/7"} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// The CSP forbids inline code: no inline scripts, style blocks, style
	// attributes or event-handler attributes.
	if regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`).MatchString(html) ||
		regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=`).MatchString(html) {
		t.Error("index.html has inline script, style or event handler")
	}
	if regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).MatchString(html) {
		t.Error("index.html loads an external resource")
	}
}

func TestIndexConditional(t *testing.T) {
	res := get(t, Index(), "/")
	tag := res.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", tag)
	rec := httptest.NewRecorder()
	Index().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("status %d, want 304", rec.Code)
	}
}

func TestStatic(t *testing.T) {
	for path, ct := range map[string]string{
		"/static/app.js":      "text/javascript; charset=utf-8",
		"/static/style.css":   "text/css; charset=utf-8",
		"/static/favicon.svg": "image/svg+xml",
	} {
		res := get(t, Static(), path)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("%s: status %d, %d bytes", path, res.StatusCode, len(body))
			continue
		}
		if got := res.Header.Get("Content-Type"); got != ct {
			t.Errorf("%s: Content-Type %q, want %q", path, got, ct)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("ETag") == "" {
			t.Errorf("%s: headers %v", path, res.Header)
		}
	}
	for _, path := range []string{"/static/", "/static/nope.js", "/static/../web.go", "/app.js"} {
		if res := get(t, Static(), path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
	}
}

func TestAppJSNeverUsesInnerHTML(t *testing.T) {
	b, err := files.ReadFile("static/app.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if strings.Contains(string(b), bad) {
			t.Errorf("app.js uses %s", bad)
		}
	}
}
