package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestAdminIndex(t *testing.T) {
	for _, path := range []string{"/admin", "/admin/"} {
		res := get(t, Admin(), path)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		checkAdminHeaders(t, path, res)
		html := string(body)
		for _, want := range []string{`<html lang="vi">`, `name="viewport"`, `id="status"`, `role="status"`,
			`<label for="token">Mã truy cập</label>`, `id="token"`, `id="signin"`, `id="signout"`, `id="view"`,
			`href="#procedures"`, `href="#unanswered"`, `href="#dossiers"`, `href="#stats"`, `href="#staff"`,
			`src="/admin/admin.js"`, `href="/admin/admin.css"`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: index.html lacks %q", path, want)
			}
		}
		if regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`).MatchString(html) ||
			regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=`).MatchString(html) {
			t.Errorf("%s: inline script, style or event handler", path)
		}
		if regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).MatchString(html) {
			t.Errorf("%s: external resource", path)
		}
	}
}

func checkAdminHeaders(t *testing.T, path string, res *http.Response) {
	t.Helper()
	if csp := res.Header.Get("Content-Security-Policy"); csp != ContentSecurityPolicy ||
		strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: CSP %q", path, csp)
	}
	for k, v := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
		"Cache-Control":          "no-cache",
	} {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", path, k, got, v)
		}
	}
	if res.Header.Get("ETag") == "" {
		t.Errorf("%s: no ETag", path)
	}
}

func TestAdminAssets(t *testing.T) {
	for path, ct := range map[string]string{
		"/admin/admin.js":   "text/javascript; charset=utf-8",
		"/admin/admin.css":  "text/css; charset=utf-8",
		"/admin/index.html": "text/html; charset=utf-8",
	} {
		res := get(t, Admin(), path)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != ct {
			t.Errorf("%s: Content-Type %q, want %q", path, got, ct)
		}
		if len(body) == 0 {
			t.Errorf("%s: empty body", path)
		}
		checkAdminHeaders(t, path, res)
	}
}

// The script must build the DOM from text only: no HTML parsing of data.
func TestAdminScriptSafety(t *testing.T) {
	res := get(t, Admin(), "/admin/admin.js")
	body, _ := io.ReadAll(res.Body)
	js := string(body)
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('style'"} {
		if strings.Contains(js, bad) {
			t.Errorf("admin.js uses %q", bad)
		}
	}
	for _, want := range []string{"dvcbot_admin_token", "sessionStorage", "'Bearer '", "/me", "Bạn không có quyền thực hiện thao tác này."} {
		if !strings.Contains(js, want) {
			t.Errorf("admin.js lacks %q", want)
		}
	}
}

func TestAdminNotFound(t *testing.T) {
	for _, path := range []string{"/admin/nope.js", "/admin/admin.js/", "/admin/x/admin.js", "/admin//admin.js",
		"/admin/../static/app.js", "/admin/.", "/admin/admin", "/adminx", "/static/app.js", "/"} {
		res := get(t, Admin(), path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
	}
}

func TestAdminMethods(t *testing.T) {
	rec := httptest.NewRecorder()
	Admin().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/admin/", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	rec = httptest.NewRecorder()
	Admin().ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/admin/admin.css", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, body %d bytes", rec.Code, rec.Body.Len())
	}
}

func TestAdminConditional(t *testing.T) {
	res := get(t, Admin(), "/admin/admin.js")
	tag := res.Header.Get("ETag")
	req := httptest.NewRequest(http.MethodGet, "/admin/admin.js", nil)
	req.Header.Set("If-None-Match", tag)
	rec := httptest.NewRecorder()
	Admin().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("status %d, want 304", rec.Code)
	}
}
