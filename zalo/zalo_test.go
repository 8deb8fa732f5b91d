package zalo_test

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
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
	"github.com/dvcbot/dvcbot/zalo"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(storetest.Main(m))
}

const (
	appID     = "2553928453557884079"
	secretKey = "oa-secret-KEY-123"
	oaID      = "3662729599332560487"
	citizen   = "6142494823000000001"
	csPath    = "/v3.0/oa/message/cs"
	oauthPath = "/v4/oa/access_token"
)

// rig is one Zalo service on a test store with a fake OA API and OAuth server.
type rig struct {
	db     *store.DB
	api    *channeltest.API
	oauth  *channeltest.API
	svc    *zalo.Service
	srv    *httptest.Server
	engine *channeltest.RecEngine
	disp   *dossier.Dispatcher
	now    atomic.Pointer[time.Time]
	closed bool
}

func newRig(t testing.TB, tweak func(*zalo.Config)) *rig {
	t.Helper()
	r := &rig{db: storetest.New(t)}
	now := time.Now()
	r.now.Store(&now)
	r.api = channeltest.NewAPI(t, `{"error":0,"message":"Success","data":{"message_id":"m1","user_id":"u"}}`)
	r.oauth = channeltest.NewAPI(t, `{"access_token":"access-2","refresh_token":"refresh-2","expires_in":"90000"}`)
	r.engine = &channeltest.RecEngine{Inner: channeltest.Engine(t, r.db)}
	r.disp = &dossier.Dispatcher{Queue: r.db.Outbox(), Senders: map[string]dossier.Sender{}}
	cfg := zalo.Config{
		AppID: appID, SecretKey: secretKey, AccessToken: "access-1", RefreshToken: "refresh-1",
		APIEndpoint: r.api.URL(), OAuthEndpoint: r.oauth.URL(),
		Retry:  channel.RetryPolicy{Base: time.Millisecond, MaxDelay: 5 * time.Millisecond},
		Engine: r.engine, Store: r.db.ChannelState(), Tokens: r.db.ChannelState(), Inbox: r.disp,
		Now: func() time.Time { return *r.now.Load() },
	}
	if tweak != nil {
		tweak(&cfg)
	}
	svc, err := zalo.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.svc = svc
	r.disp.Senders[zalo.Channel] = svc.DossierSender()
	svc.Start()
	channeltest.WaitFor(t, "unfinished events taken up", func() bool { return !svc.Recovering() })
	g := gin.New()
	svc.Routes()(g)
	r.srv = httptest.NewServer(g)
	t.Cleanup(func() { r.close(t) })
	return r
}

func (r *rig) close(t testing.TB) {
	if r.closed {
		return
	}
	r.closed = true
	r.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.svc.Close(ctx); err != nil {
		t.Error(err)
	}
}

// waitDone waits until the event id was handled to the end (its held
// notifications delivered too).
func (r *rig) waitDone(t testing.TB, id string) {
	t.Helper()
	channeltest.WaitFor(t, "event "+id+" done", func() bool {
		done, _ := r.db.ChannelState().IsDone(context.Background(), zalo.Channel, id)
		return done
	})
}

func (r *rig) advance(d time.Duration) {
	n := r.now.Load().Add(d)
	r.now.Store(&n)
}

func millis(t time.Time) string { return fmt.Sprint(t.UnixMilli()) }

// textEvent is a user_send_text event as Zalo documents it.
func textEvent(user, msgID, text string, at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"app_id": appID, "user_id_by_app": "979122185046046317", "event_name": "user_send_text",
		"timestamp": millis(at),
		"sender":    map[string]string{"id": user}, "recipient": map[string]string{"id": oaID},
		"message": map[string]string{"text": text, "msg_id": msgID},
	})
	return b
}

func followEvent(name, user string, at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"app_id": appID, "oa_id": oaID, "user_id_by_app": "979122185046046317", "event_name": name,
		"timestamp": millis(at), "source": "oa_profile", "follower": map[string]string{"id": user},
	})
	return b
}

func (r *rig) post(t testing.TB, body []byte) int {
	var ev struct {
		Timestamp string `json:"timestamp"`
	}
	_ = json.Unmarshal(body, &ev)
	return r.postSigned(t, body, zalo.Sign(appID, secretKey, body, ev.Timestamp))
}

func (r *rig) postSigned(t testing.TB, body []byte, sig string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+zalo.WebhookPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set(zalo.SignatureHeader, sig)
	}
	resp, err := channeltest.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body) // read to the end, or the connection is not reused
	resp.Body.Close()
	return resp.StatusCode
}

