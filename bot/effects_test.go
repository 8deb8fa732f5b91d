package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
)

// Fault-injecting ports: the session store fails as a shared MongoDB can
// (another instance saved first, a timeout), and the side-effect ports count
// what they were asked to do.

// faultySessions forces failures on the next saves, then passes them through.
type faultySessions struct {
	bot.SessionStore
	mu        sync.Mutex
	conflicts int   // next saves failing with ErrConflict (another instance saved first)
	fail      error // when set, every save fails with it (after the conflicts)
	saves     int
}

func (f *faultySessions) SaveSession(ctx context.Context, s *bot.Session) error {
	f.mu.Lock()
	f.saves++
	if f.conflicts > 0 {
		f.conflicts--
		f.mu.Unlock()
		// Another instance saved this session first: its version moves on.
		other, err := f.SessionStore.LoadSession(ctx, s.Key)
		if err != nil {
			return err
		}
		if other.Key == "" {
			other = bot.Session{Key: s.Key, Channel: s.Channel, ChatID: s.ChatID, CreatedAt: s.CreatedAt}
		}
		if err := f.SessionStore.SaveSession(ctx, &other); err != nil {
			return err
		}
		return fmt.Errorf("session %s: %w", s.Key, bot.ErrConflict)
	}
	fail := f.fail
	f.mu.Unlock()
	if fail != nil {
		return fail
	}
	return f.SessionStore.SaveSession(ctx, s)
}

func (f *faultySessions) set(conflicts int, fail error) {
	f.mu.Lock()
	f.conflicts, f.fail = conflicts, fail
	f.mu.Unlock()
}

// countingDossiers counts verifications, as the real service counts failed
// tries towards the lockout and writes one audit record per lookup.
type countingDossiers struct {
	mu      sync.Mutex
	lookups int
	subs    int
}

func (d *countingDossiers) Lookup(ctx context.Context, q bot.DossierQuery) (bot.DossierView, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lookups++
	return bot.DossierView{}, fmt.Errorf("dossier %s: %w", q.Code, bot.ErrNotFound)
}

func (d *countingDossiers) Subscribe(ctx context.Context, code, channel, chatID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.subs++
	return nil
}

type countingUnanswered struct {
	mu    sync.Mutex
	count int
}

func (u *countingUnanswered) RecordUnanswered(ctx context.Context, channel, text string, at time.Time) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.count++
	return nil
}

// peekInbox is a two-step inbox (bot.InboxPeeker); ack of an id taken before
// is ignored, like a duplicate key.
type peekInbox struct {
	mu     sync.Mutex
	queued []bot.InboxItem
	acks   int
}

func (p *peekInbox) Inbox(ctx context.Context, channel, chatID string) ([]bot.InboxItem, error) {
	panic("the engine must use the two-step inbox when it is offered")
}

func (p *peekInbox) PeekInbox(ctx context.Context, channel, chatID string) ([]bot.InboxItem, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]bot.InboxItem(nil), p.queued...), nil
}

func (p *peekInbox) AckInbox(ctx context.Context, ids []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.acks++
	for _, id := range ids {
		for i, it := range p.queued {
			if it.ID == id {
				p.queued = append(p.queued[:i], p.queued[i+1:]...)
				break
			}
		}
	}
	return nil
}

// takeInbox hands notifications over in one step (each once).
type takeInbox struct {
	mu     sync.Mutex
	queued []string
	calls  int
}

func (t *takeInbox) Inbox(ctx context.Context, channel, chatID string) ([]bot.InboxItem, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.calls++
	var out []bot.InboxItem
	for i, q := range t.queued {
		out = append(out, bot.InboxItem{ID: strconv.Itoa(i), Text: q})
	}
	t.queued = nil
	return out, nil
}

type effectsRig struct {
	engine     *bot.Engine
	sessions   *faultySessions
	dossiers   *countingDossiers
	unanswered *countingUnanswered
}

func newEffectsRig(t *testing.T, inbox bot.InboxSource) effectsRig {
	t.Helper()
	f := newEngine(t)
	ix := index(t)
	r := effectsRig{sessions: &faultySessions{SessionStore: f.db.Sessions()}, dossiers: &countingDossiers{}, unanswered: &countingUnanswered{}}
	e, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Procedures: ix, Sessions: r.sessions,
		Unanswered: r.unanswered, Feedback: f.db.Feedback(), Dossiers: r.dossiers, Inbox: inbox})
	if err != nil {
		t.Fatal(err)
	}
	r.engine = e
	return r
}

func (r effectsRig) handle(chat, text, action string) (bot.Response, error) {
	return r.engine.Handle(context.Background(), bot.Message{Channel: bot.ChannelWeb, ChatID: chat, Text: text, Action: action})
}

