package telegram_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/telegram"
)

func TestWebhookRefusesMissingOrWrongSecret(t *testing.T) {
	r := newRig(t, nil)
	body := textUpdate(500, privateChat, "/start")
	for _, secret := range []string{"", "wrong", testSecret + "x", strings.ToUpper(testSecret)} {
		status, resp := r.postWith(t, secret, body)
		if status != 401 {
			t.Errorf("secret %q: status %d, want 401", secret, status)
		}
		var e struct{ Error string }
		if err := json.Unmarshal([]byte(resp), &e); err != nil || e.Error == "" {
			t.Errorf("secret %q: body %q, want {\"error\": ...}", secret, resp)
		}
	}
	r.close(t)
	if n := len(r.api.callsOf("sendMessage")); n != 0 {
		t.Fatalf("%d messages sent for refused updates", n)
	}
	if ok, err := r.db.TelegramUpdates().Claim(context.Background(), 500, time.Now()); err != nil || !ok {
		t.Fatalf("a refused update must not be claimed (claim = %v, %v)", ok, err)
	}
}

func TestWebhookWithoutConfiguredSecretRefusesAll(t *testing.T) {
	r := newRig(t, func(c *telegram.Config) { c.Secret = "" })
	if status, _ := r.postWith(t, "", textUpdate(1, privateChat, "hi")); status != 401 {
		t.Fatalf("status %d, want 401", status)
	}
}

func TestWebhookRejectsMalformedUpdates(t *testing.T) {
	r := newRig(t, nil)
	for _, body := range []string{``, `{`, `[]`, `"update"`, `null`, `{}`, `{"update_id":"x"}`, `{"update_id":-3}`, `{"update_id":1,"message":"hi"}`} {
		if status, resp := r.post(t, body); status != 400 || !strings.Contains(resp, `"error"`) {
			t.Errorf("body %q: %d %s, want 400 with an error", body, status, resp)
		}
	}
}

