package handoff_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/handoff"
	"github.com/dvcbot/dvcbot/internal/searchtest"
	"github.com/dvcbot/dvcbot/offices"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// sender records what a push channel was asked to send.
type sender struct {
	mu   sync.Mutex
	sent []string
}

func (s *sender) Send(_ context.Context, chatID, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, chatID+"|"+text)
	return nil
}

type rig struct {
	db       *store.DB
	desk     *handoff.Service
	engine   *bot.Engine
	dispatch *dossier.Dispatcher
	tg       *sender
	clock    *clock
}

// tuesday10 is Tuesday 1 December 2026, 10:00 in Vietnam: office hours.
var tuesday10 = time.Date(2026, 12, 1, 10, 0, 0, 0, offices.Vietnam)

func newRig(t *testing.T, db *store.DB, at time.Time) rig {
	t.Helper()
	ix := searchtest.Index(t)
	c := &clock{t: at}
	desk := &handoff.Service{Store: db.Conversations(), Outbox: db.Outbox(), Schedule: handoff.MustSchedule("", "2026-12-07"), Now: c.Now}
	tg := &sender{}
	d := &dossier.Dispatcher{Queue: db.Outbox(), Senders: map[string]dossier.Sender{bot.ChannelTelegram: tg}}
	e, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Procedures: ix, Sessions: db.Sessions(), Unanswered: db.Unanswered(),
		Feedback: db.Feedback(), Inbox: d, Handoff: desk, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return rig{db: db, desk: desk, engine: e, dispatch: d, tg: tg, clock: c}
}

func (r rig) say(t *testing.T, channel, chat, text string) bot.Response {
	t.Helper()
	r.clock.Add(time.Second)
	resp, err := r.engine.Handle(context.Background(), bot.Message{Channel: channel, ChatID: chat, Text: text})
	if err != nil {
		t.Fatalf("Handle(%q): %v", text, err)
	}
	return resp
}

func (r rig) press(t *testing.T, channel, chat, action string) bot.Response {
	t.Helper()
	r.clock.Add(time.Second)
	resp, err := r.engine.Handle(context.Background(), bot.Message{Channel: channel, ChatID: chat, Action: action})
	if err != nil {
		t.Fatalf("press %q: %v", action, err)
	}
	return resp
}

func text(r bot.Response) string {
	var b []string
	for _, rep := range r.Replies {
		b = append(b, rep.Text)
	}
	return strings.Join(b, "\n")
}

func only(t *testing.T, list []handoff.Conversation) handoff.Conversation {
	t.Helper()
	if len(list) != 1 {
		t.Fatalf("want one conversation, got %d: %+v", len(list), list)
	}
	return list[0]
}

var (
	an   = handoff.Agent{ID: "st_an", Name: "Nguyễn Văn An"}
	binh = handoff.Agent{ID: "st_binh", Name: "Trần Thị Bình"}
)

