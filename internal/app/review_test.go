package app

import (
	"encoding/json"
	"testing"
)

// makeStale marks a guide as last reviewed long ago through the staff API (the
// bundled guides are all freshly reviewed).
func makeStale(t *testing.T, c client, id string) {
	t.Helper()
	code, p := c.do("GET", "/api/procedures/"+id, "", "", nil)
	if code != 200 {
		t.Fatalf("get %s = %d", id, code)
	}
	p["reviewed_at"] = "2025-01-15"
	delete(p, "updated_at")
	body, _ := json.Marshal(p)
	if code, out := c.do("PUT", "/api/admin/procedures/"+id, adminToken, "application/json", body); code != 200 {
		t.Fatalf("mark %s stale = %d %v", id, code, out)
	}
}

// TestStaleGuidesListedForReview: curated guides never reviewed, or reviewed
// more than the asked number of months ago, are listed for staff; official
// records and fresh guides are not.
func TestStaleGuidesListedForReview(t *testing.T) {
	c, _ := startTestApp(t)
	makeStale(t, c, "bhxh-mot-lan")
	code, out := c.do("GET", "/api/admin/review?months=6", adminToken, "", nil)
	if code != 200 {
		t.Fatalf("review = %d %v", code, out)
	}
	items := out["items"].([]any)
	ids := map[string]bool{}
	for _, it := range items {
		ids[it.(map[string]any)["id"].(string)] = true
	}
	// bhxh-mot-lan was last reviewed in January 2025; tach-ho on 2026-12-01,
	// less than six months before the test runs (the seed is re-reviewed at
	// least that often).
	if !ids["bhxh-mot-lan"] || ids["tach-ho"] {
		t.Errorf("stale list %v: want bhxh-mot-lan (reviewed long ago) and not tach-ho", ids)
	}
	for _, it := range items {
		if id := it.(map[string]any)["id"].(string); len(id) > 5 && id[:5] == "tthc-" {
			t.Errorf("official record %s listed for review", id)
		}
	}
	code, out = c.do("GET", "/api/admin/review?months=0", adminToken, "", nil)
	if code != 200 || len(out["items"].([]any)) < len(items) {
		t.Fatalf("months=0 = %d, %d items (want at least %d)", code, len(out["items"].([]any)), len(items))
	}
	if code, _ := c.do("GET", "/api/admin/review?months=abc", adminToken, "", nil); code != 400 {
		t.Errorf("bad months = %d, want 400", code)
	}
	if code, _ := c.do("GET", "/api/admin/review", "", "", nil); code != 401 {
		t.Errorf("anonymous = %d, want 401", code)
	}
}
