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

	"github.com/dvcbot/dvcbot/channel/channeltest"
	"github.com/dvcbot/dvcbot/messenger"
	"github.com/dvcbot/dvcbot/zalo"
)

// TestZaloAndMessengerEndToEnd runs the whole program with both channels
// against fake platform APIs: answers, a dossier lookup with a subscription
// whose notification reaches Zalo, Messenger's challenge, the statistics by
// channel and /readyz detail when Zalo's token refresh fails.
func TestZaloAndMessengerEndToEnd(t *testing.T) {
	zapi := channeltest.NewAPI(t, `{"error":0,"message":"Success","data":{"message_id":"x"}}`)
	oauth := channeltest.NewAPI(t, `{"error":-14014,"error_name":"Invalid refresh token"}`)
	graph := channeltest.NewAPI(t, `{"recipient_id":"1","message_id":"mid.x"}`)
	cfg := testConfig(t, t.TempDir())
	cfg.AdminToken = adminToken
	cfg.ZaloAppID, cfg.ZaloOASecretKey = "4455", "oa-secret"
	cfg.ZaloAccessToken, cfg.ZaloRefreshToken = "access-1", "refresh-1"
	cfg.ZaloAPIEndpoint, cfg.ZaloOAuthEndpoint = zapi.URL(), oauth.URL()
	cfg.MessengerPageToken, cfg.MessengerAppSecret, cfg.MessengerVerifyToken = "page-token", "app-secret", "verify-token"
	cfg.MessengerAPIEndpoint = graph.URL() + "/v21.0"
	base, _ := startApp(t, cfg)
	c := client{t: t, base: base}

	var post func(path, sigHeader, sig string, body []byte) int
	post = func(path, sigHeader, sig string, body []byte) int {
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if sig != "" {
			req.Header.Set(sigHeader, sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable { // starting: platforms deliver again
			time.Sleep(50 * time.Millisecond)
			return post(path, sigHeader, sig, body)
		}
		return resp.StatusCode
	}
	msgN := 0
	zaloSay := func(text string) int {
		msgN++
		ts := fmt.Sprint(time.Now().UnixMilli())
		body, _ := json.Marshal(map[string]any{"app_id": "4455", "event_name": "user_send_text", "timestamp": ts,
			"sender": map[string]string{"id": "84001"}, "recipient": map[string]string{"id": "oa"},
			"message": map[string]string{"text": text, "msg_id": fmt.Sprint("zm", msgN)}})
		return post(zalo.WebhookPath, zalo.SignatureHeader, zalo.Sign("4455", "oa-secret", body, ts), body)
	}
	zaloTexts := func() []string {
		var out []string
		for _, call := range zapi.Calls("/v3.0/oa/message/cs") {
			var m struct {
				Message struct {
					Text       string `json:"text"`
					Attachment *struct {
						Payload struct {
							Buttons []struct {
								Payload any `json:"payload"`
							} `json:"buttons"`
						} `json:"payload"`
					} `json:"attachment"`
				} `json:"message"`
			}
			_ = json.Unmarshal(call.Body, &m)
			if m.Message.Attachment != nil {
				for _, b := range m.Message.Attachment.Payload.Buttons {
					if s, ok := b.Payload.(string); ok {
						out = append(out, "button "+s)
					}
				}
				continue
			}
			out = append(out, m.Message.Text)
		}
		return out
	}
	waitText := func(what, want string) []string {
		t.Helper()
		var got []string
		channeltest.WaitFor(t, what, func() bool {
			got = zaloTexts()
			for _, s := range got {
				if strings.Contains(s, want) {
					return true
				}
			}
			return false
		})
		return got
	}

	if st := post(zalo.WebhookPath, zalo.SignatureHeader, "mac=00", []byte(`{"timestamp":"1"}`)); st != 401 {
		t.Fatalf("unsigned zalo event = %d", st)
	}
	if st := zaloSay("làm hộ chiếu mất bao lâu"); st != 200 {
		t.Fatalf("zalo event = %d", st)
	}
	waitText("zalo answer", "Thời gian giải quyết")

	// A dossier lookup on Zalo, a subscription by button, a notification by push.
	csv := "code,procedure_name,applicant_name,applicant_phone,status,received_at,due_at,agency\n" +
		"000.00.12.H57-241022-0001,Đăng ký khai sinh,Nguyễn Thị Hoa,0912345678,processing,2024-10-22T08:00:00+07:00,2024-10-25T17:00:00+07:00,UBND phường Hòa Khánh\n"
	if code, res := c.do("POST", "/api/admin/dossiers", adminToken, "text/csv", []byte(csv)); code != 200 {
		t.Fatalf("import = %d %v", code, res)
	}
	zaloSay("hồ sơ 000.00.12.H57-241022-0001")
	waitText("asked for digits", "4 số cuối")
	zaloSay("5678")
	got := waitText("the subscribe button", "button #dvc:sub:")
	var sub string
	for _, s := range got {
		if p, ok := strings.CutPrefix(s, "button "); ok && strings.HasPrefix(p, "#dvc:sub:") {
			sub = p
		}
	}
	zaloSay(sub)
	waitText("subscribed", "Đã đăng ký")
	update := `[{"code":"000.00.12.H57-241022-0001","procedure_name":"Đăng ký khai sinh","applicant_name":"Nguyễn Thị Hoa","applicant_phone":"0912345678","status":"completed","received_at":"2024-10-22T08:00:00+07:00","due_at":"2024-10-25T17:00:00+07:00","agency":"UBND phường Hòa Khánh"}]`
	if code, res := c.do("POST", "/api/admin/dossiers", adminToken, "application/json", []byte(update)); code != 200 {
		t.Fatalf("update = %d %v", code, res)
	}
	waitText("the notification pushed to Zalo", "Đã có kết quả")

	// Messenger: the challenge, then a signed message answered.
	resp, err := http.Get(base + messenger.WebhookPath + "?hub.mode=subscribe&hub.verify_token=verify-token&hub.challenge=42")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "42" {
		t.Fatalf("challenge = %d %q", resp.StatusCode, b)
	}
	if resp, _ := http.Get(base + messenger.WebhookPath + "?hub.mode=subscribe&hub.verify_token=x&hub.challenge=42"); resp.StatusCode != 403 {
		t.Fatalf("wrong verify token = %d", resp.StatusCode)
	}
	body := []byte(`{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"9001"},"recipient":{"id":"1"},"timestamp":` +
		fmt.Sprint(time.Now().UnixMilli()) + `,"message":{"mid":"m_1","text":"đăng ký khai sinh ở đâu"}}]}]}`)
	if st := post(messenger.WebhookPath, messenger.SignatureHeader, "sha256=00", body); st != 401 {
		t.Fatalf("unsigned messenger event = %d", st)
	}
	if st := post(messenger.WebhookPath, messenger.SignatureHeader, messenger.Sign("app-secret", body), body); st != 200 {
		t.Fatalf("messenger event = %d", st)
	}
	channeltest.WaitFor(t, "messenger answer", func() bool { return len(graph.Calls("/v21.0/me/messages")) > 0 })

	// Statistics count the channels.
	channeltest.WaitFor(t, "stats by channel", func() bool {
		_, st := c.do("GET", "/api/admin/stats?days=30", adminToken, "", nil)
		raw, _ := json.Marshal(st)
		return strings.Contains(string(raw), `"zalo"`) && strings.Contains(string(raw), `"messenger"`)
	})

	// Zalo refuses the token and the refresh fails: /readyz still answers 200
	// (the rest of the service works) and says what is wrong with Zalo.
	ready := func() map[string]any {
		code, body := get(t, base+"/readyz")
		var m map[string]any
		_ = json.Unmarshal([]byte(body), &m)
		if code != 200 {
			t.Fatalf("readyz = %d %s", code, body)
		}
		return m
	}
	if d := ready()["detail"].(map[string]any); d["zalo"] != "ok" || d["messenger"] != "ok" {
		t.Fatalf("detail %v", d)
	}
	zapi.SetAnswer(func(channeltest.Call) (int, string) { return 200, `{"error":-216,"message":"Access token is invalid"}` })
	zaloSay("cảm ơn")
	channeltest.WaitFor(t, "the failed refresh in /readyz", func() bool {
		d, _ := ready()["detail"].(map[string]any)
		s, _ := d["zalo"].(string)
		return strings.Contains(s, "refresh failed")
	})
}