// TestHandoffOnTheWebChat walks the whole life of a handoff on the web chat:
// request → waiting → claim (a second claim conflicts) → the officer's reply
// reaches the page → the citizen's messages reach the officer while the bot
// stays silent → close → rating → the bot answers again.
func TestHandoffOnTheWebChat(t *testing.T) {
	r := newRig(t, storetest.New(t), tuesday10)
	ctx := context.Background()
	const chat = "web-citizen-1"

	r.say(t, bot.ChannelWeb, chat, "làm lại căn cước cần giấy tờ gì")
	resp := r.say(t, bot.ChannelWeb, chat, "cho tôi gặp cán bộ")
	if resp.Intent != bot.IntentHandoff || !strings.Contains(text(resp), "Đã chuyển yêu cầu") || !strings.Contains(text(resp), "vị trí số 1") && !strings.Contains(text(resp), "ít phút") {
		t.Fatalf("request: %s %q", resp.Intent, text(resp))
	}
	conv := only(t, must(r.desk.List(ctx, handoff.Filter{Status: handoff.StatusWaiting})))
	if conv.Channel != bot.ChannelWeb || conv.ChatID != chat || conv.Queue == "" {
		t.Fatalf("queued conversation: %+v", conv)
	}
	full := must(r.desk.Get(ctx, conv.ID))
	if len(full.Messages) < 3 || full.Messages[0].From != handoff.FromCitizen || full.Messages[1].From != handoff.FromBot {
		t.Fatalf("transcript should start with the bot conversation: %+v", full.Messages)
	}

	if _, err := r.desk.Claim(ctx, conv.ID, an); err != nil {
		t.Fatal(err)
	}
	if _, err := r.desk.Claim(ctx, conv.ID, binh); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("second claim: %v, want a conflict", err)
	}
	if _, err := r.desk.Reply(ctx, conv.ID, binh, "xin chào"); !errors.Is(err, handoff.ErrHeld) {
		t.Fatalf("reply by someone else: %v", err)
	}
	if _, err := r.desk.Reply(ctx, conv.ID, an, "Chào bạn, bạn cần làm lại căn cước vì mất hay hỏng?"); err != nil {
		t.Fatal(err)
	}
	inbox := r.press(t, bot.ChannelWeb, chat, "inbox")
	if len(inbox.Messages) != 1 || inbox.Messages[0].From != "staff" || !strings.Contains(inbox.Messages[0].Text, "mất hay hỏng") || inbox.Messages[0].Author != an.Name {
		t.Fatalf("inbox: %+v", inbox.Messages)
	}
	if again := r.press(t, bot.ChannelWeb, chat, "inbox"); len(again.Messages) != 0 {
		t.Fatalf("the reply was handed over twice: %+v", again.Messages)
	}

	resp = r.say(t, bot.ChannelWeb, chat, "tôi bị mất ví, mất luôn căn cước")
	if resp.Intent != bot.IntentHandoff || strings.TrimSpace(text(resp)) != "" {
		t.Fatalf("the bot must stay silent while the officer holds the chat: %s %q", resp.Intent, text(resp))
	}
	if cmd := r.say(t, bot.ChannelWeb, chat, "/help"); cmd.Intent == bot.IntentHandoff || len(cmd.Replies) == 0 {
		t.Fatalf("commands stay the bot's while an officer answers: %+v", cmd)
	}
	full = must(r.desk.Get(ctx, conv.ID))
	last := full.Messages[len(full.Messages)-1]
	if last.From != handoff.FromCitizen || !strings.Contains(last.Text, "mất ví") {
		t.Fatalf("the citizen's message did not reach the officer: %+v", last)
	}
	if full.Unread != 1 {
		t.Fatalf("unread = %d", full.Unread)
	}

	if _, err := r.desk.Close(ctx, conv.ID, an); err != nil {
		t.Fatal(err)
	}
	inbox = r.press(t, bot.ChannelWeb, chat, "inbox")
	if len(inbox.Messages) != 1 || !strings.Contains(inbox.Messages[0].Text, "1 (rất không hài lòng)") {
		t.Fatalf("rating question: %+v", inbox.Messages)
	}
	resp = r.say(t, bot.ChannelWeb, chat, "5")
	if !strings.Contains(text(resp), "Cảm ơn bạn đã đánh giá") {
		t.Fatalf("rating: %q", text(resp))
	}
	if c := must(r.desk.Get(ctx, conv.ID)); c.Rating != 5 || c.Status != handoff.StatusClosed || c.ClosedBy != an.ID {
		t.Fatalf("closed conversation: %+v", c)
	}
	resp = r.say(t, bot.ChannelWeb, chat, "đăng ký khai sinh cần giấy tờ gì")
	if resp.ProcedureID != "dang-ky-khai-sinh" {
		t.Fatalf("the bot should answer again: %s %q", resp.ProcedureID, text(resp))
	}
}

