package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const adminToken = "test-admin-token-0123456789"

type client struct {
	t    *testing.T
	base string
}

func (c client) do(method, path, token, contentType string, body []byte) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	}
	return resp.StatusCode, out
}

func (c client) chat(session string, fields map[string]string) map[string]any {
	c.t.Helper()
	body := map[string]string{"session_id": session}
	for k, v := range fields {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	code, out := c.do("POST", "/api/chat", "", "application/json", b)
	if code != 200 {
		c.t.Fatalf("chat %v = %d %v", fields, code, out)
	}
	return out
}

func replyText(r map[string]any) string {
	reply, _ := r["reply"].(map[string]any)
	s, _ := reply["text"].(string)
	return s
}

func startTestApp(t *testing.T) (client, func() error) {
	cfg := testConfig(t, t.TempDir())
	cfg.AdminToken = adminToken
	base, stop := startApp(t, cfg)
	return client{t: t, base: base}, stop
}

func TestChatAPIContract(t *testing.T) {
	c, _ := startTestApp(t)
	r := c.chat("s1", map[string]string{"text": "làm lại cccd cần giấy tờ gì"})
	for _, k := range []string{"reply", "intent", "procedure_id", "section", "candidates"} {
		if _, ok := r[k]; !ok {
			t.Fatalf("response lacks %q: %v", k, r)
		}
	}
	if r["intent"] != "procedure" || r["procedure_id"] != "cap-doi-cap-lai-the-can-cuoc" || r["section"] != "documents" {
		t.Fatalf("answer: %v", r)
	}
	buttons := r["reply"].(map[string]any)["buttons"].([]any)
	if len(buttons) == 0 {
		t.Fatal("no buttons")
	}
	// A button's action, sent back, shows that section.
	var steps string
	for _, b := range buttons {
		if a, _ := b.(map[string]any)["action"].(string); strings.HasSuffix(a, ":steps") {
			steps = a
		}
	}
	r = c.chat("s1", map[string]string{"action": steps})
	if r["section"] != "steps" {
		t.Fatalf("button: %v", r)
	}
	r = c.chat("s1", map[string]string{"text": "mất bao lâu"})
	if r["procedure_id"] != "cap-doi-cap-lai-the-can-cuoc" || r["section"] != "time" {
		t.Fatalf("follow-up: %v", r)
	}
	r = c.chat("s2", map[string]string{"text": "Giá vàng hôm nay"})
	if r["intent"] != "fallback" || r["procedure_id"] != "" {
		t.Fatalf("fallback: %v", r)
	}
	code, un := c.do("GET", "/api/admin/unanswered", adminToken, "", nil)
	if code != 200 || len(un["items"].([]any)) != 1 {
		t.Fatalf("unanswered: %d %v", code, un)
	}
}

func TestChatBadInput(t *testing.T) {
	c, _ := startTestApp(t)
	tests := []struct {
		name string
		body string
		want int
	}{
		{"invalid json", `{"session_id": "x", "text": `, 400},
		{"not an object", `[1,2]`, 400},
		{"missing session", `{"text": "xin chào"}`, 400},
		{"bad session id", `{"session_id": "<script>", "text": "hi"}`, 400},
		{"empty body", ``, 400},
		{"empty text", `{"session_id": "e1", "text": ""}`, 200},
		{"unknown action", `{"session_id": "e1", "action": "zzz:1"}`, 200},
		{"100 KB of text", `{"session_id": "e1", "text": "` + strings.Repeat("khai sinh ", 10000) + `"}`, 200},
		{"over the body limit", `{"session_id": "e1", "text": "` + strings.Repeat("a", 2<<20) + `"}`, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := c.do("POST", "/api/chat", "", "application/json", []byte(tt.body))
			if code != tt.want {
				t.Fatalf("= %d %v, want %d", code, out, tt.want)
			}
			if code == 200 && replyText(out) == "" {
				t.Fatalf("empty reply: %v", out)
			}
			if code != 200 && out["error"] == "" {
				t.Fatalf("no error message: %v", out)
			}
		})
	}
}

