package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestHandoffOnTelegramEndToEnd: a Telegram citizen sends /canbo through the
// webhook; the officer's reply made through the console API reaches the chat
// through the fake Bot API ("👤 Cán bộ …"), once; the citizen's next message
// reaches the officer's transcript and the bot sends nothing of its own.
func TestHandoffOnTelegramEndToEnd(t *testing.T) {
	fake := &fakeBotAPI{}
	api := httptest.NewServer(fake)
	defer api.Close()
	cfg := testConfig(t, t.TempDir())
	cfg.TelegramToken = "123:test"
	cfg.TelegramWebhookSecret = "s3cret"
	cfg.TelegramAPIEndpoint = api.URL + "/bot%s/%s"
	cfg.AdminToken = adminToken
	cfg.OfficeHours = "T2-CN 00:00-24:00"
	base, _ := startApp(t, cfg)
	c := client{t: t, base: base}

	updateID := 2000
	send := func(text string) {
		updateID++
		body := fmt.Sprintf(`{"update_id": %d, "message": {"message_id": %d, "date": %d,
			"from": {"id": 777, "is_bot": false, "first_name": "Hùng"},
			"chat": {"id": 777, "first_name": "Hùng", "type": "private"}, "text": %q}}`, updateID, updateID, time.Now().Unix(), text)
		req, _ := http.NewRequest("POST", base+"/webhook/telegram", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("webhook %q: %v %v", text, err, resp)
		}
		resp.Body.Close()
	}
	waitSent := func(n int) []map[string]string {
		deadline := time.Now().Add(10 * time.Second)
		for len(fake.sentTo("777")) < n && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		sent := fake.sentTo("777")
		if len(sent) < n {
			t.Fatalf("telegram got %d messages, want %d: %v", len(sent), n, sent)
		}
		return sent
	}

	send("/canbo")
	if got := waitSent(1)[0]["text"]; !strings.Contains(got, "Đã chuyển yêu cầu") {
		t.Fatalf("request answer: %q", got)
	}
	_, list := c.do("GET", "/api/admin/conversations?status=waiting", adminToken, "", nil)
	items, _ := list["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["channel"] != "telegram" {
		t.Fatalf("queue: %v", list)
	}
	id := items[0].(map[string]any)["id"].(string)
	msg, _ := json.Marshal(map[string]string{"text": "Chào anh Hùng, anh cần hỗ trợ thủ tục gì?"})
	if code, out := c.do("POST", "/api/admin/conversations/"+id+"/messages", adminToken, "application/json", msg); code != 200 {
		t.Fatalf("reply: %d %v", code, out)
	}
	sent := waitSent(2)
	if !strings.Contains(sent[1]["text"], "Cán bộ") || !strings.Contains(sent[1]["text"], "anh cần hỗ trợ thủ tục gì") {
		t.Fatalf("relayed reply: %q", sent[1]["text"])
	}
	send("tôi muốn tách hộ khẩu cho con trai")
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, conv := c.do("GET", "/api/admin/conversations/"+id, adminToken, "", nil)
		msgs, _ := conv["messages"].([]any)
		if last := msgs[len(msgs)-1].(map[string]any); last["from"] == "citizen" && strings.Contains(last["text"].(string), "tách hộ khẩu") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the citizen's message did not reach the transcript: %v", conv["messages"])
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(fake.sentTo("777")); n != 2 {
		t.Fatalf("the bot answered while the officer held the chat: %v", fake.sentTo("777"))
	}
}
