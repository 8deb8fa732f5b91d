package app

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestStaffRolesHistoryAndInbox(t *testing.T) {
	c, _ := startTestApp(t)
	post := func(path, token string, v any) (int, map[string]any) {
		b, _ := json.Marshal(v)
		return c.do("POST", path, token, "application/json", b)
	}
	// Staff and roles.
	code, ed := post("/api/admin/staff", adminToken, map[string]any{"name": "Chị Mai", "roles": []string{"editor"}})
	if code != 201 || ed["token"] == "" {
		t.Fatalf("create staff = %d %v", code, ed)
	}
	editor := ed["token"].(string)
	if code, me := c.do("GET", "/api/admin/me", editor, "", nil); code != 200 || me["name"] != "Chị Mai" {
		t.Fatalf("me = %d %v", code, me)
	}
	if code, _ := post("/api/admin/staff", editor, map[string]any{"name": "x", "roles": []string{"admin"}}); code != 403 {
		t.Fatalf("editor creating staff = %d", code)
	}
	if code, _ := c.do("POST", "/api/admin/dossiers", editor, "text/csv", []byte("code\n")); code != 403 {
		t.Fatalf("editor importing dossiers = %d", code)
	}
	if code, _ := post("/api/admin/staff", adminToken, map[string]any{"name": "x", "roles": []string{"boss"}}); code != 400 {
		t.Fatalf("bad role = %d", code)
	}

	// Edit, history, restore.
	_, cur := c.do("GET", "/api/admin/procedures/cap-ho-chieu", editor, "", nil)
	p := cur["procedure"].(map[string]any)
	oldFees := p["fees"]
	p["fees"] = "Mức phí mới để thử."
	delete(p, "updated_at")
	b, _ := json.Marshal(p)
	if code, out := c.do("PUT", "/api/admin/procedures/cap-ho-chieu?revision=1&comment=doi+phi", editor, "application/json", b); code != 200 {
		t.Fatalf("edit = %d %v", code, out)
	}
	_, revs := c.do("GET", "/api/admin/procedures/cap-ho-chieu/revisions", editor, "", nil)
	list := revs["revisions"].([]any)
	if len(list) != 2 || list[1].(map[string]any)["by"] != "Chị Mai" || list[1].(map[string]any)["comment"] != "doi phi" {
		t.Fatalf("revisions: %v", revs)
	}
	if code, out := post("/api/admin/procedures/cap-ho-chieu/restore", editor, map[string]any{"revision": 1}); code != 200 || out["revision"].(float64) != 3 {
		t.Fatalf("restore = %d %v", code, out)
	}
	_, pub := c.do("GET", "/api/procedures/cap-ho-chieu", "", "", nil)
	if pj, _ := json.Marshal(pub["fees"]); !strings.Contains(string(pj), oldFees.(map[string]any)["text"].(string)[:10]) {
		t.Fatalf("restore not served: %v", pub["fees"])
	}

	// Unanswered inbox → alias → the question is answered.
	if r := c.chat("u1", map[string]string{"text": "tờ chào đời"}); r["intent"] != "fallback" {
		t.Fatalf("not a fallback: %v", r)
	}
	_, un := c.do("GET", "/api/admin/unanswered", editor, "", nil)
	items := un["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("unanswered: %v", un)
	}
	key := items[0].(map[string]any)["key"].(string)
	if code, out := post("/api/admin/unanswered/resolve", editor, map[string]any{"key": key, "procedure_id": "dang-ky-khai-sinh"}); code != 200 {
		t.Fatalf("resolve = %d %v", code, out)
	}
	if r := c.chat("u2", map[string]string{"text": "tờ chào đời"}); r["procedure_id"] != "dang-ky-khai-sinh" {
		t.Fatalf("alias not used: %v", r)
	}
	if _, un := c.do("GET", "/api/admin/unanswered", editor, "", nil); len(un["items"].([]any)) != 0 {
		t.Fatalf("resolved item still open: %v", un)
	}

	// Expansion dictionary through the API.
	_, ex := c.do("GET", "/api/admin/expansions", editor, "", nil)
	exps := ex["expansions"].([]any)
	exps = append(exps, map[string]any{"terms": []string{"bìa xanh"}, "expand": []string{"hộ chiếu"}})
	if code, out := c.do("PUT", "/api/admin/expansions", editor, "application/json", mustJSON(map[string]any{"expansions": exps})); code != 200 {
		t.Fatalf("expansions = %d %v", code, out)
	}
	// "bìa xanh" now reads as "hộ chiếu": the passport guide is answered, or
	// offered first when the bot asks whether a new or a lost passport is meant.
	if r := c.chat("u3", map[string]string{"text": "làm bìa xanh"}); r["procedure_id"] != "cap-ho-chieu" && firstCandidate(r) != "cap-ho-chieu" {
		t.Fatalf("new expansion not used: %v", r)
	}
	if code, _ := c.do("PUT", "/api/admin/expansions", editor, "application/json", []byte(`{"expansions":[{"terms":[],"expand":["x"]}]}`)); code != 400 {
		t.Fatalf("invalid expansions = %d", code)
	}

	// Stats, feedback, audit.
	if code, st := c.do("GET", "/api/admin/stats?days=7", editor, "", nil); code != 200 || st["messages"].(float64) < 3 {
		t.Fatalf("stats = %d %v", code, st)
	}
	if code, _ := c.do("GET", "/api/admin/feedback", editor, "", nil); code != 200 {
		t.Fatalf("feedback = %d", code)
	}
	_, au := c.do("GET", "/api/admin/audit", adminToken, "", nil)
	if n := len(au["items"].([]any)); n < 5 {
		t.Fatalf("audit entries = %d: %v", n, au)
	}

	// Revoke.
	if code, _ := c.do("DELETE", "/api/admin/staff/"+ed["id"].(string), adminToken, "", nil); code != 200 {
		t.Fatalf("revoke = %d", code)
	}
	if code, _ := c.do("GET", "/api/admin/me", editor, "", nil); code != 401 {
		t.Fatalf("revoked token = %d", code)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// firstCandidate is the first procedure a chat answer offered.
func firstCandidate(r map[string]any) string {
	if c, ok := r["candidates"].([]any); ok && len(c) > 0 {
		s, _ := c[0].(string)
		return s
	}
	return ""
}