// TestHandoffOnTelegram: the officer's reply and the rating question are
// pushed to the Telegram chat by the dispatcher, once each; the citizen ends
// the conversation with "kết thúc" and rates it with a button.
func TestHandoffOnTelegram(t *testing.T) {
	r := newRig(t, storetest.New(t), tuesday10)
	ctx := context.Background()
	resp := r.say(t, bot.ChannelTelegram, "4242", "/canbo")
	if resp.Intent != bot.IntentHandoff {
		t.Fatalf("/canbo: %s %q", resp.Intent, text(resp))
	}
	conv := only(t, must(r.desk.List(ctx, handoff.Filter{Status: handoff.StatusWaiting})))
	// While waiting, the bot still answers, and the officer sees both sides.
	resp = r.say(t, bot.ChannelTelegram, "4242", "đổi bằng lái xe mất bao lâu")
	if resp.ProcedureID == "" {
		t.Fatalf("while waiting the bot answers: %q", text(resp))
	}
	r.clock.Add(time.Minute)
	if _, err := r.desk.Reply(ctx, conv.ID, an, "Bạn đổi GPLX trên VNeID nhé."); err != nil {
		t.Fatal(err)
	}
	r.dispatch.RunOnce(ctx, r.clock.Now().Add(time.Second))
	r.dispatch.RunOnce(ctx, r.clock.Now().Add(2*time.Second))
	if len(r.tg.sent) != 1 || r.tg.sent[0] != "4242|👤 Cán bộ Nguyễn Văn An: Bạn đổi GPLX trên VNeID nhé." {
		t.Fatalf("telegram got %q", r.tg.sent)
	}
	full := must(r.desk.Get(ctx, conv.ID))
	var froms []string
	for _, m := range full.Messages {
		froms = append(froms, m.From)
	}
	if got := strings.Join(froms, ","); !strings.Contains(got, "citizen,bot,staff") {
		t.Fatalf("transcript authors %s", got)
	}
	resp = r.say(t, bot.ChannelTelegram, "4242", "kết thúc")
	if len(resp.Replies) != 1 || len(resp.Replies[0].Buttons) != 5 || resp.Replies[0].Buttons[4].Action != "rate:5" {
		t.Fatalf("end: %+v", resp.Replies)
	}
	r.press(t, bot.ChannelTelegram, "4242", "rate:4")
	if c := must(r.desk.Get(ctx, conv.ID)); c.Status != handoff.StatusClosed || c.ClosedBy != handoff.FromCitizen || c.Rating != 4 {
		t.Fatalf("after the citizen ended it: %+v", c)
	}
	// The officer may still close it (nothing happens twice).
	if _, err := r.desk.Close(ctx, conv.ID, an); err != nil {
		t.Fatal(err)
	}
	r.dispatch.RunOnce(ctx, r.clock.Now().Add(3*time.Second))
	if len(r.tg.sent) != 1 {
		t.Fatalf("closing a closed conversation sent %q", r.tg.sent)
	}
}

// TestHandoffAfterHours: on a Saturday evening the citizen is told an officer
// answers in writing from Monday morning; the written answer waits in the
// inbox for the next visit.
func TestHandoffAfterHours(t *testing.T) {
	saturday := time.Date(2026, 12, 5, 20, 0, 0, 0, offices.Vietnam)
	r := newRig(t, storetest.New(t), saturday)
	ctx := context.Background()
	resp := r.say(t, bot.ChannelWeb, "w-late", "tôi muốn nói chuyện với người thật")
	got := text(resp)
	// Monday 7 December is configured as a holiday: the next working time is Tuesday.
	if !strings.Contains(got, "ngoài giờ làm việc") || !strings.Contains(got, "07:30 thứ Ba, 08/12") {
		t.Fatalf("after hours: %q", got)
	}
	conv := only(t, must(r.desk.List(ctx, handoff.Filter{Status: handoff.StatusWaiting})))
	if !conv.AfterHours {
		t.Fatalf("not marked after hours: %+v", conv)
	}
	r.say(t, bot.ChannelWeb, "w-late", "tôi cần xin giấy xác nhận cư trú để nộp cho trường")
	r.clock.Add(62 * time.Hour) // Tuesday morning
	if _, err := r.desk.Reply(ctx, conv.ID, binh, "Bạn xin xác nhận thông tin cư trú (CT07) trên VNeID."); err != nil {
		t.Fatal(err)
	}
	if inbox := r.press(t, bot.ChannelWeb, "w-late", "inbox"); len(inbox.Messages) != 1 || inbox.Messages[0].From != "staff" {
		t.Fatalf("written answer on the next visit: %+v", inbox.Messages)
	}
}