func TestTurnEffectsHappenOnceAcrossConflictRetries(t *testing.T) {
	r := newEffectsRig(t, nil)
	// A dossier code with wrong digits: one verification, counted once,
	// although the turn is computed three times.
	r.sessions.set(2, nil)
	resp, err := r.handle("c1", "tra cứu hồ sơ H57.22-241022-0015 sđt đuôi 1234", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.sessions.saves != 3 || r.dossiers.lookups != 1 {
		t.Fatalf("%d saves, %d lookups; want 3 saves and 1 lookup", r.sessions.saves, r.dossiers.lookups)
	}
	if resp.Intent != bot.IntentDossier {
		t.Fatalf("intent %s", resp.Intent)
	}
	// An unanswered question is recorded once, after the save.
	r.sessions.set(2, nil)
	if resp, err := r.handle("c2", "giá vàng hôm nay", ""); err != nil || resp.Intent != bot.IntentFallback {
		t.Fatalf("%v %v", resp.Intent, err)
	}
	if r.unanswered.count != 1 {
		t.Fatalf("unanswered recorded %d times, want 1", r.unanswered.count)
	}
}

func TestTurnEffectsAreDroppedWhenTheSaveFails(t *testing.T) {
	r := newEffectsRig(t, nil)
	for _, fail := range []error{context.DeadlineExceeded, errors.New("store: save session: connection reset")} {
		r.sessions.set(0, fail)
		if _, err := r.handle("c3", "giá vàng hôm nay", ""); err == nil {
			t.Fatal("Handle succeeded although the session was not saved")
		}
	}
	// Conflicts on every attempt: the turn fails, nothing is recorded.
	r.sessions.set(5, nil)
	if _, err := r.handle("c3", "giá vàng hôm nay", ""); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("err = %v, want a conflict", err)
	}
	if r.unanswered.count != 0 {
		t.Fatalf("unanswered recorded %d times for turns that were not saved", r.unanswered.count)
	}
	r.sessions.set(0, nil)
	if _, err := r.handle("c3", "giá vàng hôm nay", ""); err != nil || r.unanswered.count != 1 {
		t.Fatalf("after recovery: %v, recorded %d", err, r.unanswered.count)
	}
}

// TestInboxNotificationsAreHandedOverOnceAndNeverLost: picking up the inbox
// reads and writes no session (a store that fails on sessions does not stop
// it), and each notification is handed over once.
func TestInboxNotificationsAreHandedOverOnceAndNeverLost(t *testing.T) {
	in := &peekInbox{queued: []bot.InboxItem{{ID: "n1", Text: "Hồ sơ H57.22-241022-0015: Đã có kết quả"}, {ID: "n2", Text: "Hồ sơ H57.22-241022-0016: Đang xử lý"}}}
	r := newEffectsRig(t, in)
	r.sessions.set(0, context.DeadlineExceeded)
	resp, err := r.handle("w1", "", "inbox")
	if err != nil {
		t.Fatalf("the inbox needs no session: %v", err)
	}
	if len(resp.Replies) != 2 || !strings.Contains(resp.Replies[0].Text, "Đã có kết quả") || in.acks != 1 || len(in.queued) != 0 {
		t.Fatalf("replies %v, %d acks, %d left; want both delivered and taken once", resp.Replies, in.acks, len(in.queued))
	}
	// Nothing is delivered twice.
	if resp, _ := r.handle("w1", "", "inbox"); len(resp.Replies) != 0 {
		t.Fatalf("delivered again: %v", resp.Replies)
	}

	// A one-step inbox is asked once per pick-up.
	one := &takeInbox{queued: []string{"Hồ sơ H57.22-241022-0017: Yêu cầu bổ sung hồ sơ"}}
	r = newEffectsRig(t, one)
	r.sessions.set(2, nil)
	resp, err = r.handle("w2", "", "inbox")
	if err != nil || one.calls != 1 || len(resp.Replies) != 1 {
		t.Fatalf("one-step inbox: %v, %d calls, replies %v", err, one.calls, resp.Replies)
	}
}

// A question about where one's own file stands is answered by asking for its
// code, which the next message looks up; a question about how to look a file
// up oneself is answered with the lookup guide.
func TestOwnDossierQuestionAsksForItsCode(t *testing.T) {
	r := newEffectsRig(t, nil)
	for _, q := range []string{
		"hồ sơ sổ đỏ của tôi nộp 3 tháng rồi sao chưa có",
		"ba toi nop ho so tro cap 2 thang roi sao chua duoc duyet",
		"con ơi xem giúp bà hồ sơ căn cước nộp tháng trước giờ tới đâu rồi",
	} {
		resp, err := r.handle("own", q, "")
		if err != nil {
			t.Fatal(err)
		}
		if resp.Intent != bot.IntentDossier || resp.ProcedureID != "" || !strings.Contains(resp.Replies[0].Text, "mã hồ sơ") {
			t.Errorf("%q: intent %s, procedure %q, reply %q; want the dossier code asked for", q, resp.Intent, resp.ProcedureID, resp.Replies[0].Text)
		}
	}
	// The code, then the phone digits that prove the asker's right to see it.
	if resp, err := r.handle("own", "H57.22-241022-0015", ""); err != nil || !strings.Contains(resp.Replies[0].Text, "4 số cuối") {
		t.Fatalf("code answered with %v, %v", resp.Replies, err)
	}
	if _, err := r.handle("own", "1234", ""); err != nil {
		t.Fatal(err)
	}
	if r.dossiers.lookups != 1 {
		t.Errorf("%d lookups after the code and digits were sent, want 1", r.dossiers.lookups)
	}
	for _, q := range []string{
		"nộp hồ sơ 10 ngày rồi chưa thấy gì, tra cứu ở đâu",
		"Tôi nộp hồ sơ cấp lại căn cước 3 tuần chưa có, bình thường mất bao lâu vậy",
	} {
		resp, err := r.handle("how", q, "")
		if err != nil {
			t.Fatal(err)
		}
		if resp.Intent == bot.IntentDossier {
			t.Errorf("%q answered as a question about one's own file", q)
		}
	}
}
