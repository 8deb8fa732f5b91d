package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/searchtest"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
	"github.com/dvcbot/dvcbot/telegram"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(storetest.Main(m))
}

const (
	testToken    = "123456:TEST-token"
	testSecret   = "s3cret_Token-1"
	botUsername  = "dvc_test_bot"
	botID        = 123456
	privateChat  = 1111111
	groupChat    = -1001234567890
	otherBotName = "weather_bot"
)

// call is one request the fake Bot API received.
type call struct {
	Method string
	Params url.Values
	At     time.Time
}

// fakeAPI answers like the Bot API and records every call. hook, when set, may
// answer a call instead (return handled = true).
type fakeAPI struct {
	srv *httptest.Server

	mu      sync.Mutex
	calls   []call
	updates [][]byte // served once each by getUpdates
	hook    func(method string, p url.Values) (status int, body string, handled bool)
	notify  func(c call) // called after recording each call, outside the lock
}

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) endpoint() string { return f.srv.URL + "/bot%s/%s" }

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(parts) != 2 || parts[0] != "bot"+testToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	method := parts[1]
	f.mu.Lock()
	f.calls = append(f.calls, call{Method: method, Params: r.PostForm, At: time.Now()})
	n := len(f.calls)
	hook, notify, rec := f.hook, f.notify, f.calls[n-1]
	var batch [][]byte
	if method == "getUpdates" {
		batch, f.updates = f.updates, nil
	}
	f.mu.Unlock()
	if notify != nil {
		defer notify(rec)
	}
	w.Header().Set("Content-Type", "application/json")
	if hook != nil {
		if status, body, ok := hook(method, r.PostForm); ok {
			w.WriteHeader(status)
			fmt.Fprint(w, body)
			return
		}
	}
	switch method {
	case "getMe":
		fmt.Fprintf(w, `{"ok":true,"result":{"id":%d,"is_bot":true,"first_name":"DVC","username":%q,"can_join_groups":true}}`, botID, botUsername)
	case "sendMessage":
		chat, _ := strconv.ParseInt(r.PostForm.Get("chat_id"), 10, 64)
		res, _ := json.Marshal(map[string]any{"message_id": n, "date": time.Now().Unix(),
			"chat": map[string]any{"id": chat, "type": "private"}, "text": r.PostForm.Get("text")})
		fmt.Fprintf(w, `{"ok":true,"result":%s}`, res)
	case "getUpdates":
		if len(batch) == 0 {
			time.Sleep(20 * time.Millisecond) // a short "long poll"
		}
		fmt.Fprintf(w, `{"ok":true,"result":[%s]}`, bytes.Join(batch, []byte(",")))
	case "getWebhookInfo":
		fmt.Fprint(w, `{"ok":true,"result":{"url":"","has_custom_certificate":false,"pending_update_count":0}}`)
	default:
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	}
}

func (f *fakeAPI) setHook(h func(method string, p url.Values) (int, string, bool)) {
	f.mu.Lock()
	f.hook = h
	f.mu.Unlock()
}

// callsOf returns the recorded calls of method (all methods when empty).
func (f *fakeAPI) callsOf(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// sentTo returns the texts sent to chat, in order.
func (f *fakeAPI) sentTo(chat int64) []string {
	var out []string
	for _, c := range f.callsOf("sendMessage") {
		if c.Params.Get("chat_id") == strconv.FormatInt(chat, 10) {
			out = append(out, c.Params.Get("text"))
		}
	}
	return out
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// recEngine wraps the real engine, records what it is given and can be made to
// fail or to wait.
type recEngine struct {
	inner *bot.Engine
	mu    sync.Mutex
	msgs  []bot.Message
	fail  bool
	gate  chan struct{} // when set, Handle waits for it to close
}

func (e *recEngine) Handle(ctx context.Context, m bot.Message) (bot.Response, error) {
	e.mu.Lock()
	e.msgs = append(e.msgs, m)
	fail, gate := e.fail, e.gate
	e.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return bot.Response{}, ctx.Err()
		}
	}
	if fail {
		return bot.Response{}, fmt.Errorf("store down: %w", store.ErrConflict)
	}
	return e.inner.Handle(ctx, m)
}

func (e *recEngine) received() []bot.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]bot.Message(nil), e.msgs...)
}

// rig is a service wired to a real engine and store, a fake Bot API and an HTTP
// server mounting the webhook.
type rig struct {
	api    *fakeAPI
	db     *store.DB
	engine *recEngine
	svc    *telegram.Service
	http   *httptest.Server
}

func newRig(t testing.TB, tweak func(*telegram.Config)) *rig {
	t.Helper()
	r := &rig{api: newFakeAPI(t), db: storetest.New(t)}
	r.start(t, tweak)
	return r
}