// TestTransfer: an officer hands a conversation to a colleague, or back to a
// topic queue where anyone may claim it.
func TestTransfer(t *testing.T) {
	r := newRig(t, storetest.New(t), tuesday10)
	ctx := context.Background()
	r.say(t, bot.ChannelWeb, "w-tr", "gặp cán bộ")
	conv := only(t, must(r.desk.List(ctx, handoff.Filter{})))
	must(r.desk.Claim(ctx, conv.ID, an))
	if _, err := r.desk.Transfer(ctx, conv.ID, binh, an, ""); !errors.Is(err, handoff.ErrHeld) {
		t.Fatalf("only the holder may transfer: %v", err)
	}
	c := must(r.desk.Transfer(ctx, conv.ID, an, binh, ""))
	if c.Status != handoff.StatusActive || c.Assignee != binh.ID {
		t.Fatalf("to a colleague: %+v", c)
	}
	c = must(r.desk.Transfer(ctx, conv.ID, binh, handoff.Agent{}, "Đất đai"))
	if c.Status != handoff.StatusWaiting || c.Assignee != "" || c.Queue != "Đất đai" {
		t.Fatalf("to a queue: %+v", c)
	}
	if list := must(r.desk.List(ctx, handoff.Filter{Status: handoff.StatusWaiting, Queue: "Đất đai"})); len(list) != 1 {
		t.Fatalf("queue Đất đai: %+v", list)
	}
	if c = must(r.desk.Claim(ctx, conv.ID, an)); c.Assignee != an.ID || len(c.Transfers) != 2 {
		t.Fatalf("claim from the queue: %+v", c)
	}
}

// racingStore lets another officer's claim land between this officer's read
// and write, as two instances on one MongoDB would.
type racingStore struct {
	handoff.Store
	once  sync.Once
	other func()
}

func (s *racingStore) Update(ctx context.Context, c *handoff.Conversation) error {
	s.once.Do(s.other)
	return s.Store.Update(ctx, c)
}

// TestConcurrentClaimsOnTwoInstances: two instances over one store; the claim
// of instance B lands between A's read and A's write. Exactly one officer
// holds the conversation and the other gets a conflict.
func TestConcurrentClaimsOnTwoInstances(t *testing.T) {
	db := storetest.New(t)
	r := newRig(t, db, tuesday10)
	ctx := context.Background()
	r.say(t, bot.ChannelWeb, "w-race", "gặp cán bộ")
	conv := only(t, must(r.desk.List(ctx, handoff.Filter{})))
	instanceB := &handoff.Service{Store: db.Conversations(), Outbox: db.Outbox(), Now: r.clock.Now}
	var bErr error
	racing := &racingStore{Store: db.Conversations(), other: func() { _, bErr = instanceB.Claim(ctx, conv.ID, binh) }}
	instanceA := &handoff.Service{Store: racing, Outbox: db.Outbox(), Now: r.clock.Now}
	_, aErr := instanceA.Claim(ctx, conv.ID, an)
	if bErr != nil || !errors.Is(aErr, handoff.ErrHeld) {
		t.Fatalf("B: %v, A: %v; want B to hold it and A to conflict", bErr, aErr)
	}
	if c := must(r.desk.Get(ctx, conv.ID)); c.Assignee != binh.ID {
		t.Fatalf("holder %q", c.Assignee)
	}
}

// TestRequestsAreIdempotent: a repeated request while waiting keeps one
// conversation and says the place in the queue.
func TestRequestsAreIdempotent(t *testing.T) {
	r := newRig(t, storetest.New(t), tuesday10)
	ctx := context.Background()
	r.say(t, bot.ChannelWeb, "w-a", "gặp cán bộ")
	r.say(t, bot.ChannelWeb, "w-b", "tư vấn viên")
	resp := r.say(t, bot.ChannelWeb, "w-b", "gặp cán bộ")
	if !strings.Contains(text(resp), "đang trong hàng chờ") || !strings.Contains(text(resp), "vị trí số 2") {
		t.Fatalf("second request: %q", text(resp))
	}
	if n := len(must(r.desk.List(ctx, handoff.Filter{Status: handoff.StatusWaiting}))); n != 2 {
		t.Fatalf("%d waiting, want 2", n)
	}
	// Nobody has worked on the queue yet: a place, no promised time.
	if got := text(resp); !strings.Contains(got, "ngay khi có thể") || strings.Contains(got, "phút") {
		t.Fatalf("without officers at work no wait is promised: %q", got)
	}
	// Once an officer is at work, a newcomer gets an estimate: one officer,
	// busy, one conversation ahead → 6/2 + 1×6 = 9 minutes.
	first := must(r.desk.List(ctx, handoff.Filter{ChatID: "w-a"}))[0]
	must(r.desk.Claim(ctx, first.ID, an))
	resp = r.say(t, bot.ChannelWeb, "w-c", "gặp cán bộ")
	if got := text(resp); !strings.Contains(got, "vị trí số 2") || !strings.Contains(got, "khoảng 9 phút") {
		t.Fatalf("with an officer at work: %q", got)
	}
}

