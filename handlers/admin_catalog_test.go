package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/dvcbot/dvcbot/knowledge/catalog/catalogtest"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

// catalogService is the staff API's catalogue service over the store.
type catalogService struct{ procs *store.Procedures }

func (s catalogService) Import(ctx context.Context, body io.Reader, file string, f catalog.Format, by string) (catalog.Import, error) {
	return catalog.Load(ctx, s.procs, body, file, f, by, time.Now)
}

func (s catalogService) Imports(ctx context.Context, limit int) ([]catalog.Import, error) {
	return s.procs.CatalogImports(ctx, limit)
}

type catalogAPI struct {
	t *testing.T
	r http.Handler
}

// do sends body (streamed, without a length when chunked) and decodes the JSON answer.
func (a catalogAPI) do(method, path, token, contentType string, body []byte, chunked bool) (int, map[string]any) {
	a.t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if chunked {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = -1
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	a.r.ServeHTTP(w, req)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		a.t.Fatalf("%s %s: not JSON (%d): %.300s", method, path, w.Code, w.Body.String())
	}
	return w.Code, out
}

func newCatalogAPI(t *testing.T, maxImport int64) (catalogAPI, *store.Procedures) {
	procs := storetest.New(t).Procedures()
	auth := tokenAuth{"editor-token": {Name: "Mai", Roles: []string{RoleEditor}}, "ops-token": {Name: "Lan", Roles: []string{RoleDossierOperator}}}
	r := NewRouter(Options{MaxImportBytes: maxImport, Routes: []func(*gin.Engine){
		AdminRoutes(AdminDeps{Auth: auth, Procedures: procs, Catalog: catalogService{procs}}),
	}})
	return catalogAPI{t: t, r: r}, procs
}

func num(v any) int { f, _ := v.(float64); return int(f) }

// A province's 2,000-record catalogue (several MiB) goes through the import
// route, bad rows reported and good rows kept; a re-import changes nothing;
// every other route keeps the 1 MiB limit.
func TestCatalogImportRoute(t *testing.T) {
	api, procs := newCatalogAPI(t, 0)
	guide := knowledge.Procedure{ID: "dang-ky-khai-sinh", Title: "Đăng ký khai sinh", NationalCodes: []string{"1.001193"}}
	if _, err := procs.Import(context.Background(), []knowledge.Procedure{guide}, "seed", time.Now()); err != nil {
		t.Fatal(err)
	}
	n := 2000
	if raceEnabled {
		n = 400 // still more than 1 MiB
	}
	var buf bytes.Buffer
	sum, err := catalogtest.Generate(&buf, catalogtest.Options{N: n, Format: catalog.FormatJSONL, Seed: 5, Bad: 5})
	if err != nil {
		t.Fatal(err)
	}
	body := buf.Bytes()
	if len(body) <= 1<<20 {
		t.Fatalf("the generated file is only %d bytes", len(body))
	}

	code, out := api.do("POST", "/api/admin/catalog?filename=danh-muc-tinh.jsonl", "editor-token", "application/octet-stream", body, true)
	if code != 200 || num(out["created"]) != n-sum.Withdrawn || num(out["withdrawn"]) != sum.Withdrawn || num(out["unchanged"]) != 0 || num(out["rows"]) != n+5 {
		t.Fatalf("import = %d %.500v", code, out)
	}
	rejected := out["rejected"].([]any)
	if len(rejected) != 5 {
		t.Fatalf("rejected %v", rejected)
	}
	for i, r := range rejected {
		r := r.(map[string]any)
		if num(r["row"]) != sum.BadRows[i] || r["error"] == "" {
			t.Errorf("rejection %d: %v, want row %d", i, r, sum.BadRows[i])
		}
		if _, ok := r["code"]; !ok {
			t.Errorf("rejection %d has no code: %v", i, r)
		}
	}
	code, out = api.do("POST", "/api/admin/catalog", "editor-token", "application/x-ndjson", body, false)
	if code != 200 || num(out["unchanged"]) != n || num(out["created"])+num(out["updated"])+num(out["withdrawn"]) != 0 {
		t.Fatalf("re-import = %d %.300v", code, out)
	}

	// The 1 MiB limit stays on every other route, with or without a length.
	big := []byte(`{"id":"x","summary":"` + strings.Repeat("x", 2<<20) + `"}`)
	for _, chunked := range []bool{false, true} {
		if code, out := api.do("POST", "/api/admin/procedures", "editor-token", "application/json", big, chunked); code != http.StatusRequestEntityTooLarge {
			t.Errorf("a %d-byte body on another route (chunked %v) = %d %v", len(big), chunked, code, out)
		}
	}
	// Roles: 401 without a token, 403 without the editor role.
	if code, _ := api.do("POST", "/api/admin/catalog", "", "", body[:1000], false); code != http.StatusUnauthorized {
		t.Errorf("no token = %d", code)
	}
	if code, _ := api.do("POST", "/api/admin/catalog", "ops-token", "", body[:1000], false); code != http.StatusForbidden {
		t.Errorf("dossier operator = %d", code)
	}
	if code, _ := api.do("GET", "/api/admin/catalog/imports", "ops-token", "", nil, false); code != http.StatusForbidden {
		t.Errorf("dossier operator reading imports = %d", code)
	}

	// The log keeps both imports, newest first.
	code, out = api.do("GET", "/api/admin/catalog/imports", "editor-token", "", nil, false)
	imports := out["imports"].([]any)
	if code != 200 || len(imports) != 2 {
		t.Fatalf("imports = %d %v", code, len(imports))
	}
	last := imports[0].(map[string]any)
	if last["by"] != "Mai" || last["format"] != "jsonl" || num(last["report"].(map[string]any)["unchanged"]) != n || imports[1].(map[string]any)["file"] != "danh-muc-tinh.jsonl" {
		t.Fatalf("last import %v", last)
	}

	// Official records are browsable: by kind, searched by code or name, paged,
	// linked to the curated guide that names their code.
	code, out = api.do("GET", "/api/admin/procedures?kind=official&q=1.001193", "editor-token", "", nil, false)
	list := out["procedures"].([]any)
	if code != 200 || len(list) != 1 {
		t.Fatalf("search by code = %d %v", code, out)
	}
	if p := list[0].(map[string]any); p["id"] != "tthc-1-001193" || p["guide_id"] != "dang-ky-khai-sinh" || p["kind"] != "official" || p["level"] != "Cấp xã" {
		t.Fatalf("official record %v", p)
	}
	code, out = api.do("GET", "/api/admin/procedures?kind=official&q=cap+lai&limit=10&offset=5", "editor-token", "", nil, false)
	if list := out["procedures"].([]any); code != 200 || len(list) != 10 || num(out["total"]) < 16 {
		t.Fatalf("paged search = %d total %v, %d items", code, out["total"], len(list))
	}
	for _, p := range out["procedures"].([]any) {
		if title := p.(map[string]any)["title"].(string); !strings.Contains(strings.ToLower(title), "cấp lại") {
			t.Errorf("%q does not match cap lai", title)
		}
	}
	if fields := out["fields"].([]any); len(fields) < 10 {
		t.Errorf("fields facet %v", fields)
	}
	code, out = api.do("GET", "/api/admin/procedures?kind=curated", "editor-token", "", nil, false)
	if list := out["procedures"].([]any); code != 200 || len(list) != 1 || num(out["total"]) != 1 {
		t.Fatalf("curated list = %d %v", code, out)
	}
	if code, _ := api.do("GET", "/api/admin/procedures?kind=other", "editor-token", "", nil, false); code != 400 {
		t.Errorf("unknown kind = %d", code)
	}
}