// sent is one customer-service message the fake API received.
type sent struct {
	Recipient struct {
		UserID string `json:"user_id"`
	} `json:"recipient"`
	Message struct {
		Text       string `json:"text"`
		Attachment *struct {
			Type    string `json:"type"`
			Payload struct {
				TemplateType string `json:"template_type"`
				Elements     []struct {
					Title string `json:"title"`
				} `json:"elements"`
				Buttons []struct {
					Title   string          `json:"title"`
					Type    string          `json:"type"`
					Payload json.RawMessage `json:"payload"`
				} `json:"buttons"`
			} `json:"payload"`
		} `json:"attachment"`
	} `json:"message"`
	token string
}

func (r *rig) sent(t testing.TB) []sent {
	t.Helper()
	var out []sent
	for _, c := range r.api.Calls(csPath) {
		var s sent
		if err := json.Unmarshal(c.Body, &s); err != nil {
			t.Fatal(err)
		}
		s.token = c.Header.Get("access_token")
		out = append(out, s)
	}
	return out
}

func (r *rig) texts(t testing.TB) []string {
	var out []string
	for _, s := range r.sent(t) {
		if s.Message.Text != "" {
			out = append(out, s.Message.Text)
		}
	}
	return out
}

func TestValidSignatureAnswered(t *testing.T) {
	r := newRig(t, nil)
	if st := r.post(t, textEvent(citizen, "msg-1", "làm lại căn cước cần giấy tờ gì", time.Now())); st != 200 {
		t.Fatalf("status %d", st)
	}
	channeltest.WaitFor(t, "an answer", func() bool { return len(r.texts(t)) > 0 })
	s := r.sent(t)[0]
	if s.Recipient.UserID != citizen || s.token != "access-1" {
		t.Fatalf("sent to %q with token %q", s.Recipient.UserID, s.token)
	}
	if !strings.Contains(strings.ToLower(s.Message.Text), "căn cước") || strings.Contains(s.Message.Text, "**") {
		t.Fatalf("answer: %q", s.Message.Text)
	}
	got := r.engine.Received()
	if len(got) != 1 || got[0].Channel != zalo.Channel || got[0].ChatID != citizen {
		t.Fatalf("engine got %+v", got)
	}
}

func TestWrongOrMissingSignature401(t *testing.T) {
	r := newRig(t, nil)
	now := time.Now()
	body := textEvent(citizen, "msg-1", "xin chào", now)
	old := textEvent(citizen, "msg-2", "xin chào", now.Add(-time.Hour))
	tampered := bytes.Replace(body, []byte("xin chào"), []byte("tạm biệt"), 1)
	for name, c := range map[string]struct {
		body []byte
		sig  string
	}{
		"missing":        {body, ""},
		"wrong secret":   {body, zalo.Sign(appID, "other", body, millis(now))},
		"wrong app":      {body, zalo.Sign("1", secretKey, body, millis(now))},
		"not mac=":       {body, strings.TrimPrefix(zalo.Sign(appID, secretKey, body, millis(now)), "mac=")},
		"tampered body":  {tampered, zalo.Sign(appID, secretKey, body, millis(now))},
		"stale (replay)": {old, zalo.Sign(appID, secretKey, old, millis(now.Add(-time.Hour)))},
		"not json":       {[]byte("xx"), "mac=00"},
	} {
		if st := r.postSigned(t, c.body, c.sig); st != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, st)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(r.engine.Received()); n != 0 {
		t.Fatalf("engine called %d times", n)
	}
}

