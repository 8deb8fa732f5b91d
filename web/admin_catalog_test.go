package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// The catalogue screen is its own script, under the same rules as admin.js.
func TestAdminCatalogScript(t *testing.T) {
	res := get(t, Admin(), "/admin/catalog.js")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Fatalf("catalog.js: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	checkAdminHeaders(t, "/admin/catalog.js", res)
	js := string(body)
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('style'"} {
		if strings.Contains(js, bad) {
			t.Errorf("catalog.js uses %q", bad)
		}
	}
	for _, want := range []string{"views.catalog", "'/catalog?filename='", "/catalog/imports", "kind=official", "guide_id", "catalog-rejected-row"} {
		if !strings.Contains(js, want) {
			t.Errorf("catalog.js lacks %q", want)
		}
	}
	html := string(mustRead(t, get(t, Admin(), "/admin/")))
	for _, want := range []string{`href="#catalog"`, `src="/admin/catalog.js"`} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	admin := string(mustRead(t, get(t, Admin(), "/admin/admin.js")))
	if !strings.Contains(admin, "window.dvcAdmin") || !strings.Contains(admin, "DOMContentLoaded") {
		t.Error("admin.js does not expose its helpers or does not wait for the other scripts")
	}
}

func mustRead(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
