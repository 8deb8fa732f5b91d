package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
)

// chatTurn posts one web chat turn (text or button action) and returns the answer.
func chatTurn(t *testing.T, base, session, text, action string) map[string]any {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"session_id": session, "text": text, "action": action})
	resp, err := http.Post(base+"/api/chat", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != 200 {
		t.Fatalf("chat %q = %d %v", text, resp.StatusCode, out)
	}
	return out
}

// The whole service with DVCBOT_DOSSIER_SOURCE: a citizen's lookup is
// answered from the province's system; its outage gets the honest "busy"
// answer with the officer button, never "not found"; a subscription keeps a
// copy that the background re-check keeps in step, and a change reaches the
// outbox once.
func TestDossierSourceEndToEnd(t *testing.T) {
	const code, key = "000.00.12.H57-241022-0001", "k-secret-0123"
	var mu sync.Mutex
	status, down := "Đã tiếp nhận", false
	province := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st, dn := status, down
		mu.Unlock()
		switch {
		case r.Header.Get("X-Api-Key") != key:
			http.Error(w, "bad key", http.StatusUnauthorized)
		case dn:
			http.Error(w, "bảo trì", http.StatusBadGateway)
		case r.URL.Query().Get("ma") != code:
			http.NotFound(w, r)
		default:
			fmt.Fprintf(w, `{"data":{"maHoSo":%q,"trangThai":%q,"chuHoSo":"Lê Văn Bình","soDienThoai":"0912 345 678","tenThuTuc":"Cấp giấy phép xây dựng"}}`, code, st)
		}
	}))
	defer province.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "source.yaml")
	if err := os.WriteFile(file, []byte(`url: "`+province.URL+`/hoso?ma={code}"
headers: {X-Api-Key: "${PROVINCE_API_KEY}"}
timeout: 1s
phone: whole
fields: {code: data.maHoSo, status: data.trangThai, applicant_name: data.chuHoSo, applicant_phone: data.soDienThoai, procedure_name: data.tenThuTuc}
statuses: {"Đã tiếp nhận": received, "Đang xử lý": processing}
cache: 0s
breaker: {failures: 2, cooldown: 1s}
recheck: {interval: 1s, rate: 20}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, filepath.Join(dir, "data"))
	cfg.DossierSource = file
	cfg.AdminToken = adminToken

	// A missing key stops the start, naming the variable.
	cfg.Getenv = func(string) string { return "" }
	if _, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "PROVINCE_API_KEY is not set") {
		t.Fatalf("start without the key: %v", err)
	}

	cfg.Getenv = func(k string) string {
		if k == "PROVINCE_API_KEY" {
			return key
		}
		return ""
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	base := "http://" + ln.Addr().String()

	r := chatTurn(t, base, "citizen", "tra cứu hồ sơ "+code+" 5678", "")
	if txt := replyText(r); !strings.Contains(txt, "Đã tiếp nhận") || !strings.Contains(txt, "Lê V. B.") || strings.Contains(txt, "Bình") {
		t.Fatalf("lookup through the source: %s", txt)
	}
	if txt := replyText(chatTurn(t, base, "citizen", "", "sub:"+code)); !strings.Contains(txt, "Đã đăng ký") {
		t.Fatalf("subscribe: %s", txt)
	}
	d, err := a.dossierRepo.Get(ctx, code)
	if err != nil || d.Origin != dossier.OriginSource || len(d.Subscribers) != 1 {
		t.Fatalf("stored copy after subscribing: %v %+v", err, d)
	}
	if txt := replyText(chatTurn(t, base, "guesser", code+" 0000", "")); !strings.Contains(txt, "Không tìm thấy") {
		t.Fatalf("wrong digits: %s", txt)
	}

	// Staff see a dossier the store does not hold through the source.
	admin := client{t: t, base: base}
	if st, out := admin.do("GET", "/api/admin/dossiers/"+code, adminToken, "", nil); st != 200 || out["status"] != "received" || out["origin"] != "source" {
		t.Fatalf("admin GET a stored copy = %d %v", st, out)
	}
	const other = "000.00.12.H57-241022-0002"
	if st, _ := admin.do("GET", "/api/admin/dossiers/"+other, adminToken, "", nil); st != 404 {
		t.Fatalf("admin GET unknown to the source = %d", st)
	}

	// The province is down: honest, with the officer button.
	mu.Lock()
	down = true
	mu.Unlock()
	for i := 0; i < 3; i++ {
		r = chatTurn(t, base, "other", code+" 5678", "")
		reply := r["reply"].(map[string]any)
		txt, _ := reply["text"].(string)
		if txt != "Hệ thống tra cứu của tỉnh đang bận, vui lòng thử lại sau." {
			t.Fatalf("outage answer %d: %q", i, txt)
		}
		btns, _ := reply["buttons"].([]any)
		if len(btns) != 1 || btns[0].(map[string]any)["label"] != "Gặp cán bộ" || btns[0].(map[string]any)["action"] != "handoff" {
			t.Fatalf("outage buttons: %v", reply["buttons"])
		}
	}

	if st, _ := admin.do("GET", "/api/admin/dossiers/"+other, adminToken, "", nil); st != 503 {
		t.Fatalf("admin GET during the outage = %d, want 503", st)
	}

	// Back up with a new status: the re-check notices and queues one notification.
	mu.Lock()
	down, status = false, "Đang xử lý"
	mu.Unlock()
	deadline := time.Now().Add(15 * time.Second)
	var ns []dossier.Notification
	for time.Now().Before(deadline) {
		if ns, err = a.DB().Outbox().ForChat(ctx, bot.ChannelWeb, "citizen"); err == nil && len(ns) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(ns) != 1 || !strings.Contains(ns[0].Text, "Đang xử lý") {
		t.Fatalf("notifications after the change: %v %+v", err, ns)
	}
	time.Sleep(2500 * time.Millisecond) // more rounds: still one
	if ns, _ = a.DB().Outbox().ForChat(ctx, bot.ChannelWeb, "citizen"); len(ns) != 1 {
		t.Fatalf("%d notifications after more rounds, want 1", len(ns))
	}
	// The "other" chat's outage answers were not failed tries: it verifies now.
	if txt := replyText(chatTurn(t, base, "other", code+" 5678", "")); !strings.Contains(txt, "Đang xử lý") {
		t.Fatalf("after the outage: %s", txt)
	}
}