func TestReplayAnsweredOnce(t *testing.T) {
	r := newRig(t, nil)
	body := textEvent(citizen, "msg-dup", "cảm ơn", time.Now())
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

func TestOtherEventsIgnored(t *testing.T) {
	r := newRig(t, nil)
	b, _ := json.Marshal(map[string]any{"app_id": appID, "event_name": "user_send_sticker", "timestamp": millis(time.Now()),
		"sender": map[string]string{"id": citizen}, "message": map[string]string{"msg_id": "s1"}})
	if st := r.post(t, b); st != 200 {
		t.Fatalf("status %d", st)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(r.engine.Received()); n != 0 {
		t.Fatalf("engine called %d times", n)
	}
}

func TestButtonRoundTrip(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, textEvent(citizen, "m1", "làm lại căn cước cần giấy tờ gì", time.Now()))
	var payload string
	channeltest.WaitFor(t, "buttons", func() bool {
		for _, s := range r.sent(t) {
			if a := s.Message.Attachment; a != nil && a.Payload.TemplateType == "list" {
				if len(a.Payload.Elements) == 0 || len(a.Payload.Buttons) > 5 {
					t.Fatalf("template %+v", a.Payload)
				}
				for _, b := range a.Payload.Buttons {
					if b.Type == "oa.query.hide" {
						_ = json.Unmarshal(b.Payload, &payload)
						return true
					}
				}
			}
		}
		return false
	})
	if !strings.HasPrefix(payload, "#dvc:") {
		t.Fatalf("payload %q", payload)
	}
	r.api.Reset()
	// Zalo sends an oa.query payload back as the citizen's text.
	r.post(t, textEvent(citizen, "m2", payload, time.Now()))
	channeltest.WaitFor(t, "the button's answer", func() bool { return len(r.engine.Received()) == 2 && len(r.texts(t)) > 0 })
	got := r.engine.Received()[1]
	if got.Action != strings.TrimPrefix(payload, "#dvc:") || got.Text != "" {
		t.Fatalf("engine got %+v", got)
	}
}

// longEngine answers everything with a long text.
type longEngine struct{ text string }

func (e longEngine) Handle(context.Context, bot.Message) (bot.Response, error) {
	return bot.Response{Replies: []bot.Reply{{Text: e.text, Buttons: []bot.Button{{Label: "A", Action: "a"}}}}}, nil
}

func TestLongAnswerSplit(t *testing.T) {
	var b strings.Builder
	for i := range 120 {
		fmt.Fprintf(&b, "**Bước %d**: mang căn cước và tờ khai đến bộ phận một cửa của ủy ban nhân dân xã.\n", i)
		if i%10 == 9 {
			b.WriteString("\n")
		}
	}
	long := b.String()
	r := newRig(t, func(c *zalo.Config) { c.Engine = longEngine{text: long} })
	r.post(t, textEvent(citizen, "m1", "các bước", time.Now()))
	channeltest.WaitFor(t, "the template after the text", func() bool {
		s := r.sent(t)
		return len(s) > 0 && s[len(s)-1].Message.Attachment != nil
	})
	texts := r.texts(t)
	if len(texts) < 5 {
		t.Fatalf("%d chunks for %d characters", len(texts), utf8.RuneCountInString(long))
	}
	joined := 0
	for _, s := range texts {
		if n := utf8.RuneCountInString(s); n > zalo.MaxTextRunes {
			t.Fatalf("chunk of %d characters", n)
		}
		joined += utf8.RuneCountInString(s)
	}
	if !strings.HasPrefix(texts[0], "Bước 0: ") || !strings.Contains(texts[len(texts)-1], "Bước 119:") {
		t.Fatalf("first %q… last …%q", texts[0][:20], texts[len(texts)-1])
	}
}

func notify(t testing.TB, r *rig, id, text string) {
	t.Helper()
	err := r.db.Outbox().Enqueue(context.Background(), dossier.Notification{ID: id, Channel: zalo.Channel, ChatID: citizen, Text: text}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
}

func TestNotificationInsideWindow(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, textEvent(citizen, "m1", "xin chào", time.Now()))
	channeltest.WaitFor(t, "the greeting", func() bool { return len(r.texts(t)) > 0 })
	r.waitDone(t, "m1")
	r.api.Reset()
	r.advance(47 * time.Hour)
	notify(t, r, "n1", "Hồ sơ H01 đã có kết quả.")
	if n := r.disp.RunOnce(context.Background(), time.Now()); n != 1 {
		t.Fatalf("sent %d", n)
	}
	if got := r.texts(t); len(got) != 1 || got[0] != "Hồ sơ H01 đã có kết quả." {
		t.Fatalf("sent %q", got)
	}
}

func TestNotificationOutsideWindowWaitsForNextMessage(t *testing.T) {
	r := newRig(t, nil)
	start := *r.now.Load()
	r.post(t, textEvent(citizen, "m1", "xin chào", start))
	channeltest.WaitFor(t, "the greeting", func() bool { return len(r.texts(t)) > 0 })
	r.waitDone(t, "m1")
	r.api.Reset()
	r.advance(49 * time.Hour)
	notify(t, r, "n1", "Hồ sơ H01 đã có kết quả.")
	if n := r.disp.RunOnce(context.Background(), time.Now()); n != 0 {
		t.Fatalf("sent %d outside the window", n)
	}
	if st, _ := r.db.Outbox().Status(context.Background(), "n1"); st != "pending" {
		t.Fatalf("status %q: the notification must be kept", st)
	}
	if got := r.texts(t); len(got) != 0 {
		t.Fatalf("sent %q", got)
	}
	// The citizen writes again: the answer, then the notification.
	r.post(t, textEvent(citizen, "m2", "cảm ơn", *r.now.Load()))
	channeltest.WaitFor(t, "the held notification", func() bool {
		got := r.texts(t)
		return len(got) >= 2 && got[len(got)-1] == "Hồ sơ H01 đã có kết quả."
	})
	channeltest.WaitFor(t, "the held notification marked sent", func() bool {
		st, _ := r.db.Outbox().Status(context.Background(), "n1")
		return st == "sent"
	})
}

func TestNotificationRefusedByZaloWaits(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, textEvent(citizen, "m1", "xin chào", time.Now()))
	channeltest.WaitFor(t, "the greeting", func() bool { return len(r.texts(t)) > 0 })
	r.waitDone(t, "m1")
	r.api.SetAnswer(func(channeltest.Call) (int, string) {
		return 200, `{"error":-230,"message":"User has not interacted with the OA in the past 7 days"}`
	})
	notify(t, r, "n2", "Hồ sơ H02 cần bổ sung.")
	r.disp.RunOnce(context.Background(), time.Now())
	if st, _ := r.db.Outbox().Status(context.Background(), "n2"); st != "pending" {
		t.Fatalf("status %q", st)
	}
}