func TestProcedureAPI(t *testing.T) {
	c, _ := startTestApp(t)
	code, p := c.do("GET", "/api/procedures/dang-ky-khai-sinh", "", "", nil)
	if code != 200 {
		t.Fatalf("get = %d", code)
	}
	for _, k := range []string{"id", "title", "aliases", "field", "agency", "summary", "conditions", "documents", "steps", "processing_time", "fees", "online", "legal_basis", "updated_at"} {
		if _, ok := p[k]; !ok {
			t.Errorf("procedure lacks %q", k)
		}
	}
	if code, _ := c.do("GET", "/api/procedures/khong-ton-tai", "", "", nil); code != 404 {
		t.Fatalf("unknown id = %d", code)
	}
	code, res := c.do("GET", "/api/procedures/search?q=dang+ky+ket+hon&limit=3", "", "", nil)
	results := res["results"].([]any)
	if code != 200 || len(results) == 0 || len(results) > 3 || results[0].(map[string]any)["id"] != "dang-ky-ket-hon" {
		t.Fatalf("search = %d %v", code, res)
	}
	for _, q := range []string{strings.Repeat("x", 10000), "%00%01", "%F0%9F%98%80", "!!!"} {
		if code, _ := c.do("GET", "/api/procedures/search?q="+q, "", "", nil); code != 200 {
			t.Errorf("q=%.20s = %d", q, code)
		}
	}
	for _, q := range []string{"", "q=", "q=abc&limit=x", "q=abc&limit=-1"} {
		if code, _ := c.do("GET", "/api/procedures/search?"+q, "", "", nil); code != 400 {
			t.Errorf("%q = %d, want 400", q, code)
		}
	}
}

func TestAdminEditIsSearchableAndKeptOnRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	cfg.AdminToken = adminToken
	base, stop := startApp(t, cfg)
	c := client{t: t, base: base}
	if code, _ := c.do("PUT", "/api/admin/procedures/dang-ky-khai-sinh", "", "application/json", []byte(`{}`)); code != 401 {
		t.Fatalf("no token = %d", code)
	}
	if code, _ := c.do("PUT", "/api/admin/procedures/dang-ky-khai-sinh", "wrong-token-xxxxxxxxxx", "application/json", []byte(`{}`)); code != 401 {
		t.Fatalf("wrong token = %d", code)
	}
	_, p := c.do("GET", "/api/procedures/dang-ky-khai-sinh", "", "", nil)
	p["aliases"] = append(p["aliases"].([]any), "làm giấy chào đời cho bé")
	delete(p, "updated_at")
	body, _ := json.Marshal(p)
	start := time.Now()
	code, out := c.do("PUT", "/api/admin/procedures/dang-ky-khai-sinh?revision=1", adminToken, "application/json", body)
	if code != 200 {
		t.Fatalf("edit = %d %v", code, out)
	}
	_, res := c.do("GET", "/api/procedures/search?q=giay+chao+doi", "", "", nil)
	if rs := res["results"].([]any); len(rs) == 0 || rs[0].(map[string]any)["id"] != "dang-ky-khai-sinh" {
		t.Fatalf("edit not searchable: %v", res)
	}
	t.Logf("edit searchable %v after the request started", time.Since(start))
	if code, _ := c.do("PUT", "/api/admin/procedures/dang-ky-khai-sinh?revision=1", adminToken, "application/json", body); code != 409 {
		t.Fatalf("stale edit = %d", code)
	}
	bad := strings.Replace(string(body), `"steps":[`, `"steps":"x","stepz":[`, 1)
	if code, out := c.do("PUT", "/api/admin/procedures/dang-ky-khai-sinh", adminToken, "application/json", []byte(bad)); code != 400 || out["field"] == nil {
		t.Fatalf("invalid edit = %d %v", code, out)
	}
	code, revs := c.do("GET", "/api/admin/procedures/dang-ky-khai-sinh/revisions", adminToken, "", nil)
	if list := revs["revisions"].([]any); code != 200 || len(list) != 2 || list[1].(map[string]any)["by"] == "" {
		t.Fatalf("revisions = %d %v", code, revs)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// A restart re-imports the seed but keeps the staff edit.
	base, _ = startApp(t, cfg)
	c = client{t: t, base: base}
	_, res = c.do("GET", "/api/procedures/search?q=giay+chao+doi", "", "", nil)
	if rs := res["results"].([]any); len(rs) == 0 || rs[0].(map[string]any)["id"] != "dang-ky-khai-sinh" {
		t.Fatalf("edit lost on restart: %v", res)
	}
	if code, _ := c.do("DELETE", "/api/admin/procedures/dang-ky-khai-sinh", adminToken, "", nil); code != 200 {
		t.Fatalf("delete = %d", code)
	}
	if code, _ := c.do("GET", "/api/procedures/dang-ky-khai-sinh", "", "", nil); code != 404 {
		t.Fatalf("withdrawn still served: %d", code)
	}
	if code, _ := c.do("DELETE", "/api/admin/procedures/dang-ky-khai-sinh", adminToken, "", nil); code != 404 {
		t.Fatalf("second delete = %d", code)
	}
}