func TestPrivateMessageIsAnsweredInHTMLWithKeyboard(t *testing.T) {
	r := newRig(t, nil)
	status, body := r.post(t, textUpdate(1, privateChat, "làm lại căn cước cần giấy tờ gì"))
	if status != 200 || body != "{}" {
		t.Fatalf("webhook answered %d %s, want 200 {}", status, body)
	}
	waitFor(t, "the reply", func() bool { return len(r.api.sentTo(privateChat)) > 0 })
	c := r.api.callsOf("sendMessage")[0]
	if c.Params.Get("parse_mode") != "HTML" || !strings.Contains(c.Params.Get("text"), "<b>") {
		t.Errorf("reply not in HTML: %v", c.Params)
	}
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
			URL          string `json:"url"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(c.Params.Get("reply_markup")), &kb); err != nil || len(kb.InlineKeyboard) == 0 {
		t.Fatalf("no inline keyboard: %q (%v)", c.Params.Get("reply_markup"), err)
	}
	var urls, data int
	for _, row := range kb.InlineKeyboard {
		if len(row) > 3 {
			t.Errorf("row of %d buttons", len(row))
		}
		for _, b := range row {
			switch {
			case b.URL != "":
				urls++
			case b.CallbackData != "" && len(b.CallbackData) <= 64:
				data++
			default:
				t.Errorf("bad button %+v", b)
			}
		}
	}
	if urls != 1 || data < 3 {
		t.Errorf("keyboard has %d URL and %d callback buttons", urls, data)
	}
	got := r.engine.received()
	if len(got) != 1 || got[0].Channel != bot.ChannelTelegram || got[0].ChatID != "1111111" || got[0].Text != "làm lại căn cước cần giấy tờ gì" {
		t.Fatalf("engine got %+v", got)
	}
}

func TestDuplicateUpdateIsAnsweredOnce(t *testing.T) {
	r := newRig(t, nil)
	body := textUpdate(42, privateChat, "/start")
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, _ := r.post(t, body); status != 200 {
				t.Errorf("redelivery answered %d, want 200", status)
			}
		}()
	}
	wg.Wait()
	r.post(t, body)
	r.close(t)
	if n := len(r.api.sentTo(privateChat)); n != 1 {
		t.Fatalf("update delivered 6 times was answered %d times, want 1", n)
	}
}

func TestCallbackQueryIsAnsweredAndHandled(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, callbackUpdate(7, privateChat, "4382bfdwdsb323b2d9", "sec:dang-ky-khai-sinh:fees"))
	waitFor(t, "the reply", func() bool { return len(r.api.sentTo(privateChat)) > 0 })
	ans := r.api.callsOf("answerCallbackQuery")
	if len(ans) != 1 || ans[0].Params.Get("callback_query_id") != "4382bfdwdsb323b2d9" {
		t.Fatalf("answerCallbackQuery calls: %+v", ans)
	}
	if txt := r.api.sentTo(privateChat)[0]; !strings.Contains(txt, "Lệ phí") {
		t.Fatalf("reply to the fees button: %q", txt)
	}
	// A button press whose message is gone (inline mode) is still answered.
	r.post(t, `{"update_id":8,"callback_query":{"id":"q2","from":{"id":5,"is_bot":false,"first_name":"A"},"inline_message_id":"AAA","chat_instance":"1","data":"menu"}}`)
	r.close(t)
	if n := len(r.api.callsOf("answerCallbackQuery")); n != 2 {
		t.Fatalf("%d callback queries answered, want 2", n)
	}
}

func TestLongButtonActionTravelsAsToken(t *testing.T) {
	r := newRig(t, nil)
	long := "field:" + strings.Repeat("Hộ tịch, ", 8) // > 64 bytes
	err := r.svc.Sender().Send(context.Background(), privateChat, []bot.Reply{{Text: "Chọn:", Buttons: []bot.Button{{Label: "Hộ tịch", Action: long}, {Label: "Menu", Action: "menu"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var kb struct {
		InlineKeyboard [][]struct {
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	_ = json.Unmarshal([]byte(r.api.callsOf("sendMessage")[0].Params.Get("reply_markup")), &kb)
	data := kb.InlineKeyboard[0][0].CallbackData
	if len(data) > 64 || data == long || kb.InlineKeyboard[0][1].CallbackData != "menu" {
		t.Fatalf("callback data %q", data)
	}
	r.post(t, callbackUpdate(9, privateChat, "q9", data))
	r.post(t, callbackUpdate(10, privateChat, "q10", "~unknownToken"))
	r.close(t)
	got := r.engine.received()
	if len(got) != 2 || got[0].Action != long || got[1].Action != "~unknownToken" {
		t.Fatalf("engine got %+v", got)
	}
}

func TestUpdatesTheBotDoesNotHandle(t *testing.T) {
	r := newRig(t, nil)
	ignored := []string{
		editedUpdate(20, privateChat, "làm hộ chiếu"),
		stickerUpdate(21, privateChat),
		photoUpdate(22, privateChat, ""),
		channelPostUpdate(23),
		groupUpdate(24, "chào cả nhà, mai họp tổ nhé", "", ""),
		groupUpdate(25, "/start@"+otherBotName, `[{"offset":0,"length":18,"type":"bot_command"}]`, ""),
		groupUpdate(26, "hỏi @someone_else nhé", `[{"offset":4,"length":13,"type":"mention"}]`, ""),
		`{"update_id":27,"chat_member":{"chat":` + groupChatJSON() + `,"from":{"id":1,"is_bot":false,"first_name":"A"},"date":1,"old_chat_member":{"user":{"id":2,"is_bot":false,"first_name":"B"},"status":"left"},"new_chat_member":{"user":{"id":2,"is_bot":false,"first_name":"B"},"status":"member"}}}`,
		`{"update_id":28,"poll":{"id":"1","question":"?","options":[],"total_voter_count":0,"is_closed":false,"is_anonymous":true,"type":"regular","allows_multiple_answers":false}}`,
	}
	for _, u := range ignored {
		if status, _ := r.post(t, u); status != 200 {
			t.Fatalf("status %d for %s", status, u)
		}
	}
	r.close(t)
	if calls := r.api.callsOf("sendMessage"); len(calls) != 0 {
		t.Fatalf("answered ignored updates: %+v", calls)
	}
	if got := r.engine.received(); len(got) != 0 {
		t.Fatalf("engine called for ignored updates: %+v", got)
	}
}

func TestPhotoCaptionAndAddressedGroupMessages(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, photoUpdate(30, privateChat, "đăng ký khai sinh ở đâu"))
	r.post(t, groupUpdate(31, "@DVC_test_bot lệ phí làm hộ chiếu", `[{"offset":0,"length":13,"type":"mention"}]`, ""))
	r.post(t, groupUpdate(32, "/help@"+botUsername, `[{"offset":0,"length":18,"type":"bot_command"}]`, ""))
	reply := `{"message_id":5,"from":` + botUserJSON() + `,"chat":` + groupChatJSON() + `,"date":1735689600,"text":"Bạn cần hỏi về thủ tục nào?"}`
	r.post(t, groupUpdate(33, "đăng ký kết hôn", "", reply))
	r.close(t)
	// Each chat's messages are handled in order; two chats' are not ordered
	// with respect to each other (each chat has its own worker queue).
	perChat := map[string][]string{}
	for _, m := range r.engine.received() {
		perChat[m.ChatID] = append(perChat[m.ChatID], m.Text)
	}
	want := map[string][]string{
		strconv.FormatInt(privateChat, 10): {"đăng ký khai sinh ở đâu"},
		strconv.FormatInt(groupChat, 10):   {"lệ phí làm hộ chiếu", "/help@" + botUsername, "đăng ký kết hôn"},
	}
	if !reflect.DeepEqual(perChat, want) {
		t.Fatalf("engine got %q, want %q", perChat, want)
	}
	if len(r.api.sentTo(groupChat)) != 3 || len(r.api.sentTo(privateChat)) != 1 {
		t.Fatalf("group replies %d, private %d", len(r.api.sentTo(groupChat)), len(r.api.sentTo(privateChat)))
	}
}

func TestMyChatMemberKickedMarksInactive(t *testing.T) {
	r := newRig(t, nil)
	st := r.db.TelegramUpdates()
	ctx := context.Background()
	r.post(t, myChatMemberUpdate(40, privateChat, "member", "kicked"))
	waitFor(t, "the inactive mark", func() bool { in, _ := st.IsInactive(ctx, privateChat); return in })
	if err := r.svc.Sender().Notify(ctx, privateChat, []bot.Reply{{Text: "Hồ sơ đã có kết quả"}}); err == nil {
		t.Fatal("Notify to a blocked chat must fail")
	}
	r.post(t, myChatMemberUpdate(41, privateChat, "kicked", "member"))
	waitFor(t, "the mark cleared", func() bool { in, _ := st.IsInactive(ctx, privateChat); return !in })
	r.close(t)
	if n := len(r.api.callsOf("sendMessage")); n != 0 {
		t.Fatalf("%d messages sent for membership changes", n)
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	r := newRig(t, nil)
	var once sync.Once
	r.api.setHook(func(method string, _ url.Values) (int, string, bool) {
		hit := false
		if method == "sendMessage" {
			once.Do(func() { hit = true })
		}
		return 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`, hit
	})
	r.post(t, textUpdate(50, privateChat, "/start"))
	r.close(t)
	calls := r.api.callsOf("sendMessage")
	if len(calls) != 2 {
		t.Fatalf("%d sendMessage calls, want 2 (429, then the retry)", len(calls))
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 950*time.Millisecond {
		t.Fatalf("retried after %v, want ≥ retry_after (1s)", gap)
	}
}