func TestFollowGreetsUnfollowStopsNotifications(t *testing.T) {
	r := newRig(t, nil)
	r.post(t, followEvent("follow", citizen, time.Now()))
	channeltest.WaitFor(t, "a greeting", func() bool { return len(r.texts(t)) > 0 })
	if m := r.engine.Received()[0]; m.Text != "/start" {
		t.Fatalf("engine got %+v", m)
	}
	r.post(t, followEvent("unfollow", citizen, time.Now().Add(time.Millisecond)))
	channeltest.WaitFor(t, "inactive", func() bool {
		st, _ := r.db.ChannelState().Chat(context.Background(), zalo.Channel, citizen)
		return st.Inactive
	})
	r.api.Reset()
	notify(t, r, "n3", "Hồ sơ H03.")
	r.disp.RunOnce(context.Background(), time.Now())
	if st, _ := r.db.Outbox().Status(context.Background(), "n3"); st != "failed" {
		t.Fatalf("status %q", st)
	}
	if len(r.sent(t)) != 0 {
		t.Fatal("sent to a citizen who left")
	}
}

// expireToken makes the fake API refuse token tok with -216.
func (r *rig) expireToken(tok string) {
	r.api.SetAnswer(func(c channeltest.Call) (int, string) {
		if c.Header.Get("access_token") == tok {
			return 299, `{"error":-216,"message":"Access token is invalid"}`
		}
		return 200, r.api.DefaultBody
	})
}

func TestTokenRefreshOnExpiredToken(t *testing.T) {
	r := newRig(t, nil)
	r.expireToken("access-1")
	r.post(t, textEvent(citizen, "m1", "xin chào", time.Now()))
	channeltest.WaitFor(t, "an answer", func() bool { return len(r.texts(t)) > 0 })
	if s := r.sent(t)[0]; s.token != "access-2" {
		t.Fatalf("sent with %q", s.token)
	}
	calls := r.oauth.Calls(oauthPath)
	if len(calls) != 1 {
		t.Fatalf("%d refreshes", len(calls))
	}
	form, _ := url.ParseQuery(string(calls[0].Body))
	if form.Get("refresh_token") != "refresh-1" || form.Get("app_id") != appID || form.Get("grant_type") != "refresh_token" || calls[0].Header.Get("secret_key") != secretKey {
		t.Fatalf("refresh request %v %v", form, calls[0].Header)
	}
	tok, err := r.db.ChannelState().Tokens(context.Background(), zalo.Channel)
	if err != nil || tok.Refresh != "refresh-2" || tok.Access != "access-2" || tok.Version != 2 {
		t.Fatalf("stored %+v %v", tok, err)
	}
	if time.Until(tok.ExpiresAt) < 24*time.Hour {
		t.Fatalf("expires %v", tok.ExpiresAt)
	}
	if err := r.svc.Health(); err != nil {
		t.Fatal(err)
	}
}