// start (re)creates the service on the rig's store and fake API.
func (r *rig) start(t testing.TB, tweak func(*telegram.Config)) {
	t.Helper()
	ix := searchtest.Index(t)
	eng, err := bot.New(bot.Config{Searcher: ix, Procedures: ix, Sessions: r.db.Sessions(), Unanswered: r.db.Unanswered(), Feedback: r.db.Feedback()})
	if err != nil {
		t.Fatal(err)
	}
	r.engine = &recEngine{inner: eng}
	cfg := telegram.Config{
		Token: testToken, Secret: testSecret, Endpoint: r.api.endpoint(),
		Engine: r.engine, Store: r.db.TelegramUpdates(),
		Retry: telegram.RetryPolicy{Base: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	r.svc, err = telegram.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := r.svc
	t.Cleanup(func() { _ = svc.Close(context.Background()) })
	g := gin.New()
	r.svc.Routes()(g)
	r.http = httptest.NewServer(g)
	t.Cleanup(r.http.Close)
}

// post sends body to the webhook with the secret and returns status and body.
func (r *rig) post(t testing.TB, body string) (int, string) {
	return r.postWith(t, testSecret, body)
}

func (r *rig) postWith(t testing.TB, secret, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.http.URL+telegram.WebhookPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(telegram.SecretHeader, secret)
	}
	resp, err := r.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// close drains the service: everything accepted has been handled afterwards.
func (r *rig) close(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := r.svc.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// Update JSON shaped like the Bot API documentation's examples.

const userJSON = `{"id":%d,"is_bot":false,"first_name":"Lan","last_name":"Nguyễn","username":"lan_nguyen","language_code":"vi"}`

func privateChatJSON(chat int64) string {
	return fmt.Sprintf(`{"id":%d,"first_name":"Lan","last_name":"Nguyễn","username":"lan_nguyen","type":"private"}`, chat)
}

func groupChatJSON() string {
	return fmt.Sprintf(`{"id":%d,"title":"Tổ dân phố 5","type":"supergroup"}`, int64(groupChat))
}

func botUserJSON() string {
	return fmt.Sprintf(`{"id":%d,"is_bot":true,"first_name":"DVC","username":%q}`, botID, botUsername)
}

// textUpdate is a private text message from chat.
func textUpdate(id, chat int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":`+userJSON+`,"chat":%s,"date":1735689600,"text":%q}}`,
		id, id, chat, privateChatJSON(chat), text)
}

func editedUpdate(id, chat int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"edited_message":{"message_id":%d,"from":`+userJSON+`,"chat":%s,"date":1735689600,"edit_date":1735689660,"text":%q}}`,
		id, id, chat, privateChatJSON(chat), text)
}

func stickerUpdate(id, chat int64) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":`+userJSON+`,"chat":%s,"date":1735689600,"sticker":{"file_id":"CAACAgIAAxkBAAIBZ2","file_unique_id":"AgADxQADVp29Cg","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false,"emoji":"👍","set_name":"HotCherry","file_size":25000}}}`,
		id, id, chat, privateChatJSON(chat))
}

func photoUpdate(id, chat int64, caption string) string {
	c := ""
	if caption != "" {
		c = fmt.Sprintf(`,"caption":%q`, caption)
	}
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":`+userJSON+`,"chat":%s,"date":1735689600,"photo":[{"file_id":"AgACAgIAAxkBAAIBa2","file_unique_id":"AQADW8AxG","file_size":1523,"width":90,"height":67},{"file_id":"AgACAgIAAxkBAAIBa3","file_unique_id":"AQADW8AxGx","file_size":51200,"width":800,"height":600}]%s}}`,
		id, id, chat, privateChatJSON(chat), c)
}

func groupUpdate(id int64, text, entities, replyTo string) string {
	extra := ""
	if entities != "" {
		extra += `,"entities":` + entities
	}
	if replyTo != "" {
		extra += `,"reply_to_message":` + replyTo
	}
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":`+userJSON+`,"chat":%s,"date":1735689600,"text":%q%s}}`,
		id, id, privateChat, groupChatJSON(), text, extra)
}

func callbackUpdate(id, chat int64, queryID, data string) string {
	return fmt.Sprintf(`{"update_id":%d,"callback_query":{"id":%q,"from":`+userJSON+`,"message":{"message_id":77,"from":%s,"chat":%s,"date":1735689600,"text":"Bạn cần hỏi về thủ tục nào?"},"chat_instance":"-7485230941823590183","data":%q}}`,
		id, queryID, chat, botUserJSON(), privateChatJSON(chat), data)
}

func myChatMemberUpdate(id, chat int64, oldStatus, newStatus string) string {
	return fmt.Sprintf(`{"update_id":%d,"my_chat_member":{"chat":%s,"from":`+userJSON+`,"date":1735689600,"old_chat_member":{"user":%s,"status":%q},"new_chat_member":{"user":%s,"status":%q,"until_date":0}}}`,
		id, privateChatJSON(chat), chat, botUserJSON(), oldStatus, botUserJSON(), newStatus)
}

func channelPostUpdate(id int64) string {
	return fmt.Sprintf(`{"update_id":%d,"channel_post":{"message_id":%d,"sender_chat":{"id":-1009876543210,"title":"Tin UBND","type":"channel"},"chat":{"id":-1009876543210,"title":"Tin UBND","type":"channel"},"date":1735689600,"text":"Thông báo lịch tiếp dân"}}`, id, id)
}