func TestBlockedChatIsMarkedInactiveWithoutRetries(t *testing.T) {
	r := newRig(t, nil)
	r.api.setHook(func(method string, _ url.Values) (int, string, bool) {
		return 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`, method == "sendMessage"
	})
	r.post(t, textUpdate(60, privateChat, "làm hộ chiếu cần gì"))
	r.close(t)
	if n := len(r.api.callsOf("sendMessage")); n != 1 {
		t.Fatalf("%d sendMessage calls to a blocked chat, want 1", n)
	}
	if in, err := r.db.TelegramUpdates().IsInactive(context.Background(), privateChat); err != nil || !in {
		t.Fatalf("blocked chat inactive = %v, %v", in, err)
	}
}

func TestServerErrorsAreRetriedThenGivenUp(t *testing.T) {
	r := newRig(t, nil)
	r.api.setHook(func(method string, _ url.Values) (int, string, bool) {
		return 502, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`, method == "sendMessage"
	})
	r.post(t, textUpdate(61, privateChat, "/start"))
	r.close(t)
	if n := len(r.api.callsOf("sendMessage")); n != 4 {
		t.Fatalf("%d attempts, want 4 (the default MaxAttempts)", n)
	}
}

func TestEngineFailureGetsAnApology(t *testing.T) {
	r := newRig(t, nil)
	r.engine.fail = true
	r.post(t, textUpdate(70, privateChat, "làm hộ chiếu"))
	r.close(t)
	if got := r.api.sentTo(privateChat); len(got) != 1 || got[0] != telegram.Apology {
		t.Fatalf("sent %q, want the apology", got)
	}
}