// Each format and way of naming it; files that cannot be read are refused
// whole; the import route has its own cap.
func TestCatalogImportFormatsAndErrors(t *testing.T) {
	api, _ := newCatalogAPI(t, 2<<20)
	csvBody := "Mã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện\n" +
		"1.000101,Cấp lại giấy phép thử,Công thương,Cấp tỉnh\n" +
		"1.000102,Cấp \"đổi\" giấy phép thử,Công thương,Cấp tỉnh\n" +
		"1.000103,Đăng ký thử,Hộ tịch,Cấp xã\n"
	code, out := api.do("POST", "/api/admin/catalog", "editor-token", "text/csv; charset=utf-8", []byte(csvBody), false)
	rejected, _ := out["rejected"].([]any)
	if code != 200 || num(out["created"]) != 2 || len(rejected) != 1 || out["format"] != "csv" {
		t.Fatalf("csv = %d %v", code, out)
	}
	if r := rejected[0].(map[string]any); num(r["row"]) != 3 || r["code"] != "1.000102" || !strings.Contains(r["error"].(string), "line 3") {
		t.Fatalf("csv rejection %v", r)
	}

	// An Excel workbook sent as a form upload: the type comes from its name.
	var xbuf bytes.Buffer
	if _, err := catalogtest.Generate(&xbuf, catalogtest.Options{N: 20, Format: catalog.FormatXLSX, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "danh muc.xlsx")
	_, _ = fw.Write(xbuf.Bytes())
	_ = mw.Close()
	code, out = api.do("POST", "/api/admin/catalog", "editor-token", mw.FormDataContentType(), form.Bytes(), false)
	if code != 200 || num(out["created"])+num(out["withdrawn"]) != 20 || out["format"] != "xlsx" || out["file"] != "danh muc.xlsx" {
		t.Fatalf("xlsx form = %d %v", code, out)
	}

	tests := []struct {
		name, path, contentType, body string
		want                          int
		errPart                       string
	}{
		{"no header row", "/api/admin/catalog?filename=a.csv", "", "STT,Tên\n1,x\n", 400, "Mã thủ tục"},
		{"quote never closed", "/api/admin/catalog?filename=a.csv", "", "Mã thủ tục,Tên thủ tục\n1.000001,\"mở\n1.000002,x\n", 400, "line 2"},
		{"json syntax", "/api/admin/catalog?filename=a.json", "", `[{"code":"1.000001","name":"x"},{`, 400, "record 2"},
		{"old excel", "/api/admin/catalog?filename=a.xls", "", "x", 415, ".xlsx"},
		{"picture", "/api/admin/catalog", "image/png", "x", 415, "image/png"},
		{"empty", "/api/admin/catalog", "", "", 400, "empty"},
		{"over the import cap", "/api/admin/catalog?filename=a.jsonl", "", strings.Repeat("x", 3<<20), 413, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := api.do("POST", tt.path, "editor-token", tt.contentType, []byte(tt.body), false)
			if code != tt.want || !strings.Contains(out["error"].(string), tt.errPart) {
				t.Fatalf("= %d %v, want %d with %q", code, out, tt.want, tt.errPart)
			}
		})
	}
	code, out = api.do("GET", "/api/admin/catalog/imports?limit=3", "editor-token", "", nil, false)
	imports := out["imports"].([]any)
	if code != 200 || len(imports) != 3 || !strings.Contains(imports[0].(map[string]any)["error"].(string), "empty") {
		t.Fatalf("imports = %d %v", code, out)
	}
}