func TestDossierLookupEndToEnd(t *testing.T) {
	c, _ := startTestApp(t)
	csv := "code,procedure_name,applicant_name,applicant_phone,status,received_at,due_at,agency\n" +
		"000.00.12.H57-241022-0001,Đăng ký khai sinh,Nguyễn Thị Hoa,0912345678,processing,2024-10-22T08:00:00+07:00,2024-10-25T17:00:00+07:00,UBND phường Hòa Khánh\n" +
		"H57.22-241022-0015,Cấp đổi thẻ căn cước,Trần Văn Bình,0987654321,received,2024-10-22T09:00:00+07:00,,\n" +
		"bad-code,x,y,0900000000,processing,,,\n" +
		"H57.22-241022-0016,x,y,0900000000,flying,,,\n"
	code, res := c.do("POST", "/api/admin/dossiers", adminToken, "text/csv", []byte(csv))
	if code != 200 || res["upserted"].(float64) != 2 || len(res["rejected"].([]any)) != 2 {
		t.Fatalf("import = %d %v", code, res)
	}
	if code, _ := c.do("POST", "/api/admin/dossiers", "", "text/csv", []byte(csv)); code != 401 {
		t.Fatalf("import without token = %d", code)
	}
	if code, out := c.do("POST", "/api/admin/dossiers", adminToken, "application/json", []byte(`[{"code": 1`)); code != 400 {
		t.Fatalf("malformed = %d %v", code, out)
	}

	// Unknown code and wrong digits get the same answer.
	r := c.chat("d1", map[string]string{"text": "cho hỏi hồ sơ 000.00.12.H57-241022-0001 đến đâu rồi"})
	if r["intent"] != "dossier" || !strings.Contains(replyText(r), "4 số cuối") {
		t.Fatalf("ask digits: %v", r)
	}
	wrong := replyText(c.chat("d1", map[string]string{"text": "1111"}))
	c.chat("d1", map[string]string{"text": "H57.22-999999-0001"})
	unknown := replyText(c.chat("d1", map[string]string{"text": "5678"}))
	if wrong != unknown || strings.Contains(wrong, "Nguyễn") {
		t.Fatalf("answers differ:\n%s\n%s", wrong, unknown)
	}
	c.chat("d1", map[string]string{"text": "000.00.12.H57-241022-0001"})
	r = c.chat("d1", map[string]string{"text": "5678"})
	text := replyText(r)
	for _, want := range []string{"Đang xử lý", "Nguyễn T. H.", "22/10/2024", "25/10/2024", "quá hạn"} {
		if !strings.Contains(text, want) {
			t.Errorf("answer lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "0912345678") || strings.Contains(text, "Thị Hoa") {
		t.Fatalf("personal data leaked:\n%s", text)
	}
	// Subscribe, then a status change reaches the web chat once.
	var sub string
	for _, b := range r["reply"].(map[string]any)["buttons"].([]any) {
		if a, _ := b.(map[string]any)["action"].(string); strings.HasPrefix(a, "sub:") {
			sub = a
		}
	}
	if r := c.chat("d1", map[string]string{"action": sub}); !strings.Contains(replyText(r), "Đã đăng ký") {
		t.Fatalf("subscribe: %v", r)
	}
	update := `[{"code":"000.00.12.H57-241022-0001","procedure_name":"Đăng ký khai sinh","applicant_name":"Nguyễn Thị Hoa","applicant_phone":"0912345678","status":"completed","received_at":"2024-10-22T08:00:00+07:00","due_at":"2024-10-25T17:00:00+07:00","agency":"UBND phường Hòa Khánh"}]`
	for i := 0; i < 2; i++ { // the second import is idempotent: no second notification
		if code, res := c.do("POST", "/api/admin/dossiers", adminToken, "application/json", []byte(update)); code != 200 {
			t.Fatalf("update = %d %v", code, res)
		}
	}
	inbox := c.chat("d1", map[string]string{"action": "inbox"})
	if rs := inbox["replies"].([]any); len(rs) != 1 || !strings.Contains(rs[0].(map[string]any)["text"].(string), "Đã có kết quả") {
		t.Fatalf("inbox: %v", inbox)
	}
	if rs := c.chat("d1", map[string]string{"action": "inbox"})["replies"].([]any); len(rs) != 0 {
		t.Fatalf("notification delivered twice: %v", rs)
	}
	if code, au := c.do("GET", "/api/admin/dossiers/lookups", adminToken, "", nil); code != 200 || len(au["items"].([]any)) < 3 {
		t.Fatalf("lookup audit: %d %v", code, au)
	}
	code, d := c.do("GET", "/api/admin/dossiers/000.00.12.H57-241022-0001", adminToken, "", nil)
	if code != 200 || len(d["history"].([]any)) != 2 {
		t.Fatalf("history: %d %v", code, d)
	}

	// Five wrong tries lock the code, even with the right digits afterwards.
	for i := 0; i < 5; i++ {
		c.chat("d2", map[string]string{"text": "H57.22-241022-0015"})
		c.chat("d2", map[string]string{"text": fmt.Sprintf("%04d", i)})
	}
	c.chat("d3", map[string]string{"text": "H57.22-241022-0015"})
	if r := c.chat("d3", map[string]string{"text": "4321"}); !strings.Contains(replyText(r), "tạm khóa") {
		t.Fatalf("not locked: %v", r)
	}
}