func TestStartPublishesCommands(t *testing.T) {
	r := newRig(t, nil)
	r.svc.Start()
	waitFor(t, "setMyCommands", func() bool { return len(r.api.callsOf("setMyCommands")) == 1 })
	var cmds []struct{ Command, Description string }
	if err := json.Unmarshal([]byte(r.api.callsOf("setMyCommands")[0].Params.Get("commands")), &cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Command)
		if c.Description == "" {
			t.Errorf("command %s without description", c.Command)
		}
	}
	if strings.Join(names, ",") != "start,help,menu,tracuu,canbo" {
		t.Fatalf("commands %v", names)
	}
}

func TestStartsWhenTelegramIsUnreachable(t *testing.T) {
	r := &rig{api: newFakeAPI(t), db: newRig(t, nil).db}
	r.start(t, func(c *telegram.Config) { c.Endpoint = "http://127.0.0.1:1/bot%s/%s" })
	r.svc.Start() // logs and carries on
	if status, _ := r.post(t, textUpdate(80, privateChat, "/start")); status != 200 {
		t.Fatalf("webhook answered %d while Telegram is unreachable", status)
	}
	r.close(t)
}

func TestDossierSenderSkipsBlockedChats(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	ds := r.svc.DossierSender()
	if err := ds.Send(ctx, "1111111", "Hồ sơ **H57.22-241022-0015**: Đã có kết quả"); err != nil {
		t.Fatal(err)
	}
	if got := r.api.sentTo(privateChat); len(got) != 1 || !strings.Contains(got[0], "<b>H57.22-241022-0015</b>") {
		t.Fatalf("sent %q", got)
	}
	var perm *dossier.PermanentError
	if err := ds.Send(ctx, "not-a-chat", "x"); !errors.As(err, &perm) {
		t.Fatalf("bad chat id: %v, want a PermanentError", err)
	}
	r.api.setHook(func(method string, _ url.Values) (int, string, bool) {
		return 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`, method == "sendMessage"
	})
	if err := ds.Send(ctx, "1111111", "x"); !errors.As(err, &perm) || !errors.Is(err, telegram.ErrBlocked) {
		t.Fatalf("blocked chat: %v, want a PermanentError wrapping ErrBlocked", err)
	}
	calls := len(r.api.callsOf("sendMessage"))
	if err := ds.Send(ctx, "1111111", "x"); !errors.As(err, &perm) || len(r.api.callsOf("sendMessage")) != calls {
		t.Fatalf("an inactive chat must not be contacted: %v", err)
	}
}