// The app's secret (ZALO_APP_SECRET) authenticates refreshes when it differs
// from the OA secret key, which still signs webhooks.
func TestTokenRefreshUsesTheAppSecret(t *testing.T) {
	r := newRig(t, func(c *zalo.Config) { c.AppSecret = "app-secret-456" })
	r.expireToken("access-1")
	if st := r.post(t, textEvent(citizen, "m1", "xin chào", time.Now())); st != 200 {
		t.Fatalf("event signed with the OA secret key: status %d", st)
	}
	channeltest.WaitFor(t, "an answer", func() bool { return len(r.texts(t)) > 0 })
	calls := r.oauth.Calls(oauthPath)
	if len(calls) != 1 || calls[0].Header.Get("secret_key") != "app-secret-456" {
		t.Fatalf("refresh calls %d, secret_key %q", len(calls), calls[0].Header.Get("secret_key"))
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	st := r.db.ChannelState()
	cur, err := r.svc.Client().Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Expiring in ten minutes: the next use refreshes ahead of time via Refresh.
	if _, err := st.SaveTokens(ctx, zalo.Channel, cur.Version, channel.Tokens{Access: "access-1", Refresh: "refresh-1", ExpiresAt: time.Now().Add(10 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	r.close(t)
	svc, err := zalo.New(zalo.Config{AppID: appID, SecretKey: secretKey, APIEndpoint: r.api.URL(), OAuthEndpoint: r.oauth.URL(),
		Engine: r.engine, Store: st, Tokens: st})
	if err != nil {
		t.Fatal(err)
	}
	svc.Start() // the refresher checks at once
	defer svc.Close(ctx)
	channeltest.WaitFor(t, "a refresh ahead of expiry", func() bool { return len(r.oauth.Calls(oauthPath)) == 1 })
	channeltest.WaitFor(t, "the new tokens saved", func() bool {
		tok, _ := st.Tokens(ctx, zalo.Channel)
		return tok.Refresh == "refresh-2"
	})
}

func TestTokenRefreshFailureSurfacedNoLoop(t *testing.T) {
	r := newRig(t, nil)
	r.expireToken("access-1")
	r.oauth.SetAnswer(func(channeltest.Call) (int, string) {
		return 200, `{"error":-14014,"error_name":"Invalid refresh token","error_description":"refresh token is invalid"}`
	})
	r.post(t, textEvent(citizen, "m1", "xin chào", time.Now()))
	channeltest.WaitFor(t, "the failure surfaced", func() bool { return r.svc.Health() != nil })
	if err := r.svc.Health(); !strings.Contains(err.Error(), "refresh") {
		t.Fatalf("health: %v", err)
	}
	r.post(t, textEvent(citizen, "m2", "cảm ơn", time.Now()))
	channeltest.WaitFor(t, "the second message handled", func() bool { return len(r.engine.Received()) == 2 })
	time.Sleep(100 * time.Millisecond)
	// One refresh attempt was made (the oauth fake records only 200 answers: count them all).
	if n := len(r.oauth.Calls(oauthPath)); n != 1 {
		t.Fatalf("%d refresh attempts: must not loop", n)
	}
	tok, _ := r.db.ChannelState().Tokens(context.Background(), zalo.Channel)
	if tok.Refresh != "refresh-1" {
		t.Fatalf("refresh token lost: %+v", tok)
	}
}

func TestLoad(t *testing.T) {
	if os.Getenv("DVCBOT_LOAD") == "" {
		t.Skip("load test: set DVCBOT_LOAD=1 (DVCBOT_LOAD_CHATS, DVCBOT_LOAD_N, DVCBOT_LOAD_RATE)")
	}
	mark := &channeltest.MarkEngine{}
	r := newRig(t, func(c *zalo.Config) { c.Engine = mark })
	var sessions string
	mark.Inner, sessions = channeltest.LoadEngine(t, r.db)
	chats := channeltest.EnvInt("DVCBOT_LOAD_CHATS", 100)
	res := channeltest.RunLoad(t, channeltest.LoadSpec{
		Name: "zalo (sessions in " + sessions + ")", Chats: chats, PerChat: channeltest.EnvInt("DVCBOT_LOAD_N", 3000) / chats, Burst: 2,
		Rate: channeltest.EnvInt("DVCBOT_LOAD_RATE", 300), API: r.api, Engine: mark,
		Post: func(chat string, seq int, text string) int {
			return r.post(t, textEvent(chat, fmt.Sprintf("%s-%d", chat, seq), text, time.Now()))
		},
		Sent: func(c channeltest.Call) (string, string, bool) {
			var s sent
			if c.Path != csPath || json.Unmarshal(c.Body, &s) != nil || s.Message.Text == "" {
				return "", "", false
			}
			return s.Recipient.UserID, s.Message.Text, true
		},
	})
	if res.PerSecond < 290 || res.P99 > 50*time.Millisecond {
		t.Errorf("below target (≥ 300 msgs/s, p99 ≤ 50 ms): %v", res)
	}
}
