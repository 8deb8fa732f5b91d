package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/internal/config"
)

// TestHandoffAcrossTwoInstances runs the officer handoff over HTTP with two
// instances on one store: the citizen chats with instance B, the officers use
// instance A's console API (and one of them B's). Roles, the 409 of a second
// claim, relay of the officer's reply to the web chat's inbox, the bot's
// silence while an officer holds the chat, closing, rating and erasure.
func TestHandoffAcrossTwoInstances(t *testing.T) {
	// Always open, whenever the test runs.
	baseA, baseB := startTwoInstances(t, func(c *config.Config) { c.OfficeHours = "T2-CN 00:00-24:00" })
	cA := client{t: t, base: baseA}
	cB := client{t: t, base: baseB}

	staff := func(name, role string) string {
		b, _ := json.Marshal(map[string]any{"name": name, "roles": []string{role}})
		code, out := cA.do("POST", "/api/admin/staff", adminToken, "application/json", b)
		if code != 200 && code != 201 {
			t.Fatalf("create %s: %d %v", name, code, out)
		}
		return out["token"].(string)
	}
	an, binh, editor := staff("Nguyễn Văn An", "agent"), staff("Trần Thị Bình", "agent"), staff("Biên tập", "editor")
	if code, _ := cA.do("GET", "/api/admin/conversations", editor, "", nil); code != 403 {
		t.Fatalf("an editor reads conversations: %d, want 403", code)
	}
	if code, _ := cA.do("GET", "/api/admin/conversations", "", "", nil); code != 401 {
		t.Fatalf("no token: %d, want 401", code)
	}

	cB.chat("citizen-1", map[string]string{"text": "đăng ký thường trú cần giấy tờ gì"})
	r := cB.chat("citizen-1", map[string]string{"text": "cho mình gặp cán bộ với"})
	if r["intent"] != "handoff" || !strings.Contains(replyText(r), "Đã chuyển yêu cầu") {
		t.Fatalf("request: %v", r)
	}
	_, list := cA.do("GET", "/api/admin/conversations?status=waiting", an, "", nil)
	items, _ := list["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("waiting: %v", list)
	}
	item := items[0].(map[string]any)
	for _, f := range []string{"id", "channel", "chat_id", "status", "assignee", "waiting_since", "last_text"} {
		if _, ok := item[f]; !ok {
			t.Fatalf("list item lacks %q: %v", f, item)
		}
	}
	if item["channel"] != "web" || item["chat_id"] != "citizen-1" || item["status"] != "waiting" {
		t.Fatalf("item %v", item)
	}
	id := item["id"].(string)
	if code, out := cA.do("POST", "/api/admin/conversations/"+id+"/claim", an, "", nil); code != 200 {
		t.Fatalf("claim: %d %v", code, out)
	}
	if code, out := cB.do("POST", "/api/admin/conversations/"+id+"/claim", binh, "", nil); code != 409 {
		t.Fatalf("second claim on the other instance: %d %v, want 409", code, out)
	}
	msg, _ := json.Marshal(map[string]string{"text": "Chào bạn, bạn đăng ký thường trú ở nhà thuê hay nhà người thân?"})
	if code, out := cA.do("POST", "/api/admin/conversations/"+id+"/messages", an, "application/json", msg); code != 200 {
		t.Fatalf("reply: %d %v", code, out)
	}
	if _, metrics := get(t, cA.base+"/metrics"); !strings.Contains(metrics, `dvcbot_outbox_oldest_pending_seconds{channel="web"}`) ||
		!strings.Contains(metrics, "dvcbot_handoff_waiting 0") || !strings.Contains(metrics, `dvcbot_handoff_actions_total{action="reply"}`) {
		t.Fatalf("metrics lack the handoff queue depth, the outbox lag or the reply count")
	}
	inbox := cB.chat("citizen-1", map[string]string{"action": "inbox"})
	msgs, _ := inbox["messages"].([]any)
	if len(msgs) != 1 || msgs[0].(map[string]any)["from"] != "staff" || !strings.Contains(msgs[0].(map[string]any)["text"].(string), "nhà thuê") {
		t.Fatalf("inbox on B: %v", inbox)
	}
	r = cB.chat("citizen-1", map[string]string{"text": "nhà thuê ạ, chủ nhà đồng ý rồi"})
	if r["intent"] != "handoff" || replyText(r) != "" {
		t.Fatalf("the bot must stay silent: %v", r)
	}
	_, conv := cA.do("GET", "/api/admin/conversations/"+id, an, "", nil)
	transcript, _ := conv["messages"].([]any)
	last := transcript[len(transcript)-1].(map[string]any)
	if last["from"] != "citizen" || !strings.Contains(last["text"].(string), "chủ nhà đồng ý") {
		t.Fatalf("transcript end: %v", last)
	}
	if code, out := cA.do("POST", "/api/admin/conversations/"+id+"/close", an, "", nil); code != 200 {
		t.Fatalf("close: %d %v", code, out)
	}
	inbox = cB.chat("citizen-1", map[string]string{"action": "inbox"})
	if msgs, _ := inbox["messages"].([]any); len(msgs) != 1 || !strings.Contains(msgs[0].(map[string]any)["text"].(string), "1 (rất không hài lòng)") {
		t.Fatalf("rating question: %v", inbox)
	}
	if r = cB.chat("citizen-1", map[string]string{"text": "5"}); !strings.Contains(replyText(r), "Cảm ơn bạn đã đánh giá") {
		t.Fatalf("rating: %v", r)
	}
	if r = cB.chat("citizen-1", map[string]string{"text": "làm hộ chiếu mất bao lâu"}); r["procedure_id"] != "cap-ho-chieu" {
		t.Fatalf("the bot answers again: %v", r)
	}
	_, stats := cA.do("GET", "/api/admin/handoff/stats", an, "", nil)
	days, _ := stats["days"].([]any)
	if len(days) != 1 || days[0].(map[string]any)["rating_mean"].(float64) != 5 || days[0].(map[string]any)["requests"].(float64) != 1 {
		t.Fatalf("stats: %v", stats)
	}

	erase, _ := json.Marshal(map[string]string{"chat": "web:citizen-1"})
	if code, _ := cA.do("POST", "/api/admin/privacy/erase", an, "application/json", erase); code != 403 {
		t.Fatalf("an agent may not erase: %d", code)
	}
	code, out := cA.do("POST", "/api/admin/privacy/erase", adminToken, "application/json", erase)
	if code != 200 || out["erased"].(map[string]any)["conversations"].(float64) != 1 {
		t.Fatalf("erase: %d %v", code, out)
	}
	if code, _ := cA.do("GET", "/api/admin/conversations/"+id, an, "", nil); code != 404 {
		t.Fatalf("after erasure: %d, want 404", code)
	}
}
