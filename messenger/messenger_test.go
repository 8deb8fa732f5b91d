package messenger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
	"github.com/dvcbot/dvcbot/channel/channeltest"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/messenger"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(storetest.Main(m))
}

const (
	pageToken   = "EAAB-page-token"
	appSecret   = "app-secret-0123456789"
	verifyToken = "verify-me-please"
	pageID      = "1122334455"
	psid        = "2233445566778899"
	sendPath    = "/v21.0/me/messages"
)

type rig struct {
	db     *store.DB
	api    *channeltest.API
	svc    *messenger.Service
	srv    *httptest.Server
	engine *channeltest.RecEngine
	disp   *dossier.Dispatcher
	now    atomic.Pointer[time.Time]
}

func newRig(t testing.TB, tweak func(*messenger.Config)) *rig {
	t.Helper()
	r := &rig{db: storetest.New(t)}
	now := time.Now()
	r.now.Store(&now)
	r.api = channeltest.NewAPI(t, `{"recipient_id":"`+psid+`","message_id":"mid.out"}`)
	r.engine = &channeltest.RecEngine{Inner: channeltest.Engine(t, r.db)}
	r.disp = &dossier.Dispatcher{Queue: r.db.Outbox(), Senders: map[string]dossier.Sender{}}
	cfg := messenger.Config{
		PageToken: pageToken, AppSecret: appSecret, VerifyToken: verifyToken, APIEndpoint: r.api.URL() + "/v21.0",
		Retry:  channel.RetryPolicy{Base: time.Millisecond, MaxDelay: 5 * time.Millisecond},
		Engine: r.engine, Store: r.db.ChannelState(), Inbox: r.disp,
		Now: func() time.Time { return *r.now.Load() },
	}
	if tweak != nil {
		tweak(&cfg)
	}
	svc, err := messenger.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.svc = svc
	r.disp.Senders[messenger.Channel] = svc.DossierSender()
	svc.Start()
	channeltest.WaitFor(t, "unfinished events taken up", func() bool { return !svc.Recovering() })
	g := gin.New()
	svc.Routes()(g)
	r.srv = httptest.NewServer(g)
	t.Cleanup(func() {
		r.srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := svc.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return r
}

// waitDone waits until the event id was handled to the end (its held
// notifications delivered too).
func (r *rig) waitDone(t testing.TB, id string) {
	t.Helper()
	channeltest.WaitFor(t, "event "+id+" done", func() bool {
		done, _ := r.db.ChannelState().IsDone(context.Background(), messenger.Channel, id)
		return done
	})
}

func (r *rig) advance(d time.Duration) {
	n := r.now.Load().Add(d)
	r.now.Store(&n)
}

// page wraps messaging events as Meta posts them.
func page(events ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"object": "page", "entry": []any{
		map[string]any{"id": pageID, "time": time.Now().UnixMilli(), "messaging": events},
	}})
	return b
}

func textMsg(user, mid, text string) map[string]any { return textMsgAt(user, mid, text, time.Now()) }

func textMsgAt(user, mid, text string, at time.Time) map[string]any {
	return map[string]any{"sender": map[string]string{"id": user}, "recipient": map[string]string{"id": pageID},
		"timestamp": at.UnixMilli(), "message": map[string]any{"mid": mid, "text": text}}
}

func quickReply(user, mid, label, payload string) map[string]any {
	return map[string]any{"sender": map[string]string{"id": user}, "recipient": map[string]string{"id": pageID},
		"timestamp": time.Now().UnixMilli(), "message": map[string]any{"mid": mid, "text": label, "quick_reply": map[string]string{"payload": payload}}}
}

func postback(user, mid, title, payload string) map[string]any {
	return map[string]any{"sender": map[string]string{"id": user}, "recipient": map[string]string{"id": pageID},
		"timestamp": time.Now().UnixMilli(), "postback": map[string]any{"mid": mid, "title": title, "payload": payload}}
}

func (r *rig) post(t testing.TB, body []byte) int {
	return r.postSigned(t, body, messenger.Sign(appSecret, body))
}

func (r *rig) postSigned(t testing.TB, body []byte, sig string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+messenger.WebhookPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set(messenger.SignatureHeader, sig)
	}
	resp, err := channeltest.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body) // read to the end, or the connection is not reused
	resp.Body.Close()
	return resp.StatusCode
}

