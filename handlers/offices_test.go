package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/store/storetest"
)

// tokenAuth maps tokens to staff.
type tokenAuth map[string]Staff

func (a tokenAuth) Authenticate(_ context.Context, token string) (Staff, error) {
	if s, ok := a[token]; ok {
		return s, nil
	}
	return Staff{}, fmt.Errorf("%w: invalid staff token", bot.ErrUnauthorized)
}

func TestOfficeRoutes(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t).NewOffices()
	if _, err := s.SeedSample(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	auth := tokenAuth{"editor-token": {Name: "Mai", Roles: []string{RoleEditor}}, "ops-token": {Name: "Lan", Roles: []string{RoleDossierOperator}}}
	r := NewRouter(Options{Routes: []func(*gin.Engine){OfficeRoutes(OfficeDeps{Auth: auth, Offices: s})}})
	do := func(method, path, token, body string) (int, map[string]any) {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, path, w.Body.String())
		}
		return w.Code, out
	}
	ids := func(out map[string]any) []string {
		var ids []string
		for _, o := range out["offices"].([]any) {
			ids = append(ids, o.(map[string]any)["id"].(string))
		}
		return ids
	}

	// Public lookup by commune: accents, abbreviations, former names.
	for _, q := range []string{"Phường Hòa Sơn", "phuong hoa son", "P.2", "phường 03"} {
		code, out := do("GET", "/api/offices?commune="+url.QueryEscape(q), "", "")
		got := ids(out)
		if code != 200 || out["commune"] != "Phường Hòa Sơn" || len(got) == 0 || got[0] != "sample-conganxa-hoa-son" && got[0] != "sample-ttphvhcc-hoa-son" {
			t.Errorf("GET commune=%q = %d %v %v", q, code, out["commune"], got)
		}
		joined := strings.Join(got, ",")
		if !strings.Contains(joined, "sample-vpdkdd-hoa-son") || strings.Contains(joined, "sample-vpdkdd-dong-tien") || strings.Contains(joined, "tan-an") {
			t.Errorf("GET commune=%q lists the wrong offices: %v", q, got)
		}
	}
	code, out := do("GET", "/api/offices?commune=H%C3%A0%20N%E1%BB%99i", "", "")
	if code != 200 || len(ids(out)) != 0 {
		t.Errorf("unknown commune = %d %v", code, out)
	}
	// Every contract field is there.
	_, out = do("GET", "/api/offices?commune=xa+son+thuy", "", "")
	first := out["offices"].([]any)[0].(map[string]any)
	for _, f := range []string{"id", "name", "level", "communes", "address", "phone", "hours", "lat", "lon", "fields", "map_url"} {
		if _, ok := first[f]; !ok {
			t.Errorf("office without %q: %v", f, first)
		}
	}

	// Staff import: roles first.
	csv := "id,name,level,communes,address,phone,hours,lat,lon,fields,map_url\n" +
		"ubnd-an-binh,Trung tâm Phục vụ hành chính công phường An Bình,xã,Phường An Bình;Phường 7;Xã Bình Lợi,1 Lê Lợi,0251 3800 111,\"T2-T6 07:30-11:30,13:30-17:00; T7 07:30-11:30\",10.95,106.82,,\n" +
		"ca-an-binh,Công an phường An Bình,xã,Phường An Bình,3 Lê Lợi,0251 3800 113,,10.95,106.82,Cư trú;Căn cước,\n" +
		"bad,,xã,Phường C,x,,,,,,\n"
	if code, _ := do("POST", "/api/admin/offices", "", csv); code != 401 {
		t.Errorf("import without a token = %d", code)
	}
	if code, _ := do("POST", "/api/admin/offices", "ops-token", csv); code != 403 {
		t.Errorf("import without the editor role = %d", code)
	}
	code, out = do("POST", "/api/admin/offices", "editor-token", csv)
	rej, _ := out["rejected"].([]any)
	if code != 200 || out["upserted"] != float64(2) || len(rej) != 1 || rej[0].(map[string]any)["field"] != "name" {
		t.Fatalf("import = %d %v", code, out)
	}
	// The province's import replaced the sample.
	code, out = do("GET", "/api/offices", "", "")
	if got := ids(out); code != 200 || strings.Join(got, ",") != "ca-an-binh,ubnd-an-binh" {
		t.Fatalf("after import: %v", got)
	}
	_, out = do("GET", "/api/offices?commune="+url.QueryEscape("X. Bình Lợi"), "", "")
	if got := ids(out); strings.Join(got, ",") != "ca-an-binh,ubnd-an-binh" && strings.Join(got, ",") != "ubnd-an-binh,ca-an-binh" {
		t.Errorf("former name after import: %v", got)
	}

	// JSON import, and malformed bodies.
	js := `[{"id":"vpdkdd-1","name":"Chi nhánh VPĐKĐĐ","level":"tỉnh","communes":["Phường An Bình"],"address":"5 Lê Lợi","phone":"","hours":"T2-T6 07:30-17:00","lat":0,"lon":0,"fields":["Đất đai"],"map_url":"https://maps.example/v"}]`
	if code, out := do("POST", "/api/admin/offices", "editor-token", js); code != 200 || out["upserted"] != float64(1) {
		t.Errorf("json import = %d %v", code, out)
	}
	for _, body := range []string{"", "{}", "[1,"} {
		if code, _ := do("POST", "/api/admin/offices", "editor-token", body); code != 400 {
			t.Errorf("import %q = %d, want 400", body, code)
		}
	}
	code, out = do("GET", "/api/admin/offices", "editor-token", "")
	if code != 200 || len(ids(out)) != 3 {
		t.Errorf("admin list = %d %v", code, out)
	}
	if code, _ := do("DELETE", "/api/admin/offices/vpdkdd-1", "editor-token", ""); code != 200 {
		t.Errorf("delete = %d", code)
	}
	if code, _ := do("DELETE", "/api/admin/offices/vpdkdd-1", "editor-token", ""); code != 404 {
		t.Errorf("second delete = %d", code)
	}
}
