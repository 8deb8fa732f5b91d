package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// "dossiers source test CODE" prints the raw answer, the mapped dossier with
// the phone masked, what a citizen sees, and the mapping's problems.
func TestDossierSourceTest(t *testing.T) {
	status := "Đang xử lý"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != "k-0123456789" {
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		if r.URL.Query().Get("ma") != "000.00.12.H57-241022-0001" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `{"data":{"maHoSo":"000.00.12.H57-241022-0001","trangThai":%q,"tenThuTuc":"Đăng ký khai sinh","chuHoSo":"Nguyễn Thị Hoa","soDienThoai":"0987654321","ngayHenTra":"25/10/2024"}}`, status)
	}))
	defer srv.Close()
	example, err := os.ReadFile(filepath.Join("..", "..", "deploy", "dossier-source.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "source.yaml")
	text := strings.Replace(string(example), "https://igate.example.gov.vn/api/hoso/tra-cuu?ma={code}", srv.URL+"/api/hoso?ma={code}", 1)
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DVCBOT_DOSSIER_SOURCE": file, "PROVINCE_API_KEY": "k-0123456789"}

	code, out := runCLI(t, env, "dossiers", "source", "test", "000.00.12.h57-241022-0001")
	for _, want := range []string{"HTTP 200", `"trangThai": "Đang xử lý"`, "mapped dossier:", "processing (Đang xử lý)", "*******321", "2024-10-25", "Người nộp: Nguyễn T. H.", "result: ok", "X-Api-Key: ***"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code != 0 || strings.Contains(out, "k-0123456789") {
		t.Fatalf("exit %d, or the key was printed:\n%s", code, out)
	}

	status = "Chờ lãnh đạo ký"
	code, out = runCLI(t, env, "dossiers", "source", "test", "000.00.12.H57-241022-0001")
	if code != 1 || !strings.Contains(out, "mapping problems:") || !strings.Contains(out, `"Chờ lãnh đạo ký" is not in statuses`) {
		t.Fatalf("unknown status: exit %d\n%s", code, out)
	}
	if code, out = runCLI(t, env, "dossiers", "source", "test", "000.00.12.H57-241022-0002"); code != 0 || !strings.Contains(out, "no dossier") {
		t.Fatalf("not found: exit %d\n%s", code, out)
	}
	delete(env, "PROVINCE_API_KEY")
	if code, out = runCLI(t, env, "dossiers", "source", "test", "000.00.12.H57-241022-0001"); code != 1 || !strings.Contains(out, "environment variable PROVINCE_API_KEY is not set") {
		t.Fatalf("missing key: exit %d\n%s", code, out)
	}
}