func (r *rig) sent(t testing.TB) []messenger.Request {
	t.Helper()
	var out []messenger.Request
	for _, c := range r.api.Calls(sendPath) {
		if q, _ := url.ParseQuery(c.Query); q.Get("access_token") != pageToken {
			t.Fatalf("token %q", q.Get("access_token"))
		}
		var m messenger.Request
		if err := json.Unmarshal(c.Body, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func (r *rig) texts(t testing.TB) []string {
	var out []string
	for _, m := range r.sent(t) {
		if m.Message.Text != "" {
			out = append(out, m.Message.Text)
		}
	}
	return out
}

func TestVerifyChallenge(t *testing.T) {
	r := newRig(t, nil)
	get := func(q string) (int, string) {
		resp, err := http.Get(r.srv.URL + messenger.WebhookPath + "?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := get("hub.mode=subscribe&hub.verify_token=" + verifyToken + "&hub.challenge=1158201444"); st != 200 || body != "1158201444" {
		t.Fatalf("%d %q", st, body)
	}
	for _, q := range []string{"hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", "hub.mode=subscribe&hub.challenge=1", "hub.mode=unsubscribe&hub.verify_token=" + verifyToken + "&hub.challenge=1"} {
		if st, _ := get(q); st != http.StatusForbidden {
			t.Errorf("%s: %d", q, st)
		}
	}
}

func TestValidSignatureAnswered(t *testing.T) {
	r := newRig(t, nil)
	if st := r.post(t, page(textMsg(psid, "m_1", "làm lại căn cước cần giấy tờ gì"))); st != 200 {
		t.Fatalf("status %d", st)
	}
	channeltest.WaitFor(t, "an answer", func() bool { return len(r.texts(t)) > 0 })
	m := r.sent(t)[0]
	if m.Recipient.ID != psid || m.MessagingType != "RESPONSE" || !strings.Contains(strings.ToLower(m.Message.Text), "căn cước") {
		t.Fatalf("sent %+v", m)
	}
	if got := r.engine.Received(); len(got) != 1 || got[0].Channel != messenger.Channel || got[0].ChatID != psid {
		t.Fatalf("engine got %+v", got)
	}
}

func TestWrongOrMissingSignature401(t *testing.T) {
	r := newRig(t, nil)
	body := page(textMsg(psid, "m_1", "xin chào"))
	for name, sig := range map[string]string{
		"missing":      "",
		"wrong secret": messenger.Sign("other", body),
		"sha1 style":   strings.Replace(messenger.Sign(appSecret, body), "sha256=", "sha1=", 1),
		"other body":   messenger.Sign(appSecret, page(textMsg(psid, "m_2", "khác"))),
	} {
		if st := r.postSigned(t, body, sig); st != http.StatusUnauthorized {
			t.Errorf("%s: status %d", name, st)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(r.engine.Received()); n != 0 {
		t.Fatalf("engine called %d times", n)
	}
}

func TestReplayAnsweredOnce(t *testing.T) {
	r := newRig(t, nil)
	body := page(textMsg(psid, "m_dup", "cảm ơn"))
	for range 3 {
		if st := r.post(t, body); st != 200 {
			t.Fatalf("status %d", st)
		}
	}
	channeltest.WaitFor(t, "an answer", func() bool { return len(r.texts(t)) > 0 })
	time.Sleep(100 * time.Millisecond)
	if n := len(r.engine.Received()); n != 1 {
		t.Fatalf("handled %d times", n)
	}
}

func TestEchoesAndReadsIgnored(t *testing.T) {
	r := newRig(t, nil)
	echo := map[string]any{"sender": map[string]string{"id": pageID}, "recipient": map[string]string{"id": psid}, "timestamp": time.Now().UnixMilli(),
		"message": map[string]any{"mid": "m_echo", "text": "bot", "is_echo": true}}
	read := map[string]any{"sender": map[string]string{"id": psid}, "recipient": map[string]string{"id": pageID}, "timestamp": time.Now().UnixMilli(),
		"read": map[string]any{"watermark": 1}}
	if st := r.post(t, page(echo, read)); st != 200 {
		t.Fatalf("status %d", st)
	}
	other := []byte(`{"object":"instagram","entry":[]}`)
	if st := r.post(t, other); st != 200 {
		t.Fatalf("other object: status %d", st)
	}
	if st := r.post(t, []byte(`{"object":`)); st != 400 {
		t.Fatalf("not json: status %d", st)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(r.engine.Received()); n != 0 {
		t.Fatalf("engine called %d times", n)
	}
}

func TestButtonRoundTrip(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, page(textMsg(psid, "m_1", "làm lại căn cước cần giấy tờ gì")))
	var payload, label string
	var cardPayload string
	channeltest.WaitFor(t, "quick replies or cards", func() bool {
		for _, m := range r.sent(t) {
			for _, q := range m.Message.QuickReplies {
				if utf8.RuneCountInString(q.Title) > 20 {
					t.Fatalf("quick reply title %q", q.Title)
				}
				payload, label = q.Payload, q.Title
			}
			if a := m.Message.Attachment; a != nil {
				for _, e := range a.Payload.Elements {
					for _, b := range e.Buttons {
						if b.Type == "postback" {
							cardPayload = b.Payload
						}
					}
				}
			}
		}
		return payload != "" || cardPayload != ""
	})
	r.api.Reset()
	if payload != "" {
		r.post(t, page(quickReply(psid, "m_2", label, payload)))
		channeltest.WaitFor(t, "the quick reply handled", func() bool { return len(r.engine.Received()) == 2 })
		if got := r.engine.Received()[1]; got.Action != payload || got.Text != "" {
			t.Fatalf("engine got %+v", got)
		}
	}
	if cardPayload == "" {
		cardPayload = payload
	}
	n := len(r.engine.Received())
	r.post(t, page(postback(psid, "m_3", "Chọn", cardPayload)))
	channeltest.WaitFor(t, "the postback handled", func() bool { return len(r.engine.Received()) == n+1 })
	if got := r.engine.Received()[n]; got.Action != cardPayload {
		t.Fatalf("engine got %+v", got)
	}
	channeltest.WaitFor(t, "an answer", func() bool { return len(r.texts(t)) > 0 })
}

func TestRenderLongLabelsAsCards(t *testing.T) {
	reqs := messenger.Render(psid, []bot.Reply{{Text: "Bạn hỏi thủ tục nào?", Buttons: []bot.Button{
		{Label: "Cấp lại thẻ căn cước khi bị mất", Action: "proc:cccd-cap-lai"},
		{Label: "Đổi thẻ căn cước", Action: "proc:cccd-doi"},
		{Label: "Cổng dịch vụ công", URL: "https://dichvucong.gov.vn"},
	}}})
	if len(reqs) != 2 || len(reqs[0].Message.QuickReplies) != 0 || reqs[1].Message.Attachment == nil {
		t.Fatalf("%+v", reqs)
	}
	els := reqs[1].Message.Attachment.Payload.Elements
	if len(els) != 3 || els[0].Title != "Cấp lại thẻ căn cước khi bị mất" || els[0].Buttons[0].Payload != "proc:cccd-cap-lai" || els[2].Buttons[0].URL == "" {
		t.Fatalf("%+v", els)
	}
}

type longEngine struct{ text string }

func (e longEngine) Handle(context.Context, bot.Message) (bot.Response, error) {
	return bot.Response{Replies: []bot.Reply{{Text: e.text, Buttons: []bot.Button{{Label: "👍", Action: "fb:up"}}}}}, nil
}

func TestLongAnswerSplit(t *testing.T) {
	var b strings.Builder
	for i := range 120 {
		fmt.Fprintf(&b, "**Bước %d**: nộp tờ khai trên cổng dịch vụ công và chờ tin nhắn xác nhận của cơ quan.\n", i)
	}
	r := newRig(t, func(c *messenger.Config) { c.Engine = longEngine{text: b.String()} })
	r.post(t, page(textMsg(psid, "m_1", "các bước")))
	channeltest.WaitFor(t, "the last chunk with its quick reply", func() bool {
		s := r.sent(t)
		return len(s) > 0 && len(s[len(s)-1].Message.QuickReplies) == 1
	})
	texts := r.texts(t)
	if len(texts) < 4 {
		t.Fatalf("%d chunks", len(texts))
	}
	for i, s := range r.sent(t) {
		if n := utf8.RuneCountInString(s.Message.Text); n > messenger.MaxTextRunes {
			t.Fatalf("chunk of %d", n)
		}
		if i < len(texts)-1 && len(s.Message.QuickReplies) > 0 {
			t.Fatal("quick replies before the last chunk")
		}
	}
	if !strings.HasPrefix(texts[0], "Bước 0: ") || !strings.Contains(texts[len(texts)-1], "Bước 119:") {
		t.Fatal("order or content lost")
	}
}

func enqueue(t testing.TB, r *rig, id, text string) {
	t.Helper()
	if err := r.db.Outbox().Enqueue(context.Background(), dossier.Notification{ID: id, Channel: messenger.Channel, ChatID: psid, Text: text}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestNotificationInsideWindow(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, page(textMsg(psid, "m_1", "xin chào")))
	channeltest.WaitFor(t, "the greeting", func() bool { return len(r.texts(t)) > 0 })
	r.waitDone(t, "m_1")
	r.api.Reset()
	r.advance(23 * time.Hour)
	enqueue(t, r, "n1", "Hồ sơ H01 đã có kết quả.")
	if n := r.disp.RunOnce(context.Background(), time.Now()); n != 1 {
		t.Fatalf("sent %d", n)
	}
	if got := r.texts(t); len(got) != 1 || got[0] != "Hồ sơ H01 đã có kết quả." {
		t.Fatalf("sent %q", got)
	}
}

func TestNotificationOutsideWindowWaitsForNextMessage(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, page(textMsg(psid, "m_1", "xin chào")))
	channeltest.WaitFor(t, "the greeting", func() bool { return len(r.texts(t)) > 0 })
	r.waitDone(t, "m_1")
	r.api.Reset()
	r.advance(25 * time.Hour)
	enqueue(t, r, "n1", "Hồ sơ H01 đã có kết quả.")
	if n := r.disp.RunOnce(context.Background(), time.Now()); n != 0 {
		t.Fatalf("sent %d outside the window", n)
	}
	if st, _ := r.db.Outbox().Status(context.Background(), "n1"); st != "pending" {
		t.Fatalf("status %q", st)
	}
	r.post(t, page(textMsgAt(psid, "m_2", "cảm ơn", *r.now.Load())))
	channeltest.WaitFor(t, "the held notification", func() bool {
		got := r.texts(t)
		return len(got) >= 2 && got[len(got)-1] == "Hồ sơ H01 đã có kết quả."
	})
	channeltest.WaitFor(t, "the held notification marked sent", func() bool {
		st, _ := r.db.Outbox().Status(context.Background(), "n1")
		return st == "sent"
	})
}

func TestWindowRefusalAndBlockedAndRateLimit(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, page(textMsg(psid, "m_1", "xin chào")))
	channeltest.WaitFor(t, "the greeting", func() bool { return len(r.texts(t)) > 0 })
	r.waitDone(t, "m_1")

	// Meta says the window is closed: kept.
	r.api.SetAnswer(func(channeltest.Call) (int, string) {
		return 400, `{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278}}`
	})
	enqueue(t, r, "n1", "A")
	r.disp.RunOnce(context.Background(), time.Now())
	if st, _ := r.db.Outbox().Status(context.Background(), "n1"); st != "pending" {
		t.Fatalf("window: status %q", st)
	}

	// Rate limited twice, then accepted: delivered.
	var calls atomic.Int32
	r.api.SetAnswer(func(channeltest.Call) (int, string) {
		if calls.Add(1) <= 2 {
			return 400, `{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","code":613}}`
		}
		return 200, r.api.DefaultBody
	})
	enqueue(t, r, "n2", "B")
	r.disp.RunOnce(context.Background(), time.Now())
	if st, _ := r.db.Outbox().Status(context.Background(), "n2"); st != "sent" {
		t.Fatalf("rate limit: status %q", st)
	}

	// The person is unavailable (blocked): failed for good, chat inactive.
	r.api.SetAnswer(func(channeltest.Call) (int, string) {
		return 400, `{"error":{"message":"This person isn't available right now.","code":551,"error_subcode":1545041}}`
	})
	enqueue(t, r, "n3", "C")
	r.disp.RunOnce(context.Background(), time.Now())
	if st, _ := r.db.Outbox().Status(context.Background(), "n3"); st != "failed" {
		t.Fatalf("blocked: status %q", st)
	}
	if st, _ := r.db.ChannelState().Chat(context.Background(), messenger.Channel, psid); !st.Inactive {
		t.Fatal("chat not marked inactive")
	}
}

func TestLoad(t *testing.T) {
	if os.Getenv("DVCBOT_LOAD") == "" {
		t.Skip("load test: set DVCBOT_LOAD=1 (DVCBOT_LOAD_CHATS, DVCBOT_LOAD_N, DVCBOT_LOAD_RATE, DVCBOT_LOAD_SESSIONS=memory)")
	}
	mark := &channeltest.MarkEngine{}
	r := newRig(t, func(c *messenger.Config) { c.Engine = mark })
	var sessions string
	mark.Inner, sessions = channeltest.LoadEngine(t, r.db)
	chats := channeltest.EnvInt("DVCBOT_LOAD_CHATS", 100)
	res := channeltest.RunLoad(t, channeltest.LoadSpec{
		Name: "messenger (sessions in " + sessions + ")", Chats: chats, PerChat: channeltest.EnvInt("DVCBOT_LOAD_N", 3000) / chats, Burst: 2,
		Rate: channeltest.EnvInt("DVCBOT_LOAD_RATE", 300), API: r.api, Engine: mark,
		Post: func(chat string, seq int, text string) int {
			return r.post(t, page(textMsg(chat, fmt.Sprintf("m_%s_%d", chat, seq), text)))
		},
		Sent: func(c channeltest.Call) (string, string, bool) {
			var m messenger.Request
			if c.Path != sendPath || json.Unmarshal(c.Body, &m) != nil || m.Message.Text == "" {
				return "", "", false
			}
			return m.Recipient.ID, m.Message.Text, true
		},
	})
	if res.PerSecond < 290 || res.P99 > 50*time.Millisecond {
		t.Errorf("below target (≥ 300 msgs/s, p99 ≤ 50 ms): %v", res)
	}
}
