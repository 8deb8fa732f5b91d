package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBotAPI answers like the Bot API and records sendMessage calls.
type fakeBotAPI struct {
	mu   sync.Mutex
	sent []map[string]string
}

func (f *fakeBotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getMe":
		io.WriteString(w, `{"ok":true,"result":{"id":42,"is_bot":true,"first_name":"DVC","username":"dvc_test_bot"}}`)
	case "sendMessage":
		m := map[string]string{}
		for k := range r.Form {
			m[k] = r.Form.Get(k)
		}
		f.mu.Lock()
		f.sent = append(f.sent, m)
		f.mu.Unlock()
		io.WriteString(w, `{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"}}}`)
	default:
		io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

func (f *fakeBotAPI) sentTo(chat string) []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]string
	for _, m := range f.sent {
		if m["chat_id"] == chat {
			out = append(out, m)
		}
	}
	return out
}

func TestTelegramWebhookEndToEnd(t *testing.T) {
	fake := &fakeBotAPI{}
	api := httptest.NewServer(fake)
	defer api.Close()
	cfg := testConfig(t, t.TempDir())
	cfg.TelegramToken = "123:test"
	cfg.TelegramWebhookSecret = "s3cret"
	cfg.TelegramAPIEndpoint = api.URL + "/bot%s/%s"
	base, _ := startApp(t, cfg)

	update := `{"update_id": 1001, "message": {"message_id": 7, "date": 1730000000,
		"from": {"id": 555, "is_bot": false, "first_name": "Lan", "language_code": "vi"},
		"chat": {"id": 555, "first_name": "Lan", "type": "private"},
		"text": "làm hộ chiếu mất bao lâu"}}`
	post := func(secret, body string) int {
		req, _ := http.NewRequest("POST", base+"/webhook/telegram", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("", update); code != 401 {
		t.Fatalf("no secret = %d", code)
	}
	if code := post("wrong", update); code != 401 {
		t.Fatalf("wrong secret = %d", code)
	}
	if code := post("s3cret", `{"update_id": `); code != 400 {
		t.Fatalf("malformed = %d", code)
	}
	for i := 0; i < 2; i++ { // Telegram retries: answered once
		if code := post("s3cret", update); code != 200 {
			t.Fatalf("update = %d", code)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(fake.sentTo("555")) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	sent := fake.sentTo("555")
	if len(sent) != 1 {
		t.Fatalf("sent %d messages, want 1: %v", len(sent), sent)
	}
	if sent[0]["parse_mode"] != "HTML" || !strings.Contains(sent[0]["text"], "Thời gian giải quyết") {
		t.Fatalf("reply: %v", sent[0])
	}
	var kb map[string]any
	if err := json.Unmarshal([]byte(sent[0]["reply_markup"]), &kb); err != nil || kb["inline_keyboard"] == nil {
		t.Fatalf("keyboard: %v %v", sent[0]["reply_markup"], err)
	}
	if len(fake.sentTo("999")) != 0 {
		t.Fatal("unexpected message")
	}
}