// TestFallbackOffersAnOfficer: a refusal carries "Gặp cán bộ"; after two in a
// row the bot proposes it in words too.
func TestFallbackOffersAnOfficer(t *testing.T) {
	r := newRig(t, storetest.New(t), tuesday10)
	first := r.say(t, bot.ChannelWeb, "w-fb", "xyzzy plugh")
	if first.Intent != bot.IntentFallback || !hasAction(first, bot.ActionHandoff) || strings.Contains(text(first), "trò chuyện với cán bộ") {
		t.Fatalf("first refusal: %q %+v", text(first), first.Replies)
	}
	second := r.say(t, bot.ChannelWeb, "w-fb", "qwerty asdf")
	if !strings.Contains(text(second), "trò chuyện với cán bộ") {
		t.Fatalf("second refusal: %q", text(second))
	}
	resp := r.press(t, bot.ChannelWeb, "w-fb", bot.ActionHandoff)
	if resp.Intent != bot.IntentHandoff {
		t.Fatalf("button: %+v", resp)
	}
}

func hasAction(r bot.Response, action string) bool {
	for _, rep := range r.Replies {
		for _, b := range rep.Buttons {
			if b.Action == action {
				return true
			}
		}
	}
	return false
}

func TestEraseChat(t *testing.T) {
	r := newRig(t, storetest.New(t), tuesday10)
	ctx := context.Background()
	r.say(t, bot.ChannelWeb, "w-erase", "làm hộ chiếu cần gì")
	r.say(t, bot.ChannelWeb, "w-erase", "gặp cán bộ")
	r.say(t, bot.ChannelWeb, "w-keep", "gặp cán bộ")
	counts, err := r.db.EraseChat(ctx, bot.ChannelWeb, "w-erase", "st_admin")
	if err != nil {
		t.Fatal(err)
	}
	if counts["conversations"] != 1 || counts["session"] != 1 {
		t.Fatalf("erased %v", counts)
	}
	if list := must(r.desk.List(ctx, handoff.Filter{})); len(list) != 1 || list[0].ChatID != "w-keep" {
		t.Fatalf("left %+v", list)
	}
	s, err := r.db.Sessions().LoadSession(ctx, bot.SessionKey(bot.ChannelWeb, "w-erase"))
	if err != nil || len(s.History) != 0 || s.Handoff != "" {
		t.Fatalf("session after erase: %+v %v", s, err)
	}
	audit, _ := r.db.StaffAudit().Recent(ctx, 5)
	if len(audit) == 0 || audit[0].Action != "erase_chat" || audit[0].Target != "web:w-erase" {
		t.Fatalf("audit %+v", audit)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestRetention: a closed conversation and its transcript are deleted by the
// store's sweeper once the retention has passed; open ones stay.
func TestRetention(t *testing.T) {
	db := storetest.New(t)
	r := newRig(t, db, tuesday10)
	r.desk.Retention = 24 * time.Hour
	ctx := context.Background()
	r.say(t, bot.ChannelWeb, "w-old", "gặp cán bộ")
	r.say(t, bot.ChannelWeb, "w-open", "gặp cán bộ")
	old := must(r.desk.List(ctx, handoff.Filter{ChatID: "w-old"}))[0]
	must(r.desk.Close(ctx, old.ID, an))
	if _, err := db.SweepExpired(ctx, r.clock.Now().Add(23*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.desk.Get(ctx, old.ID); err != nil {
		t.Fatalf("swept before its time: %v", err)
	}
	if _, err := db.SweepExpired(ctx, r.clock.Now().Add(25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.desk.Get(ctx, old.ID); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("closed conversation after its retention: %v", err)
	}
	if msgs, _ := db.Conversations().Messages(ctx, old.ID); len(msgs) != 0 {
		t.Fatalf("transcript left: %+v", msgs)
	}
	if list := must(r.desk.List(ctx, handoff.Filter{})); len(list) != 1 || list[0].ChatID != "w-open" {
		t.Fatalf("open conversations must stay: %+v", list)
	}
}
