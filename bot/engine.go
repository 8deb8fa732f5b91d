package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// ProcedureSource gives the procedures in force.
type ProcedureSource interface {
	// Procedure returns one procedure or an error wrapping ErrNotFound.
	Procedure(ctx context.Context, id string) (knowledge.Procedure, error)
	// All returns every procedure in force, sorted by id.
	All() []knowledge.Procedure
}

// UnansweredStore collects questions the bot could not answer, for staff.
type UnansweredStore interface {
	// RecordUnanswered counts one more occurrence of a question, grouped by its
	// normalized form.
	RecordUnanswered(ctx context.Context, channel, text string, at time.Time) error
}

// Feedback is a citizen's 👍/👎 on one answer.
type Feedback struct {
	Channel     string    `bson:"channel" json:"channel"`
	ChatID      string    `bson:"chat_id" json:"chat_id"`
	Seq         int64     `bson:"seq" json:"seq"`
	Vote        string    `bson:"vote" json:"vote"` // "up" or "down"
	Question    string    `bson:"question" json:"question"`
	Answer      string    `bson:"answer,omitempty" json:"answer,omitempty"` // the start of the reply voted on
	ProcedureID string    `bson:"procedure_id" json:"procedure_id"`
	Section     string    `bson:"section" json:"section"`
	At          time.Time `bson:"at" json:"at"`
}

// FeedbackStore keeps feedback.
type FeedbackStore interface {
	// SaveFeedback stores f; a second vote on the same answer replaces the first.
	SaveFeedback(ctx context.Context, f Feedback) error
}

// Config is what an Engine needs. Searcher, Procedures and Sessions are required.
type Config struct {
	Searcher   Searcher
	Procedures ProcedureSource
	Sessions   SessionStore
	Unanswered UnansweredStore // optional
	Feedback   FeedbackStore   // optional
	Dossiers   DossierService  // optional: dossier lookups are refused politely without it
	Inbox      InboxSource     // optional: notifications a pull channel (web) picks up
	Events     EventSink       // optional: one event per turn, for staff statistics
	Log        *slog.Logger
	Now        func() time.Time
	// DossierPattern recognises dossier codes in text; DefaultDossierPattern when nil.
	DossierPattern *regexp.Regexp
	// PortalURL is the national public-service portal.
	PortalURL string
	// Popular procedure ids offered in the menu.
	Popular []string
	// Normalizer expands chat shorthand and repairs typing noise before a
	// question is read (optional: questions are read as typed without it).
	Normalizer Normalizer
	// Offices is the province's directory of one-stop desks (optional: answers
	// about where to submit stay general without it).
	Offices OfficeDirectory
	// Handoff is the queue to officers (optional: without it a request for a
	// person gets the hotline and the one-stop desk).
	Handoff HandoffDesk
	// Topics tells which questions name a subject the knowledge base does
	// not cover (optional: without it such a check costs a second search).
	Topics TopicChecker
	// Scope judges whether a question asks something no how-to guide
	// answers (optional: without it every question a guide is found for is
	// answered).
	Scope ScopeJudge
	// Guides recognises how citizens word questions about each guide
	// (optional: without it a question the search is unsure of is declined
	// or asked back).
	Guides GuideJudge
	// Sections reads which part of a guide a question asks for, from how
	// citizens worded such questions before (optional: without it the cue
	// rules alone decide).
	Sections SectionJudge
	// English reads questions asked in English; the bundled glossary
	// (seed/english.yaml) when nil.
	English *knowledge.English
}

// TopicChecker finds the subjects a question names that the knowledge base
// does not cover, or that one procedure is not about.
type TopicChecker interface {
	// NotCovered returns the first such subject the question names, read as
	// the search reads it, or nil.
	NotCovered(question string) *NotCovered
	// Excludes reports whether the question, read as the search reads it,
	// names something the procedure id says it is not about.
	Excludes(id, question string) bool
}

// ScopeJudge reads what a question asks rather than what it is about.
type ScopeJudge interface {
	// AsksElse estimates, between 0 and 1, how likely the question asks
	// something no how-to guide answers although it may name a covered
	// procedure: who is right, what a court, an employer or another country
	// will do, whether something is punished, advice, predictions.
	AsksElse(question string) float64
}

// AsksElseLimit is the ScopeJudge estimate from which a question is not
// answered with a guide: the guide is offered instead, with what it does
// answer. Calibrated with tools/trainmodels on the tuning question sets,
// and with the models fitted on part of them and the engine measured on
// the rest: at 0.60 the refitted models answered more questions rightly and
// fewer wrongly on the unseen part than the old models at 0.70.
const AsksElseLimit = 0.60

// GuideJudge recognises which guide a question's wording resembles, from
// how citizens asked about each guide before.
type GuideJudge interface {
	// Resembles returns the guide and the probability that the question is
	// about it; "" when it resembles questions about no guide.
	Resembles(question string) (id string, p float64)
}

// SectionJudge reads which part of a guide a question asks for.
type SectionJudge interface {
	// SectionAsked returns the section (SectionDocuments, SectionFees, …,
	// SectionOverview) the question most likely asks for and its
	// probability; "" when it cannot tell.
	SectionAsked(question string) (section string, p float64)
}

// SectionAskedLimit is the SectionJudge probability from which its reading
// replaces the section the cue rules found, when both name a part of the
// guide (neither is the overview). Calibrated with tools/trainmodels on the
// tuning question sets.
const SectionAskedLimit = 0.9

// Recognition: a question the search is unsure of is answered with the guide
// its wording resembles when that guide's probability reaches
// ResemblesLimit and the search, reading the whole question, ranks it among
// its first ResemblesRank hits with nothing in the question against it; or
// when the probability reaches ResemblesFirstLimit and the search ranks the
// guide first with a confidence of at least ResemblesFirstConfidence: two
// readings agreeing. Calibrated with tools/trainmodels on the tuning
// question sets.
const (
	ResemblesLimit           = 0.99
	ResemblesRank            = 3
	ResemblesFirstLimit      = 0.8
	ResemblesFirstConfidence = 0.3
)

// CodeIndex links curated guides and official catalogue records by national
// procedure code. A ProcedureSource may implement it.
type CodeIndex interface {
	// CuratedFor returns the curated guide that explains an official code.
	CuratedFor(code string) (id string, ok bool)
	// OfficialFor returns the official record with this code.
	OfficialFor(code string) (id string, ok bool)
}

// RelatedIndex finds the procedures an official record stands beside. A
// ProcedureSource may implement it.
type RelatedIndex interface {
	// Related returns up to n other official records about the same thing as
	// the record id (another action, another case), best first; none for a
	// curated guide.
	Related(id string, n int) []knowledge.Procedure
}

// maxRelated is how many of an official record's related records are offered
// as buttons beside its answer.
const maxRelated = 3

// Normalizer rewrites a question the way search reads it.
type Normalizer interface {
	// Normalize returns q with shorthand expanded ("bn" → "bao nhiêu") and
	// typing noise repaired, as lower-case words; it is idempotent.
	Normalize(q string) string
}

// MaxTextRunes bounds the text the engine reads from one message.
const MaxTextRunes = 1000

// Engine holds conversations. It is safe for concurrent use; messages of one chat
// are handled one at a time, in arrival order within this process, and sessions
// are saved with compare-and-set so that several processes stay consistent.
type Engine struct {
	cfg    Config
	log    *slog.Logger
	locks  keyedMutex
	online sync.Map // procedure id → onlineMemo, see Engine.onlineTopic
}

// New returns an engine or an error naming the missing dependency.
func New(cfg Config) (*Engine, error) {
	switch {
	case cfg.Searcher == nil:
		return nil, errors.New("bot: Searcher is required")
	case cfg.Procedures == nil:
		return nil, errors.New("bot: Procedures is required")
	case cfg.Sessions == nil:
		return nil, errors.New("bot: Sessions is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DossierPattern == nil {
		cfg.DossierPattern = defaultDossierRe
	}
	if cfg.PortalURL == "" {
		cfg.PortalURL = "https://dichvucong.gov.vn"
	}
	if len(cfg.Popular) == 0 {
		cfg.Popular = []string{"cap-doi-cap-lai-the-can-cuoc", "dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-ho-chieu", "doi-giay-phep-lai-xe", "ly-lich-tu-phap"}
	}
	if cfg.English == nil {
		g, err := knowledge.LoadSeedEnglish()
		if err != nil {
			return nil, fmt.Errorf("bot: English glossary: %w", err)
		}
		cfg.English = &g
	}
	return &Engine{cfg: onceEffects(cfg), log: cfg.Log}, nil
}

// Handle answers one message. The error wraps ErrInvalid for a message without a
// channel or chat id; store failures are returned as errors too (the caller
// should answer with a generic apology). Text longer than MaxTextRunes is cut.
func (e *Engine) Handle(ctx context.Context, m Message) (Response, error) {
	if m.Channel == "" || m.ChatID == "" || len(m.ChatID) > 128 || len(m.Channel) > 32 {
		return Response{}, fmt.Errorf("%w: a message needs a channel and a chat id of at most 128 bytes", ErrInvalid)
	}
	m.Text = vntext.Clean(m.Text)
	if utf8.RuneCountInString(m.Text) > MaxTextRunes {
		m.Text = string([]rune(m.Text)[:MaxTextRunes])
	}
	m.Action = strings.TrimSpace(m.Action)
	if m.At.IsZero() {
		m.At = e.cfg.Now()
	}
	key := SessionKey(m.Channel, m.ChatID)
	unlock := e.locks.lock(key)
	defer unlock()
	ctx, fx := withTurnEffects(ctx) // effects once per turn, however often it is retried (effects.go)
	if m.Action == "inbox" {
		// Picking up notifications changes nothing in the conversation: no
		// session is read or written (pages poll this while an officer answers).
		resp := e.inbox(ctx, m)
		fx.commit(ctx, e.log)
		return resp, nil
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := e.cfg.Sessions.LoadSession(ctx, key)
		if err != nil {
			return Response{}, fmt.Errorf("bot: load session: %w", err)
		}
		if s.Key == "" {
			s = Session{Key: key, Channel: m.Channel, ChatID: m.ChatID, CreatedAt: m.At}
		}
		resp := e.respond(ctx, &s, m)
		s.UpdatedAt = m.At
		s.ExpiresAt = m.At.Add(SessionTTL)
		if resp.Candidates == nil {
			resp.Candidates = []string{}
		}
		err = e.cfg.Sessions.SaveSession(ctx, &s)
		if err == nil {
			fx.commit(ctx, e.log)
			if e.cfg.Events != nil && m.Action != "inbox" {
				ev := TurnEvent{At: m.At, Channel: m.Channel, ChatID: m.ChatID, Intent: resp.Intent, ProcedureID: resp.ProcedureID, Section: resp.Section, NewConversation: s.Version == 1}
				if err := e.cfg.Events.RecordTurn(ctx, ev); err != nil {
					e.log.Warn("record turn", "err", err)
				}
			}
			return resp, nil
		}
		fx.discard()
		lastErr = err
		if !errors.Is(err, ErrConflict) {
			break
		}
	}
	return Response{}, fmt.Errorf("bot: save session: %w", lastErr)
}

// respond decides what to say and updates the session in memory.
func (e *Engine) respond(ctx context.Context, s *Session, m Message) Response {
	r, handled, noteBot := e.handoffTurn(ctx, s, m)
	if !handled {
		r = e.respondBot(ctx, s, m)
	}
	switch r.Intent {
	case IntentFallback:
		s.Misses++
		if e.cfg.Handoff != nil && len(r.Replies) > 0 {
			last := &r.Replies[len(r.Replies)-1]
			if s.Misses >= 2 {
				if r.Language == "en" {
					last.Text += "\n\nI could not answer your last questions. Would you like to talk to an officer?"
				} else {
					last.Text += "\n\nTôi chưa trả lời được các câu hỏi vừa rồi của bạn. Bạn có muốn trò chuyện với cán bộ không?"
				}
			}
			last.Buttons = append(last.Buttons, Button{Label: "Gặp cán bộ", Action: ActionHandoff})
		}
	case IntentProcedure, IntentDossier:
		if m.Action != "inbox" {
			s.Misses = 0
		}
	}
	if noteBot && s.Handoff != "" {
		var texts []string
		for _, rep := range r.Replies {
			texts = append(texts, rep.Text)
		}
		e.noteHandoff(ctx, s.Handoff, FromBot, excerpt(strings.Join(texts, "\n\n"), maxAnswerExcerpt), m.At.Add(time.Millisecond))
	}
	return r
}

// respondBot is the bot's own answer to a message.
func (e *Engine) respondBot(ctx context.Context, s *Session, m Message) Response {
	if r, ok := e.officeTurn(ctx, s, m); ok {
		return r
	}
	if m.Action != "" {
		return e.handleAction(ctx, s, m)
	}
	if m.Text == "" {
		return e.help(s, "Bạn hãy gõ câu hỏi về thủ tục cần làm, ví dụ: “làm lại căn cước cần giấy tờ gì”.")
	}
	if code := e.cfg.DossierPattern.FindString(m.Text); code != "" {
		return e.dossierCode(ctx, s, m, strings.ToUpper(code))
	}
	if s.Pending == PendingDossierPhone {
		if digits, ok := lastFourDigits(m.Text); ok {
			return e.dossierVerify(ctx, s, m, digits)
		}
	}
	if cmd, arg := command(m.Text); cmd != "" {
		return e.handleCommand(ctx, s, m, cmd, arg)
	}
	q, w := e.read(m.Text)
	switch {
	case isOnly(greetingCues, w, false):
		s.Pending = PendingNone
		return e.menu(s, IntentGreeting, "Xin chào! Tôi là trợ lý hướng dẫn thủ tục hành chính và dịch vụ công trực tuyến.")
	case isOnly(helpCues, w, false):
		s.Pending = PendingNone
		return e.help(s, "")
	case isOnly(thanksCues, w, true) || thanksFirst(w, m.Text):
		return Response{Intent: IntentGreeting, Replies: []Reply{{Text: "Rất vui được giúp bạn! Bạn cần hỏi thêm thủ tục nào cứ nhắn nhé."}}}
	}
	if r, ok := e.noDirectory(ctx, s, m, w); ok {
		return r
	}
	if s.Pending == PendingDossierCode {
		s.Pending = PendingNone // a question instead of a code: answer the question
	}
	if rest := withoutPleasantry(m.Text); rest != m.Text {
		// "chào ad, …": the greeting is not part of what is asked, and its
		// words would only dilute the evidence for the procedure.
		m.Text = rest
		q, w = e.read(rest)
	}
	return e.answerQuestion(ctx, s, m, q, w)
}

// read returns text as the engine reads a question: with chat shorthand
// expanded, and its words, marked as typed with or without diacritics and
// with the part that asks (askingPart) noted.
func (e *Engine) read(text string) (string, words) {
	q := e.normalize(text)
	w := splitWords(q)
	// Whether the citizen typed marks is a property of what they typed, not of
	// the expansions the normaliser wrote ("ntn" → "như thế nào").
	w.literal = splitWords(text).literal
	if part := askingPart(text); part != text {
		w.markAsked(splitWords(e.normalize(part)))
	}
	return q, w
}

// answerQuestion handles a question about procedures, in the context of s. It
// answers a procedure only when the search is confident in it; it asks back
// when two or more procedures are plausible, and otherwise declines politely.
func (e *Engine) answerQuestion(ctx context.Context, s *Session, m Message, q string, w words) Response {
	if looksEnglish(q) || looksEnglish(m.Text) || e.namesInEnglish(m.Text) || e.chatEnglish(m.Text) {
		// As typed too: the normaliser may write a place in Vietnamese
		// ("Vietnam" → "Việt Nam").
		return e.english(ctx, s, m)
	}
	if asksOwnDossier(w) {
		return e.ownDossier(s, m)
	}
	// Each distinct text is searched once per turn: a question without a
	// section cue is its own stripped form, and the whole question may be
	// needed twice below.
	searched := map[string]SearchResult{}
	search := func(text string) (SearchResult, error) {
		if r, ok := searched[text]; ok {
			return r, nil
		}
		r, err := e.searchWithin(ctx, text, m.Text)
		if err == nil {
			searched[text] = r
		}
		return r, err
	}
	stripped := stripSectionCues(w)
	res, err := search(stripped)
	if err != nil {
		e.log.ErrorContext(ctx, "search failed", "err", err)
	}
	if res.Confident && e.excludes(res.Hits[0].ID, q) {
		// The words a section cue took may be what the answer is not about
		// ("giấy phép xây dựng có thời hạn": "thời hạn" reads as the time):
		// the whole question decides.
		if full, err := search(q); err == nil {
			res = full
		}
	}
	if res.Confident && stripped != q && (res.Hits[0].Confidence < sureConfidence || res.Hits[0].Evidence.Residual > 0) {
		// A section cue may have taken a word of a name ("nộp thuế" in "hộ
		// kinh doanh có phải nộp thuế không" is the business tax, not the
		// registration): a procedure the whole question names whole, or is
		// sure of, and trusts more wins. A hit the search is sure of yields
		// only to a name the whole question reads with more of its words
		// ("chi phí" in "hỗ trợ chi phí học tập" is no fee), and is not
		// second-guessed when it explains every word left (the turn is
		// spared a search).
		if full, err := search(q); err == nil && full.Confident && full.Hits[0].ID != res.Hits[0].ID &&
			(full.Hits[0].Evidence.FullName || full.Hits[0].Confidence >= sureConfidence) && full.Hits[0].Confidence > res.Hits[0].Confidence &&
			(res.Hits[0].Confidence < sureConfidence || full.Hits[0].Evidence.FullName && full.Hits[0].Evidence.NameFit >= 0.99 && full.Hits[0].Evidence.Anchor > res.Hits[0].Evidence.Anchor) {
			res = full
		}
	}
	// Whether the whole question names an uncovered subject, asked at most
	// once a turn.
	uncovered := sync.OnceValue(func() bool { return e.notCovered(q) })
	if res.Confident && (e.cfg.Topics == nil || uncovered()) {
		// The words a section cue took may say the question is about a
		// subject the guides do not cover ("phạt bao nhiêu" is the amount of
		// a fine, not how to pay one): the whole question decides.
		if full, err := search(q); err == nil && full.NotCovered != nil && len(full.Hits) > 0 &&
			(full.Hits[0].ID == res.Hits[0].ID || excludedIn(full, res.Hits[0].ID)) && !full.Confident {
			// The same when the whole question says it asks something the
			// hit does not answer ("có bao nhiêu hộ nghèo" is a statistic).
			res = full
		}
	}
	if !res.Confident && s.Topic == "" {
		if full, err := search(q); err == nil && full.Confident {
			res = full
		}
	}
	section := detectSection(w, words{}, false)
	if genericQuestion(res) {
		// The words a section cue took may have been a name ("nộp hồ sơ trực tuyến").
		if full, err := search(q); err == nil && full.Confident && full.Hits[0].Evidence.FullName {
			res = full
		}
	}
	if s.Topic == "" && refersBack(w) && !namesProcedure(res) && !(res.Confident && pointsBackWithin(w)) {
		// "thủ tục này", "hồ sơ này" with nothing under discussion: the
		// citizen means a procedure the bot has not been told, unless the
		// message told it before pointing back ("… giấy xác nhận số chứng
		// minh cũ …, xin giấy đó ở đâu?") and the search is confident of it.
		return e.askWhich(ctx, s, m)
	}
	if genericQuestion(res) {
		// Nothing in the question names a procedure: answer the topic under
		// discussion, or ask which procedure is meant.
		if s.Topic != "" {
			if p, err := e.cfg.Procedures.Procedure(ctx, s.Topic); err == nil {
				if section := e.sectionOf(w, p); section != "" {
					return e.answer(ctx, s, m, p, section, res)
				}
			}
		}
		if section != "" || len(res.Hits) == 0 {
			return e.askWhich(ctx, s, m)
		}
		return e.fallback(ctx, s, m, SearchResult{})
	}
	if res.Confident && res.NotCovered == nil {
		// In a long message the clause that asks names the procedure; a story
		// clause may name another with more words ("chưa có thẻ căn cước gắn
		// chip … cấp hộ chiếu lần đầu thì làm ở đâu?").
		if one, ok := e.askedClause(m.Text, search); ok && one.Hits[0].ID != res.Hits[0].ID && !surerThan(res, one) &&
			!refines(res.Hits[0].Title, one.Hits[0].Title) && !e.excludes(one.Hits[0].ID, q) {
			// A scene that makes the asked procedure a particular one of it
			// ("sắp lấy chồng người Hàn Quốc, đăng ký kết hôn làm ở xã được
			// không") keeps that one, and so does a message that says the
			// clause's procedure is not what it is about ("sau sáp nhập tỉnh
			// địa chỉ trên cccd đổi rồi, có phải làm lại cccd không").
			res = one
		} else if _, one, ok := e.thenAnswer(m.Text, search); ok && one.Hits[0].ID != res.Hits[0].ID && !surerThan(res, one) &&
			!refines(res.Hits[0].Title, one.Hits[0].Title) && !e.excludes(one.Hits[0].ID, q) {
			// The same after the last "thì": "con chưa có hộ khẩu ở đây thì
			// đăng ký vào lớp 6 được không" asks about the school. A scene
			// that makes the asked procedure a particular one of it ("lấy
			// chồng Hàn Quốc thì đăng ký kết hôn ở đâu") keeps that one.
			res = one
		}
	}
	for _, cut := range situationCuts {
		// A procedure given as the reason ("đổi căn cước vì chuyển hộ khẩu
		// sang tỉnh khác có mất tiền không") or a paper the asker has ("bố
		// mẹ chỉ có tạm trú thì con có đăng ký vào lớp 1 được không") is
		// the situation, not what is asked: the message without it answers
		// alone.
		if !res.Confident || res.NotCovered != nil {
			break
		}
		if _, one, ok := e.answeredAlone(cut(m.Text), search); ok && one.Hits[0].ID != res.Hits[0].ID && !surerThan(res, one) &&
			!refines(res.Hits[0].Title, one.Hits[0].Title) && !e.excludes(one.Hits[0].ID, q) {
			res = one
		}
	}
	if res.Confident && res.NotCovered == nil {
		// A procedure already done ("đã ly hôn rồi thì xin giấy xác nhận
		// tình trạng hôn nhân ở đâu") is the story; the one asked after it
		// is the question, unless the message says it is not about that one
		// ("sáp nhập xã rồi thì sổ đỏ cũ có phải đổi không").
		if one, story, ok := e.doneAnswer(m.Text, search); ok && one.Hits[0].ID != res.Hits[0].ID && !e.excludes(one.Hits[0].ID, q) {
			res = one
		} else if one, ok := e.leftToDo(m.Text, story, res, search); ok && !e.excludes(one.Hits[0].ID, q) {
			res = one
		}
	}
	if res.Confident && res.NotCovered == nil {
		// Submitting online names the portal's guide; a procedure named
		// beside it is what is asked about ("nộp hồ sơ sang tên đất qua
		// mạng được không").
		if one, ok := e.usageAnswer(m.Text, res, search); ok && !e.excludes(one.Hits[0].ID, q) {
			res = one
		}
	}
	if res.Confident && res.NotCovered == nil {
		// The procedure asked for to reach another ("xin mã số thuế cho mẹ
		// để đăng ký người phụ thuộc") is the question; the purpose is why.
		if one, ok := e.meansAnswer(m.Text, res.Hits[0].ID, search); ok && !e.excludes(one.Hits[0].ID, q) {
			res = one
		}
	}
	if res.Confident && res.NotCovered == nil {
		// A paper asked about as a need of a procedure named before ("đăng
		// ký kết hôn có cần xác nhận tình trạng hôn nhân không") asks about
		// that procedure's papers, not how to get the paper.
		if one, ok := e.needsAnswer(m.Text, res, search); ok && !e.excludes(one.Hits[0].ID, q) {
			res = one
		}
	}
	if len(res.Hits) > 0 && res.NotCovered == nil {
		// Where someone lives ("hộ khẩu ở xa", "thường trú ở quê", "gần
		// chỗ tạm trú") is the scene of a question about another procedure,
		// not a question about registering residence: when the message
		// without it is answered alone, that answer is the question's.
		if one, ok := e.statusAnswer(m.Text, res, search); ok && one.Hits[0].ID != res.Hits[0].ID && !e.excludes(one.Hits[0].ID, q) {
			res = one
		}
	}
	if res.Confident && res.Hits[0].Evidence.OffTopic && uncovered() && !e.askedNames(m.Text, res.Hits[0].ID, search) {
		// The message names a subject the guides do not cover beside a
		// procedure it names whole, and the part that asks does not name
		// the procedure: the procedure is the story ("ly hôn rồi mà chồng
		// cũ vẫn đến quấy rối thì tôi gọi ai").
		res.Confident = false
	}
	if res.Confident {
		top := res.Hits[0]
		if s.Topic == top.ID || !ambiguous(res) {
			if p, err := e.cfg.Procedures.Procedure(ctx, top.ID); err == nil {
				section := e.sectionOf(w, p)
				if section == "" && s.Section != "" && isFollowUp(w) {
					section = s.Section
				}
				return e.answer(ctx, s, m, p, section, res)
			}
		} else {
			if one, ok := e.recognised(q, search); ok {
				// Of the close candidates, the question is worded as
				// citizens ask about this one.
				if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
					return e.answer(ctx, s, m, p, e.sectionOf(w, p), one)
				}
			}
			return e.disambiguate(s, m, res, section)
		}
	}
	// Not confident: a follow-up about the topic under discussion is answered.
	if s.Topic != "" && isFollowUp(w) {
		if p, err := e.cfg.Procedures.Procedure(ctx, s.Topic); err == nil {
			if section := e.sectionOf(w, p); section != "" {
				return e.answer(ctx, s, m, p, section, res)
			}
		}
	}
	// When the whole message names a subject the guides do not cover (a cue
	// may have hidden it from the search: "viện phí"), a clause answers only
	// if it names that subject itself and is answered all the same ("ngân
	// hàng bảo phải đăng ký thế chấp"), not a clause of the story around it.
	// Nor does a clause answer with a procedure the whole message says it is
	// not about ("hàng xóm hát karaoke … phản ánh ở đâu").
	// Nor with one the whole message, searched as typed, says it does not
	// ask about ("… có phải thi lại không, phục hồi điểm kiểu gì"); search
	// keeps the whole message's result for the turn, and a failed search
	// excludes nothing.
	wholeExcludes := func(id string) bool {
		full, err := search(q)
		return err == nil && excludedIn(full, id)
	}
	// namesUncoveredAlike: a clause may answer while the whole message
	// names an uncovered subject only if it names one itself.
	namesUncoveredAlike := func(one SearchResult) bool { return !uncovered() || e.notCovered(one.Query) }
	clauseMay := func(one SearchResult) bool {
		return !e.excludes(one.Hits[0].ID, q) && !wholeExcludes(one.Hits[0].ID) && namesUncoveredAlike(one)
	}
	clausesMayAnswer := res.NotCovered == nil && len(res.Hits) > 0
	if clausesMayAnswer {
		// What was done before is the story ("sổ BHXH ghi sai họ tên sau khi
		// cải chính hộ tịch thì sửa ở đâu"): the message without it answers
		// alone with a procedure the whole message finds among its first few.
		// A scene may make it a particular kind of it ("… người Hàn quen
		// nhau 3 năm rồi, giờ đăng ký kết hôn"): the whole message's first
		// hit stays, unless the story is a procedure done ("khai tử cho mẹ
		// xong rồi, giờ xóa thường trú").
		if one, story, ok := e.doneAnswer(m.Text, search); ok && clauseMay(one) && amongFirst(res, one.Hits[0].ID, 3) &&
			(one.Hits[0].ID == res.Hits[0].ID || !refines(res.Hits[0].Title, one.Hits[0].Title) || e.storyNamed(story, search)) {
			if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
				return e.answer(ctx, s, m, p, e.sectionOf(w, p), one)
			}
		}
	}
	if clausesMayAnswer {
		// The whole message must rank the clause's procedure first, and find
		// it at least somewhat plausible (clauseFloor): a clause of a
		// message about something else ("ông chủ tịch xã mới tên gì, sđt
		// bn") does not answer for it.
		if one, ok := clauseAnswer(m.Text, search); ok && wholeRanksFirst(res, one) && clauseMay(one) {
			if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
				return e.answer(ctx, s, m, p, e.sectionOf(w, p), one)
			}
		}
	}
	if clausesMayAnswer {
		// The clauses that ask may name a procedure the story around them
		// outweighs ("bé chưa có căn cước … làm hộ chiếu cho bé cần gì").
		if one, ok := e.askedClause(m.Text, search); ok && clauseMay(one) && !wholeNamesOther(res, one) {
			if top := res.Hits[0]; top.ID != one.Hits[0].ID && top.Confidence >= refinedConfidence && refines(top.Title, one.Hits[0].Title) && !top.Evidence.OffTopic && !top.Evidence.Excluded {
				// The story makes the asked procedure a particular kind of
				// it ("bạn trai người Hàn … đăng ký kết hôn ở đâu"): the
				// whole message ranks that kind first, with some confidence.
				one = res
			}
			if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
				return e.answer(ctx, s, m, p, e.sectionOf(w, p), one)
			}
		}
	}
	if len(res.Hits) > 0 {
		// The words before the last "thì" set the scene; what follows it is
		// asked ("mua chung cư trả góp, chưa có sổ hồng thì có nhập hộ khẩu
		// vô đó được không"). The whole message must rank its procedure first.
		if rest, one, ok := e.thenAnswer(m.Text, search); ok && wholeRanksFirst(res, one) && clauseMay(one) {
			if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
				return e.answer(ctx, s, m, p, e.sectionOf(rest, p), one)
			}
		}
	}
	if len(res.Hits) > 0 && res.Hits[0].Confidence >= corroborated && !res.Hits[0].Evidence.Excluded && !officialAmong(res, 3) {
		// A subject the guides do not cover may be the asker's story
		// ("quân nhân xuất ngũ … thì bao nhiêu tuổi được hưởng lương hưu"),
		// when the part that asks does not name it and names the procedure
		// whole: "tài khoản shopee bị khóa thì mở lại thế nào" asks about
		// the subject of the story. A message that says the hit is not
		// what it asks about (Excluded: "năm nay có bao nhiêu thí sinh
		// đăng ký thi tốt nghiệp") is not corroborated by any part of it.
		alone := e.answeredAlone
		if uncovered() {
			alone = e.namedAlone
		}
		if part := askingPart(m.Text); part != m.Text && (!uncovered() || !e.notCovered(e.normalize(part))) {
			if _, one, ok := alone(part, search); ok && one.Hits[0].ID == res.Hits[0].ID && !e.excludes(one.Hits[0].ID, q) {
				if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
					return e.answer(ctx, s, m, p, e.sectionOf(w, p), one)
				}
			}
		}
	}
	if main, side, ok := sideQuestion(m.Text); ok && uncovered() {
		// A side question after the one that asks, opened by "mà",
		// "nhân tiện", "tiện hỏi" ("… Phí đăng ký bao nhiêu? Mà ngân hàng
		// nào lãi thấp nhất"), names the subject the guides do not cover:
		// the question before it is answered when it names one guide alone,
		// and the reply says where the side question is handled. (uncovered
		// holds only with the not-covered topics configured.)
		if nc, asked := e.cfg.Topics.NotCovered(e.normalize(side)), e.normalize(main); nc != nil && !e.notCovered(asked) {
			if w, one, ok := e.namedAlone(main, search); ok && !e.excludes(one.Hits[0].ID, asked) {
				if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
					resp := e.answer(ctx, s, m, p, e.sectionOf(w, p), one)
					if nc.Help != "" && len(resp.Replies) > 0 {
						resp.Replies[0].Text += "\n\nCâu hỏi thêm của bạn (" + nc.Name + ") không thuộc các thủ tục mình hướng dẫn. " + nc.Help
					}
					return resp
				}
			}
		}
	}
	if qs := questionSentence(m.Text); qs != "" && len(res.Hits) > 0 && res.NotCovered == nil {
		// A story told in sentences before the one that asks ("… giấy phạt
		// nguội gửi về nhà tôi. Tức ghê. Thủ tục sang tên xe gồm những bước
		// nào?"): the asking sentence names its guide whole and the search
		// is sure of it alone, and the whole message finds it among its
		// first few.
		// What the story says the guide is not about ("Em bị mất hộ chiếu
		// ở Nhật, về nước bằng giấy thông hành rồi. Giờ trình báo mất hộ
		// chiếu ở đâu?") does not hold against a sentence that names it
		// whole with three syllables or more and says nothing against it
		// itself.
		storyOnly := func(one SearchResult) bool {
			return one.Hits[0].Evidence.Anchor >= 3 && !e.excludes(one.Hits[0].ID, e.normalize(qs)) && namesUncoveredAlike(one)
		}
		if _, one, ok := e.namedAlone(qs, search); ok && one.Hits[0].Confidence >= sureConfidence && one.Hits[0].Evidence.FullName &&
			amongFirst(res, one.Hits[0].ID, 3) && (clauseMay(one) || storyOnly(one)) {
			if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
				return e.answer(ctx, s, m, p, e.sectionOf(w, p), one)
			}
		}
	}
	// A story told in sentences before the one that asks, in the words
	// before its last "thì", or in a clause beside one that asks ("…
	// online được không, sợ bị lừa qua dịch vụ ngoài"), may name a subject
	// the guides do not cover
	// ("Sau vụ tai nạn viện phí cả trăm triệu … Giờ mua bảo hiểm y tế hộ gia
	// đình thì một người đóng bao nhiêu?"): the part that asks, which names
	// no such subject, names its guide whole (three syllables or more) and
	// the search is sure of it alone, and the whole message ranks it among
	// its first few and does not say it is about something else. A sentence
	// that asks what no guide answers ("Theo anh chị thì mấy năm nữa …")
	// answers nothing.
	if parts, whole := e.askedParts(m.Text); len(parts) > 0 && uncovered() && !e.asksBeyondGuide(cmp.Or(questionSentence(m.Text), m.Text)) {
		for i, qs := range parts {
			if e.notCovered(e.normalize(qs)) {
				continue
			}
			if _, one, ok := e.namedAlone(qs, search); ok && one.Hits[0].Confidence >= sureConfidence && one.Hits[0].Evidence.FullName && one.Hits[0].Evidence.Anchor >= 3 &&
				amongFirst(res, one.Hits[0].ID, 3) && !e.excludes(one.Hits[0].ID, q) && !wholeExcludes(one.Hits[0].ID) &&
				(res.Hits[0].ID == one.Hits[0].ID || !refines(res.Hits[0].Title, one.Hits[0].Title)) && (i < whole || !officialAmong(res, 3)) {
				// A scene that makes the part's procedure a particular kind
				// of it ("cưới vợ người Đài Loan …, đăng ký kết hôn làm ở
				// đâu") is not overruled by the part.
				if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
					return e.answer(ctx, s, m, p, e.sectionOf(w, p), one)
				}
			}
		}
	}
	if rest, one, ok := e.purposeAnswer(m.Text, search); ok {
		// What the paper is for ("… để làm thủ tục ngân hàng") is not what
		// is asked for, unless the question ends inside the purpose
		// ("chuyển hộ khẩu để đi học cần giấy tờ gì"): when the words left
		// ask for nothing, the whole question's cues say what it asks.
		if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
			section := e.sectionOf(rest, p)
			if section == "" {
				section = e.sectionOf(w, p)
			}
			return e.answer(ctx, s, m, p, section, one)
		}
	}
	if one, ok := e.recognised(q, search); ok {
		if p, err := e.cfg.Procedures.Procedure(ctx, one.Hits[0].ID); err == nil {
			return e.answer(ctx, s, m, p, e.sectionOf(w, p), one)
		}
	}
	if plausible := plausibleHits(res); len(plausible) >= 2 {
		res.Hits = plausible
		return e.disambiguate(s, m, res, section)
	}
	if shared := sharedThing(res); len(shared) >= 2 {
		// "làm căn cước ở đâu": the question names only what several
		// procedures share; ask which one rather than say nothing fits.
		res.Hits = shared
		return e.disambiguate(s, m, res, section)
	}
	return e.fallback(ctx, s, m, res)
}

// recognised returns the whole question's search result with the guide the
// question's wording resembles put first, when the guide judge is sure of it
// (ResemblesLimit) and the search ranks it among its first ResemblesRank
// hits, or the judge finds it likely (ResemblesFirstLimit) and the search
// ranks it first with some confidence (ResemblesFirstConfidence); either
// way with no negative evidence (not off topic, not excluded).
func (e *Engine) recognised(q string, search func(string) (SearchResult, error)) (SearchResult, bool) {
	if e.cfg.Guides == nil {
		return SearchResult{}, false
	}
	id, p := e.cfg.Guides.Resembles(q)
	if id == "" || p < ResemblesFirstLimit {
		return SearchResult{}, false
	}
	full, err := search(q)
	if err != nil {
		return SearchResult{}, false
	}
	for i, h := range full.Hits {
		if i >= ResemblesRank {
			break
		}
		agreed := p >= ResemblesLimit || (i == 0 && h.Confidence >= ResemblesFirstConfidence)
		if h.ID == id && agreed && !h.Evidence.OffTopic && !h.Evidence.Excluded {
			hits := append([]SearchHit{h}, slices.Delete(slices.Clone(full.Hits), i, i+1)...)
			full.Hits = hits
			return full, true
		}
	}
	return SearchResult{}, false
}

// sharedThing returns the hits (at most 3, best first) that each explain the
// whole question (coverage of at least sharedCoverage) while none is
// plausible enough to ask about on its own: the question names a thing
// several procedures share and nothing else ("làm căn cước ở đâu" fits the
// first card and its re-issue alike). Nil when the question names an
// uncovered subject or fewer than two hits qualify.
func sharedThing(res SearchResult) []SearchHit {
	if res.NotCovered != nil {
		return nil
	}
	var out []SearchHit
	for _, h := range res.Hits {
		if len(out) == 3 {
			break
		}
		if h.Coverage >= sharedCoverage && h.Plausibility >= suggestConfidence && !h.Evidence.OffTopic && !h.Evidence.Excluded {
			out = append(out, h)
		}
	}
	return out
}

// sharedCoverage is the share of a question a hit must explain to be offered
// as one of the procedures that share what it names.
const sharedCoverage = 0.95

// Long messages tell a story around the question. clauseMinWords is the
// length (in syllables) from which a message is also read clause by clause,
// and at most maxClauses clauses are searched.
const (
	clauseMinWords = 16
	maxClauses     = 6
)

// clauseAnswer reads a long message one clause at a time (sentences and their
// comma-separated parts): a story dilutes the evidence of the one clause that
// names the procedure ("Vợ chồng tôi cưới năm 2015, có 2 con, … Tôi muốn ly
// hôn thì cần những giấy tờ gì?"). It returns the search result of a clause
// the search is confident about, when every confident clause names the same
// procedure without a close rival; otherwise ok is false. A clause about what
// was already done ("đã đăng ký kết hôn từ năm 2023") is the story, not the
// question, and is not read.
func clauseAnswer(text string, search func(string) (SearchResult, error)) (SearchResult, bool) {
	return agreeingClauses(text, search,
		func(c string) bool { i, _ := pastCues.find(splitWords(c)); return i < 0 },
		func(SearchResult) bool { return true })
}

// askedClause reads a long message's question clauses alone: the clauses that
// ask something ("làm hộ chiếu cho 2 bé thì cần những giấy tờ gì") rather
// than tell the story around it ("bé nhỏ mới 3 tuổi chưa có căn cước"). It
// returns the search result when every confident question clause that names
// a procedure (a name of it stands whole in the clause) names the same one
// without a close rival; otherwise ok is false. A clause asks in chat
// shorthand too ("làm hộ chiếu ở Đồng Nai dc hok"): its cues are read with
// the shorthand expanded.
func (e *Engine) askedClause(text string, search func(string) (SearchResult, error)) (SearchResult, bool) {
	return agreeingClauses(text, search,
		func(c string) bool { return asks(e.normalize(c)) },
		namesProcedure)
}

// asks reports whether clause c asks something (askCues).
func asks(c string) bool {
	return firstCue(askCues, c) >= 0
}

// agreeingClauses searches the clauses of a long message (at least
// clauseMinWords syllables) that read accepts, at most maxClauses of them, and
// returns the most confident result when every clause the search is confident
// about, without a close rival and with a result counts accepts, names the
// same procedure; otherwise ok is false.
func agreeingClauses(text string, search func(string) (SearchResult, error), read func(string) bool, counts func(SearchResult) bool) (SearchResult, bool) {
	if len(splitWords(text).fold) < clauseMinWords {
		return SearchResult{}, false
	}
	var found SearchResult
	var named []string // procedures named whole by clauses not trusted enough to answer
	n := 0
	for _, c := range clauses(text) {
		if n == maxClauses {
			break
		}
		if len(splitWords(c).fold) < 3 || !read(c) || strings.Contains(c, ",") {
			// A list names several things: it is no one procedure's clause.
			continue
		}
		n++
		r, err := search(c)
		if err == nil && !r.Confident && len(r.Hits) > 0 && namedWholeClean(r.Hits[0]) {
			named = append(named, r.Hits[0].ID)
		}
		if err != nil || !r.Confident || ambiguous(r) || !counts(r) {
			continue
		}
		if len(found.Hits) > 0 && found.Hits[0].ID != r.Hits[0].ID {
			return SearchResult{}, false // two clauses, two procedures
		}
		if len(found.Hits) == 0 || r.Hits[0].Confidence > found.Hits[0].Confidence {
			found = r
		}
	}
	if len(found.Hits) > 0 && slices.ContainsFunc(named, func(id string) bool { return id != found.Hits[0].ID }) {
		// Another clause names another procedure whole, only just short of
		// an answer ("tạm trú ở đây được 2 năm rồi, đăng ký kết hôn ở phường
		// này được không"): two clauses, two procedures.
		return SearchResult{}, false
	}
	return found, len(found.Hits) > 0
}

// namedWholeClean reports whether a hit not trusted enough to answer is
// still named whole by the text searched, plausibly and with nothing against
// it (see agreeingClauses).
func namedWholeClean(h SearchHit) bool { return namedWholeFrom(h, nearConfidence) }

// namedWholeFrom reports whether h is named whole by the text searched, with
// a confidence of at least min and nothing against it.
func namedWholeFrom(h SearchHit, min float64) bool {
	ev := h.Evidence
	return ev.FullName && ev.NameFit >= 0.99 && h.Confidence >= min && !ev.OffTopic && !ev.Excluded
}

// nearConfidence is the confidence from which a hit named whole is only just
// short of an answer (see namedWholeClean).
const nearConfidence = 0.6

// purposeClause is a clause that says what something is for: "để" (or
// "de", typed without marks) and the words after it, up to the end of the
// clause or a "thì" that goes on to ask ("xin giấy độc thân để bổ sung hồ sơ
// vay vốn thì làm ở đâu").
// In a message typed with marks "thi" is the exam ("để nộp hồ sơ thi tuyển
// công chức"), not "thì": purposeClauseMarked reads it so.
var (
	purposeClause       = regexp.MustCompile(`(?i)(^|[\s,;:])(để|de)\s+([^.,?!;:\n]*?)(\s+(thì|thi)\s|[.,?!;:\n]|$)`)
	purposeClauseMarked = regexp.MustCompile(`(?i)(^|[\s,;:])(để)\s+([^.,?!;:\n]*?)(\s+(thì)\s|[.,?!;:\n]|$)`)
)

// cutPurpose removes the purpose clauses of text and returns what is left
// and the purposes (none when there is no purpose clause). "để lại" (what
// the dead leave behind) is not a purpose.
func cutPurpose(text string) (rest string, purposes []string) {
	var b strings.Builder
	last := 0
	re := purposeClause
	if vntext.HasDiacritics(text) {
		re = purposeClauseMarked
	}
	for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
		purpose := text[m[6]:m[7]]
		words := strings.Fields(purpose)
		if len(words) < 2 || vntext.Fold(strings.ToLower(words[0])) == "lai" {
			continue
		}
		b.WriteString(text[last:m[4]])
		last = m[7]
		purposes = append(purposes, purpose)
	}
	b.WriteString(text[last:])
	return b.String(), purposes
}

// normalize expands chat shorthand in q when the engine has a normaliser.
func (e *Engine) normalize(q string) string {
	if e.cfg.Normalizer == nil {
		return q
	}
	return e.cfg.Normalizer.Normalize(q)
}

// notCovered reports whether q names a subject the guides do not cover.
func (e *Engine) notCovered(q string) bool {
	return e.cfg.Topics != nil && e.cfg.Topics.NotCovered(q) != nil
}

// excludes reports whether q names something procedure id is not about.
func (e *Engine) excludes(id, q string) bool {
	return e.cfg.Topics != nil && e.cfg.Topics.Excludes(id, q)
}

// purposeAnswer answers a question that names the paper it asks for and,
// after "để", what the paper is for, when the purpose drowns the paper's own
// words or names a subject the guides do not cover ("cần bản sao giấy chứng
// tử để làm thủ tục ngân hàng"). Without its purpose clauses the question
// must name one procedure whole, confidently and without a close rival, and
// name no subject the guides do not cover (notCovered); no purpose may name
// a procedure of its own ("giấy tờ gì để làm giấy khai sinh" asks about its
// purpose). It returns the words left and the result.
func (e *Engine) purposeAnswer(text string, search func(string) (SearchResult, error)) (words, SearchResult, bool) {
	rest, purposes := cutPurpose(text)
	if len(purposes) == 0 || e.notCovered(rest) {
		return words{}, SearchResult{}, false
	}
	rw, r, ok := e.namedAlone(rest, search)
	if !ok {
		return words{}, SearchResult{}, false
	}
	for _, purpose := range purposes {
		if p, err := search(e.normalize(purpose)); err == nil && p.Confident && namesProcedure(p) {
			return words{}, SearchResult{}, false
		}
	}
	return rw, r, true
}

// meansAnswer answers a question that names a procedure and, after "để", the
// procedure id it is a step towards: without its purpose clauses the
// question names another procedure whole and is answered with it alone
// (namedAlone), and a purpose read alone is answered with id. A procedure
// the question says is done ("làm khai tử xong rồi, giờ làm gì để nhận tiền
// mai táng") is the story, not the means.
func (e *Engine) meansAnswer(text, id string, search func(string) (SearchResult, error)) (SearchResult, bool) {
	rest, purposes := cutPurpose(text)
	if len(purposes) == 0 || tellsDone(rest) || !seeksPaper(rest) {
		return SearchResult{}, false
	}
	_, r, ok := e.namedAlone(rest, search)
	if !ok || r.Hits[0].ID == id {
		return SearchResult{}, false
	}
	for _, purpose := range purposes {
		if p, err := search(e.normalize(purpose)); err == nil && p.Confident && p.Hits[0].ID == id {
			return r, true
		}
	}
	return SearchResult{}, false
}

// needsAnswer reads a message that asks whether a paper or a person is
// needed ("… có cần bản sao giấy khai sinh có chứng thực không", "… có phải
// xác nhận độc thân không", "… co can giay xac nhan doc than k") after
// naming a procedure: when the words before the need name a procedure whole
// and are answered with it alone, another than the one res answers with
// (the paper's own), that procedure is the question's.
func (e *Engine) needsAnswer(text string, res SearchResult, search func(string) (SearchResult, error)) (SearchResult, bool) {
	st := newStatusText(text)
	toks, fold := st.toks, st.fold
	at := -1
	for i := len(toks) - 2; i >= 2; i-- {
		if (fold[i] == "co" && (fold[i+1] == "can" || fold[i+1] == "phai")) || (fold[i] == "can" && fold[i+1] == "phai") {
			at = i
			break
		}
	}
	if at < 0 {
		return SearchResult{}, false
	}
	k := at + 2
	for k < len(fold) && needVerbs[fold[k]] {
		k++
	}
	if k+1 < len(fold) && fold[k] == "giay" && fold[k+1] == "xac" {
		k++ // "giấy xác nhận …" is a confirmation too
	}
	if k >= len(fold) || !needObjects[fold[k]] {
		return SearchResult{}, false
	}
	_, r, ok := e.namedAlone(strings.Join(toks[:at], " "), search)
	if !ok || r.Hits[0].ID == res.Hits[0].ID {
		return SearchResult{}, false
	}
	return r, true
}

// needVerbs may stand between "có cần"/"có phải" and the thing needed
// ("có phải mang bản sao …"); needObjects start a paper that supports a
// file (a copy, a confirmation) or a person who comes along. A permit or
// a certificate one asks whether to obtain ("có cần xin giấy an toàn thực
// phẩm") is a procedure of its own, and so is the question.
var (
	needVerbs   = map[string]bool{"mang": true, "nop": true, "co": true, "them": true, "phai": true}
	needObjects = map[string]bool{"ban": true, "xac": true, "nguoi": true}
)

// seeksPaper reports whether text says someone does or asks for something
// (seekWords: "xin", "làm", "đăng ký" …): the means to a purpose is sought,
// while a story before "để" ("cháu khuyết tật ở nhờ mấy hôm để khám bệnh")
// only tells who and why.
func seeksPaper(text string) bool {
	st := newStatusText(text)
	for i, f := range st.fold {
		// "dang" is "đăng" (ký) only before "ký"; alone it is "đang" (now).
		if seekWords[f] || f == "dang" && st.at(i+1) == "ky" {
			return true
		}
	}
	return false
}

// seekWords are the folded syllables of the verbs a means is sought with.
var seekWords = map[string]bool{"xin": true, "lam": true, "cap": true, "nop": true, "doi": true, "khai": true,
	"bao": true, "tach": true, "sang": true, "chung": true, "cong": true, "rut": true, "trich": true, "dk": true, "dky": true, "mo": true}

// tellsDone reports whether text says something is already done ("xong",
// "rồi", "r").
func tellsDone(text string) bool {
	for _, t := range strings.Fields(text) {
		if f := vntext.Fold(strings.ToLower(strings.Trim(t, ".,;:?!"))); doneMarks[f] || f == "r" {
			return true
		}
	}
	return false
}

// searchNamed searches the words of part that say which procedure is meant:
// normalized, without its section cues and the office it names
// (stripSectionCues).
func (e *Engine) searchNamed(part string, search func(string) (SearchResult, error)) (SearchResult, error) {
	return search(stripSectionCues(splitWords(e.normalize(part))))
}

// answeredAlone searches part of a message as a question of its own (read as
// the whole one is: shorthand expanded, section cues left out) and returns
// its words and the result when the search is confident, without a close
// rival and without an uncovered subject.
func (e *Engine) answeredAlone(part string, search func(string) (SearchResult, error)) (words, SearchResult, bool) {
	w := splitWords(e.normalize(part))
	r, err := search(stripSectionCues(w))
	if err != nil || !answersAlone(r) {
		return words{}, SearchResult{}, false
	}
	return w, r, true
}

// answersAlone reports whether a search result answers its question on its
// own: confident, without a close rival and without an uncovered subject.
func answersAlone(r SearchResult) bool {
	return r.Confident && !ambiguous(r) && r.NotCovered == nil
}

// namesOneGuide reports whether a search result answers alone (answersAlone)
// with a curated guide it names whole.
func namesOneGuide(r SearchResult) bool {
	return answersAlone(r) && namesProcedure(r) && !r.Hits[0].Official
}

// namedAlone is answeredAlone for a part that must also name its procedure
// whole (namesProcedure).
func (e *Engine) namedAlone(part string, search func(string) (SearchResult, error)) (words, SearchResult, bool) {
	w, r, ok := e.answeredAlone(part, search)
	if !ok || !namesProcedure(r) {
		return words{}, SearchResult{}, false
	}
	return w, r, true
}

// afterThen returns the words of text after its last "thì" when at least two
// words precede it and three follow; ok is false otherwise. In a message typed
// without marks "thi" counts too, unless the word before it makes it an exam
// ("diem thi", "du thi"); in a marked one "thi" is always the exam.
func afterThen(text string) (rest string, ok bool) {
	toks := strings.Fields(text)
	lower := strings.ToLower(text)
	unmarked := vntext.Fold(lower) == lower
	for i := len(toks) - 4; i >= 2; i-- {
		t := strings.ToLower(strings.Trim(toks[i], ".,;:?!"))
		if t == "thì" || (t == "thi" && unmarked && !examWords[vntext.Fold(toks[i-1])]) {
			return strings.Join(toks[i+1:], " "), true
		}
	}
	return "", false
}

// cutReason returns text without its reason clauses: in a clause, the words
// from a "vì" (typed with its mark, or "bởi vì", "tại vì" without) that
// follows two words or more, to the clause's end ("đổi căn cước vì chuyển
// hộ khẩu" keeps "đổi căn cước"); "" when there is none. Unmarked "vi" alone
// is as often "ví" (a wallet) or "vi phạm".
func cutReason(text string) string {
	var out []string
	cut := false
	for _, c := range clauses(text) {
		toks := strings.Fields(c)
		for i := 2; i < len(toks); i++ {
			t := strings.ToLower(strings.Trim(toks[i], ".,;:?!"))
			prev := vntext.Fold(strings.ToLower(toks[i-1]))
			if t == "vì" || t == "vi" && (prev == "boi" || prev == "tai") {
				if prev == "boi" || prev == "tai" {
					i-- // "bởi vì", "tại vì": the reason starts a word before
				}
				toks, cut = toks[:i], true
				break
			}
		}
		if len(toks) > 0 {
			out = append(out, strings.Join(toks, " "))
		}
	}
	if !cut {
		return ""
	}
	return strings.Join(out, ", ")
}

// firstHits returns the first n hits of r (all of them when it has fewer).
func firstHits(r SearchResult, n int) []SearchHit {
	return r.Hits[:min(n, len(r.Hits))]
}

// situationCuts remove from a question what only tells the asker's
// situation; each returns "" when the question holds none.
var situationCuts = []func(string) string{cutReason, cutHeld}

// cutHeld returns text without the papers it says the asker has
// (heldPapers: "bố mẹ chỉ có tạm trú", "đã có sổ hộ khẩu"); "" when there
// is none.
func cutHeld(text string) string {
	w := splitWords(text)
	kept := unmasked(w.acc, heldPapers.mask(w))
	if len(kept) == len(w.acc) {
		return ""
	}
	return strings.Join(kept, " ")
}

// heldPapers say that the asker has a paper: "có" and the paper, with the
// "chỉ", "đã" or "đang" that may stand before it (cutHeld).
var heldPapers = func() cueList {
	var phrases []string
	for _, paper := range []string{"sổ hộ khẩu", "thẻ căn cước", "tạm trú", "thường trú", "hộ khẩu", "kt3", "căn cước", "cccd", "hộ chiếu"} {
		for _, lead := range []string{"", "chỉ ", "đã ", "đang "} {
			phrases = append(phrases, lead+"có "+paper)
		}
	}
	return cues(phrases...)
}()

// refines reports whether the title specific names a particular kind of the
// procedure titled general: every syllable of general is in it ("Đăng ký kết
// hôn có yếu tố nước ngoài" refines "Đăng ký kết hôn").
func refines(specific, general string) bool {
	have := map[string]bool{}
	for _, f := range vntext.FoldedTokens(specific) {
		have[f] = true
	}
	g := vntext.FoldedTokens(general)
	for _, f := range g {
		if !have[f] {
			return false
		}
	}
	return len(g) > 0
}

// sideCue opens a side question after the one a message asks: "mà", "à
// mà", "còn nữa" at the start of a sentence, or "nhân tiện", "tiện hỏi",
// "tiện thể", "với lại", "ngoài ra", "hỏi thêm" after a sentence or a comma
// (marked or typed without marks).
var sideCue = regexp.MustCompile(`(?i)(?:[.?!]+\s*(?:à mà|a ma|mà|ma|còn nữa|con nua)\s|[.?!,;]+\s*(?:nhân tiện|nhan tien|tiện hỏi|tien hoi|tiện thể|tien the|với lại|voi lai|ngoài ra|ngoai ra|hỏi thêm|hoi them|cho hỏi thêm|cho hoi them)\s)`)

// sideQuestion splits text at its first side cue (sideCue) into the question
// before it and the side question from it; ok is false when text has none,
// or nothing stands before it.
func sideQuestion(text string) (main, side string, ok bool) {
	loc := sideCue.FindStringIndex(text)
	if loc == nil || strings.TrimSpace(text[:loc[0]]) == "" {
		return "", "", false
	}
	return text[:loc[0]+1], text[loc[0]:], true
}

// askingPart is the part of a message that asks: its sentence that asks
// (questionSentence), and in it what follows the last "thì" (afterThen) unless
// the "thì" ends a duration; otherwise the whole message.
func askingPart(text string) string {
	part := text
	if qs := questionSentence(text); qs != "" {
		part = qs
	}
	if rest, ok := afterThen(part); ok {
		// "bao lâu thì có", "mấy ngày thì lấy lại": how long until, not a
		// scene before the question.
		if !endsWithCue(splitWords(strings.TrimSuffix(part, rest)), durationCues, 1) {
			part = rest
		}
	}
	return part
}

// endsWithCue reports whether one of cl stands at the end of w but for its
// last skip syllables.
func endsWithCue(w words, cl cueList, skip int) bool {
	for _, c := range cl {
		if i := len(w.fold) - skip - len(c.fold); i >= 0 && matchCue(w, i, c) {
			return true
		}
	}
	return false
}

// examWords come before "thi" when it means an exam ("điểm thi", "dự thi").
var examWords = map[string]bool{"diem": true, "du": true, "di": true, "bai": true, "ky": true, "muon": true, "phong": true, "lich": true}

// thenAnswer reads only what a message asks after its last "thì" (afterThen):
// it returns the words left and the search result when that part names one
// procedure whole and is answered alone (namedAlone).
func (e *Engine) thenAnswer(text string, search func(string) (SearchResult, error)) (words, SearchResult, bool) {
	rest, ok := afterThen(text)
	if !ok {
		return words{}, SearchResult{}, false
	}
	return e.namedAlone(rest, search)
}

// doneMarks end a clause about something already done when a word that
// goes on follows them: "… rồi thì", "… xong rồi giờ", "xây nhà xong muốn
// chuyển hộ khẩu về" ("rồi mà" is a
// complaint about the thing done: "bị trừ tiền rồi mà hồ sơ vẫn báo chưa
// thanh toán").
var (
	lossWords = map[string]bool{"mat": true, "bi": true}
	doneMarks = map[string]bool{"roi": true, "r": true, "xong": true}
	goOnWords = map[string]bool{"thi": true, "gio": true, "nen": true, "muon": true}
)

// goesOn reports whether toks, following a done mark, go on to another
// matter: a word of goOnWords, or "mà" before another record that "still"
// holds the old ("con đổi tên rồi mà thẻ BHYT vẫn tên cũ", "… mà VNeID vẫn
// còn tên bố": that record is asked about). "rồi mà" is otherwise a
// complaint about the thing done ("bị trừ tiền rồi mà hồ sơ vẫn báo chưa
// thanh toán").
func goesOn(toks []string, fold func(string) string) bool {
	if len(toks) == 0 {
		return false
	}
	if goOnWords[fold(toks[0])] {
		return true
	}
	if fold(toks[0]) != "ma" {
		return false
	}
	for i := 2; i < len(toks) && i <= 6; i++ {
		if fold(toks[i]) != "van" {
			continue
		}
		for _, t := range toks[i+1 : min(len(toks), i+6)] {
			if f := fold(t); f == "cu" || f == "con" {
				return true
			}
		}
	}
	return false
}

// cutDone removes from text the parts that tell what was already done: in a
// clause, the words up to "rồi"/"xong" followed by "thì", "giờ" or
// "nên" ("đã ly hôn rồi thì xin giấy này ở đâu" keeps "thì xin giấy này ở
// đâu"), and a span "sau khi … thì" (afterSpan). story is what it removed;
// ok is false when there is none.
func cutDone(text string) (rest, story string, ok bool) {
	var out, told []string
	fold := func(t string) string { return vntext.Fold(strings.ToLower(t)) }
	cl := clauses(text)
	for k, c := range cl {
		toks := strings.Fields(c)
		cut := -1
		for i := 1; i+1 < len(toks); i++ {
			if doneMarks[fold(toks[i])] && goesOn(toks[i+1:], fold) {
				cut = i
			}
		}
		// A clause that ends done, before one that goes on ("đăng ký kết
		// hôn xong xuôi rồi, giờ nhập khẩu cho vợ cần gì"), is all story;
		// not a loss ("sổ gốc cũng bị lũ cuốn mất rồi, giờ …" says why).
		if n := len(toks); n > 1 && doneMarks[fold(toks[n-1])] && k+1 < len(cl) && !slices.ContainsFunc(toks, func(t string) bool { return lossWords[fold(t)] }) {
			if next := strings.Fields(cl[k+1]); len(next) > 0 && goOnWords[fold(next[0])] {
				cut = n - 1
			}
		}
		if cut >= 0 {
			told = append(told, strings.Join(toks[:cut+1], " "))
			toks = toks[cut+1:]
			ok = true
		}
		if from, to := afterSpan(toks, fold); from >= 0 {
			// "sau khi đổi tên thì …", "… vẫn tên cũ sau khi cải chính hộ
			// tịch thì sửa ở đâu": what was done before is the story.
			told = append(told, strings.Join(toks[from:to], " "))
			toks = append(slices.Clone(toks[:from]), toks[to:]...)
			ok = true
		}
		if len(toks) > 0 {
			out = append(out, strings.Join(toks, " "))
		}
	}
	return strings.Join(out, ", "), strings.Join(told, ", "), ok
}

// afterSpan finds in toks a span "sau khi … thì" telling what was done
// before what is asked: it returns the span's first index and the index
// after its "thì" (which is dropped too), or -1 when there is none or the
// span holds a loss ("sau khi bị mất ví thì …" says what the asker needs).
func afterSpan(toks []string, fold func(string) string) (from, to int) {
	for i := 0; i+2 < len(toks); i++ {
		if fold(toks[i]) != "sau" || fold(toks[i+1]) != "khi" {
			continue
		}
		for k := i + 2; k < len(toks)-1; k++ {
			if lossWords[fold(toks[k])] {
				return -1, -1
			}
			if fold(toks[k]) == "thi" {
				return i, k + 1
			}
		}
		return -1, -1
	}
	return -1, -1
}

// usageField is the field of the guides to the portal itself (submitting,
// paying, looking up, logging in): how to use the portal for any procedure.
const usageField = "Hướng dẫn sử dụng"

// usageAnswer reads a question the portal's guide to submitting a file
// answers (usageField) without the words of the online channel and of
// handing in a file (channelWords, as namedBesideChannel reads them):
// when what is left is answered alone (answeredAlone) by a guide to a
// procedure, not as a generic question, on a run of at least two syllables
// of its names that fit them at least half (Evidence.Anchor, NameFit), the
// question asks how to do that procedure online, which its own guide says.
func (e *Engine) usageAnswer(text string, res SearchResult, search func(string) (SearchResult, error)) (SearchResult, bool) {
	if len(res.Hits) == 0 || res.Hits[0].Field != usageField || !strings.Contains(vntext.Fold(strings.ToLower(res.Hits[0].Title)), "nop ho so") {
		return SearchResult{}, false
	}
	rest, ok := e.withoutChannel(text)
	if !ok {
		return SearchResult{}, false
	}
	_, r, ok := e.answeredAlone(rest, search)
	return r, ok && !genericQuestion(r) && r.Hits[0].Field != usageField && !r.Hits[0].Official && r.Hits[0].Evidence.Anchor >= 2 && r.Hits[0].Evidence.NameFit >= 0.5
}

// doneAnswer reads a question without what it says was already done
// (cutDone): it returns the search result when what is left is answered
// alone (answeredAlone), and the story it left out ("" when there is none),
// whether or not what is left is answered.
func (e *Engine) doneAnswer(text string, search func(string) (SearchResult, error)) (SearchResult, string, bool) {
	rest, story, ok := cutDone(text)
	if !ok {
		return SearchResult{}, "", false
	}
	_, r, ok := e.answeredAlone(rest, search)
	return r, story, ok
}

// leftToDo reads what message text asks after story, a procedure it says
// was done (doneAnswer), when res, the whole message's answer, bundles that
// procedure with others
// (its title holds the done one's: "Liên thông đăng ký khai tử, xóa đăng ký
// thường trú, …" after "khai tử xong rồi"): the bundle is no longer what the
// asker needs, and the part after the story, answered alone by a guide
// other than the bundle and the done one, among the whole message's first
// three hits, is what is left to do ("… khai tử xong rồi, giờ xóa thường
// trú cho bố thì hồ sơ gồm những gì").
func (e *Engine) leftToDo(text, story string, res SearchResult, search func(string) (SearchResult, error)) (SearchResult, bool) {
	if story == "" || len(res.Hits) == 0 {
		return SearchResult{}, false
	}
	// The story read without the words that say it is done ("khai tử xong
	// rồi" is "khai tử").
	var told []string
	for _, t := range strings.Fields(story) {
		if !doneMarks[vntext.Fold(strings.ToLower(strings.Trim(t, ",")))] {
			told = append(told, t)
		}
	}
	done, err := e.searchNamed(strings.Join(told, " "), search)
	if err != nil || !done.Confident || done.NotCovered != nil || len(done.Hits) == 0 || done.Hits[0].ID == res.Hits[0].ID || !refines(res.Hits[0].Title, done.Hits[0].Title) {
		return SearchResult{}, false
	}
	at := strings.LastIndex(text, story)
	if at < 0 {
		return SearchResult{}, false
	}
	_, left, ok := e.answeredAlone(text[at+len(story):], search)
	if !ok {
		return SearchResult{}, false
	}
	id := left.Hits[0].ID
	return left, id != res.Hits[0].ID && id != done.Hits[0].ID && amongFirst(res, id, 3)
}

// storyNamed reports whether story, what a message says was already done
// (doneAnswer), is answered alone as a procedure: a procedure done, not a
// scene.
func (e *Engine) storyNamed(story string, search func(string) (SearchResult, error)) bool {
	_, _, named := e.answeredAlone(story, search)
	return named
}

// residenceNouns name where someone is registered to live.
var residenceNouns = [][2]string{{"ho", "khau"}, {"thuong", "tru"}, {"tam", "tru"}}

// residenceActions, standing before a residence noun, make it the procedure
// asked about ("nhập hộ khẩu", "đăng ký tạm trú", "xóa thường trú").
var residenceActions = map[string]bool{
	"nhap": true, "chuyen": true, "cat": true, "xoa": true, "tach": true, "lam": true, "xin": true, "doi": true,
	"sua": true, "dk": true, "dky": true, "dki": true, "ky": true, "bao": true, "han": true, "nhan": true, "giu": true,
}

// residencePlaces, standing before a residence noun, make it a place ("nơi
// thường trú", "chỗ tạm trú").
var residencePlaces = map[string]bool{"noi": true, "cho": true}

// statusPlaces may follow a residence noun that says where someone lives
// ("ở", "tại", "phường", "quê"; a place's name does too), perhaps after one of
// statusAdverbs ("vẫn ở", "chỉ tạm trú ở").
var (
	statusOwners  = map[string]bool{"cua": true, "em": true, "toi": true, "tui": true, "minh": true, "anh": true, "chi": true}
	statusAdverbs = map[string]bool{"van": true, "dang": true, "con": true, "deu": true, "cung": true, "chi": true, "hien": true}
	statusPlaces  = map[string]bool{"o": true, "tai": true, "ben": true, "phuong": true, "xa": true, "tinh": true, "que": true,
		"thanh": true, "tp": true, "huyen": true, "quan": true, "thon": true, "ap": true, "nha": true}
)

// benefitNouns name a benefit someone draws; drawVerbs draw it ("hưởng lương
// hưu", "có lương hưu"). After a word of state ("đang", "vẫn", "không"), or
// "có" after the one who has it ("bà có lương hưu"), they say what the
// person lives on: the scene of another question ("đăng ký người phụ thuộc
// cho mẹ, mẹ có lương hưu thì có được không"). The benefit's own words run
// on to benefitEnds ("đang hưởng trợ cấp người cao tuổi | thì").
var (
	benefitNouns  = [][2]string{{"luong", "huu"}, {"tro", "cap"}}
	drawVerbs     = map[string]bool{"huong": true, "nhan": true, "linh": true, "lanh": true, "co": true}
	holderAdverbs = map[string]bool{"dang": true, "van": true, "con": true, "khong": true, "ko": true, "chua": true}
	holders       = map[string]bool{"ba": true, "bo": true, "me": true, "ma": true, "ong": true, "toi": true, "tui": true,
		"em": true, "minh": true, "chong": true, "vo": true, "cu": true, "nha": true, "ngoai": true, "noi": true}
	benefitEnds = map[string]bool{"thi": true, "ma": true, "nhung": true, "nen": true, "gio": true, "de": true, "muon": true,
		"co": true, "duoc": true, "dc": true, "can": true, "xin": true, "lam": true, "vua": true, "moi": true, "roi": true,
		"khi": true, "va": true, "voi": true, "hay": true, "hoac": true, "o": true, "tai": true}
)

// insuranceBenefits begin the names of insurance benefits drawn for a while
// ("trợ cấp thất nghiệp", "… thai sản", "… ốm đau"): drawing one is where
// the procedures that go with it start (vocational training, reporting a new
// job), not a scene beside another question.
var insuranceBenefits = map[string]bool{"that": true, "thai": true, "om": true}

// cutStatus removes from text what says where someone lives or what they
// live on rather than name the procedure asked about: residence nouns that
// place someone ("hộ khẩu ở xa", "thường trú phường A", "nơi tạm trú"; not
// "nhập hộ khẩu ở nhà chồng" or "đăng ký thường trú ở đâu"), a benefit
// someone draws ("mẹ đang hưởng trợ cấp người cao tuổi") and, when rental
// is set, a rented room someone lives in ("hai đứa thuê trọ chung"). ok is
// false when there is none.
func cutStatus(text string, rental bool) (rest string, ok bool) {
	st := newStatusText(text)
	drop := make([]bool, len(st.toks))
	residence, benefit := st.markResidence(drop), st.markBenefits(drop)
	rental = rental && st.markRental(drop)
	if !residence && !rental && !benefit {
		return text, false
	}
	var out []string
	for i, t := range st.toks {
		if !drop[i] {
			out = append(out, t)
		} else if p := strings.TrimLeftFunc(t, unicode.IsLetter); p != "" && len(out) > 0 {
			out[len(out)-1] += p // the comma or full stop after a dropped word stays
		}
	}
	return strings.Join(out, " "), true
}

// statusText is a message as cutStatus reads it: its words as typed and the
// same folded, without the punctuation around them.
type statusText struct {
	toks, fold []string
}

func newStatusText(text string) statusText {
	st := statusText{toks: strings.Fields(text)}
	st.fold = make([]string, len(st.toks))
	for i, t := range st.toks {
		st.fold[i] = vntext.Fold(strings.ToLower(strings.Trim(t, ".,;:?!()\"")))
	}
	return st
}

// at is the folded word at i, "" outside the message.
func (st statusText) at(i int) string {
	if i < 0 || i >= len(st.fold) {
		return ""
	}
	return st.fold[i]
}

// pairAt reports whether words i and i+1 are one of pairs, with no
// punctuation between them.
func (st statusText) pairAt(i int, pairs [][2]string) bool {
	return i+1 < len(st.toks) && !strings.ContainsAny(st.toks[i], ".,;:?!") && slices.Contains(pairs, [2]string{st.fold[i], st.fold[i+1]})
}

// markResidence marks in drop the residence nouns that place someone
// (residencePlaces before them, or statusPlaces or a place's name after
// them) and are not the object of a residenceActions word, and reports
// whether there was one.
func (st statusText) markResidence(drop []bool) bool {
	found := false
	for i := range st.toks {
		if !st.pairAt(i, residenceNouns) {
			continue
		}
		k := i - 1
		for statusAdverbs[st.at(k)] {
			k--
		}
		before := st.at(k)
		place := residencePlaces[before] || before == "ky" && residencePlaces[st.at(k-2)] // "nơi đăng ký thường trú"
		if !place && residenceActions[before] {
			continue
		}
		j := i + 2
		for statusAdverbs[st.at(j)] || statusOwners[st.at(j)] {
			j++ // "hộ khẩu em ở Thanh Hóa", "hộ khẩu của mình vẫn ở quê"
		}
		placed := (statusPlaces[st.at(j)] && st.at(j+1) != "dau" || j < len(st.toks) && startsUpper(st.toks[j])) &&
			!strings.ContainsAny(st.toks[i+1], ".,;:?!")
		if place || placed {
			drop[i], drop[i+1] = true, true
			found = true
		}
	}
	return found
}

// rentalNouns say someone rents a room to live in ("thuê trọ", "ở trọ",
// "phòng trọ"); landlordWords before them make the room a business ("cho
// thuê trọ", "mở phòng trọ", "kinh doanh nhà trọ").
var (
	rentalNouns   = [][2]string{{"thue", "tro"}, {"o", "tro"}, {"phong", "tro"}, {"nha", "tro"}, {"xom", "tro"}, {"cho", "tro"}}
	landlordWords = map[string]bool{"cho": true, "mo": true, "doanh": true, "xay": true, "chu": true, "ban": true, "mua": true}
)

// markRental marks in drop the words that say someone lives in a rented
// room (rentalNouns, with "thuê" before "phòng trọ"; "chỗ trọ" only written
// with its marks), unless a landlord speaks of the room as a business, and
// reports whether there were any:
// renting is the scene of a question about marrying or changing schools
// there, and the residence question, when it is one, names itself
// ("đăng ký tạm trú").
func (st statusText) markRental(drop []bool) bool {
	found := false
	for i := range st.toks {
		if !st.pairAt(i, rentalNouns) || st.fold[i] == "cho" && strings.ToLower(st.toks[i]) != "chỗ" {
			continue // "cho trọ" lets rooms; "chỗ trọ" is where one lives
		}
		from := i
		if st.fold[i] != "thue" && st.at(i-1) == "thue" {
			from--
		}
		if landlordWords[st.at(from-1)] {
			continue
		}
		for k := from; k < i+2; k++ {
			drop[k] = true
		}
		found = true
	}
	return found
}

// markBenefits marks in drop a benefit someone draws, from the word of state
// or the "có" before it to benefitEnds (at most four words on), and reports
// whether there was one.
func (st statusText) markBenefits(drop []bool) bool {
	found := false
	for i := 1; i < len(st.toks); i++ {
		if !st.pairAt(i, benefitNouns) || !drawVerbs[st.fold[i-1]] || insuranceBenefits[st.at(i+2)] {
			continue
		}
		from := i - 1
		switch before := st.at(from - 1); {
		case holderAdverbs[before]:
			from--
		case st.fold[from] == "co" && holders[before]:
		default:
			continue
		}
		to := i + 2
		for to < len(st.toks) && to < i+6 && !strings.ContainsAny(st.toks[to-1], ".,;:?!") && !benefitEnds[st.fold[to]] {
			to++
		}
		for k := from; k < to; k++ {
			drop[k] = true
		}
		found = true
	}
	return found
}

// startsUpper reports whether t begins with a capital letter: a place's
// name ("hộ khẩu Nghệ An").
func startsUpper(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsUpper(r)
}

// residenceGuide reports whether hit is about where someone is registered
// to live or stay.
func residenceGuide(hit SearchHit) bool {
	return hit.Field == "Cư trú" || strings.Contains(vntext.Fold(strings.ToLower(hit.Title)), "tam tru")
}

// statusAnswer reads a question without what says where someone lives or
// what they live on (cutStatus): it returns the search result when what is left
// is answered alone (answeredAlone), with its section cues if need be (a cue
// may have taken a word of a name: "mai táng phí").
func (e *Engine) statusAnswer(text string, res SearchResult, search func(string) (SearchResult, error)) (SearchResult, bool) {
	// A rented room is the scene only where it made the answer a residence
	// guide; beside another guide it may be what makes the question clear.
	rest, ok := cutStatus(text, len(res.Hits) > 0 && residenceGuide(res.Hits[0]))
	if !ok {
		return SearchResult{}, false
	}
	if _, r, ok := e.answeredAlone(rest, search); ok && !namesWhole(r, res) {
		return r, true
	}
	r, err := search(e.normalize(rest))
	return r, err == nil && answersAlone(r) && !namesWhole(r, res)
}

// namesWhole reports whether the procedure res answers is named whole
// (Evidence.FullName) among the hits of r: what is left of the message still
// asks about it.
func namesWhole(r, res SearchResult) bool {
	if len(res.Hits) == 0 {
		return false
	}
	for _, h := range r.Hits {
		if h.ID == res.Hits[0].ID && h.Evidence.FullName {
			return true
		}
	}
	return false
}

// askedNames reports whether the part of text that asks (askingPart) is
// about procedure id: it names it whole and is answered with it alone, or it
// names nothing but what is asked ("… thì xin ở đâu" asks about the paper
// named before). A message that is all one asking part is.
func (e *Engine) askedNames(text, id string, search func(string) (SearchResult, error)) bool {
	part := askingPart(text)
	// The clause that asks, after the scene, may name the uncovered subject
	// ("mất ví có hết giấy tờ với thẻ atm, giờ khóa thẻ atm ngân hàng thế
	// nào"); it still asks about the procedure when the procedure leads its
	// search ("vào đại học có được miễn giảm học phí không").
	lastClause := false
	if cl := clauses(part); len(cl) > 1 && onlyLastAsks(e.normalizeAll(cl)) && e.notCovered(e.normalize(cl[len(cl)-1])) {
		part, lastClause = cl[len(cl)-1], true
	}
	if part == text {
		return true
	}
	r, err := e.searchNamed(part, search)
	if err != nil || strings.TrimSpace(r.Query) == "" || genericQuestion(r) || lastClause && len(r.Hits) > 0 && r.Hits[0].ID == id {
		return true
	}
	if whole, err := search(e.normalize(part)); err == nil && whole.Confident && whole.NotCovered == nil && whole.Hits[0].ID == id && whole.Hits[0].Evidence.FullName {
		// A section cue may have taken a word of the name ("giấy phép xây
		// dựng có thời hạn": "thời hạn" reads as the time); the part that
		// asks, read whole, names the procedure.
		return true
	}
	_, one, ok := e.namedAlone(part, search)
	return ok && one.Hits[0].ID == id
}

// normalizeAll returns texts with chat shorthand expanded (normalize).
func (e *Engine) normalizeAll(texts []string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = e.normalize(t)
	}
	return out
}

// onlyLastAsks reports whether the last of clauses asks something (askCues)
// and none before it does: the others tell the scene.
func onlyLastAsks(clauses []string) bool {
	for i, c := range clauses {
		if asks(c) != (i == len(clauses)-1) {
			return false
		}
	}
	return true
}

// askCues mark a clause that asks something.
var askCues = cues("gì", "j", "thế nào", "ntn", "làm sao", "ra sao", "ở đâu", "chỗ nào", "bao nhiêu", "bn", "bao lâu",
	"được không", "đc không", "dc ko", "được ko", "đc ko", "có phải", "có cần", "có được", "hay không", "đi đâu", "đến đâu", "lên đâu", "nơi nào", "không ạ", "ko ạ", "ai", "mấy",
	"được chưa", "đủ điều kiện")

// pastCues mark a clause about what already happened.
var pastCues = cues("đã", "từ năm", "hồi", "trước đây", "năm ngoái", "đã từng")

// clauses splits text at sentence ends, commas, semicolons and line breaks.
// An item of a list ("căn cước, sổ đỏ, bằng lái có phải đổi không") is no
// clause: a part of at most listItemWords words stays with the part after
// it, joined by its comma.
func clauses(text string) []string {
	var out []string
	carry := ""
	last := 0
	flush := func(p string, sep byte) {
		p = strings.TrimSpace(p)
		if p == "" {
			return
		}
		if carry != "" {
			p = carry + ", " + p
			carry = ""
		}
		if sep == ',' && len(strings.Fields(p)) <= listItemWords {
			carry = p
			return
		}
		out = append(out, p)
	}
	for i := 0; i < len(text); i++ {
		if strings.IndexByte(".?!,;:\n", text[i]) >= 0 {
			flush(text[last:i], text[i])
			last = i + 1
		}
	}
	flush(text[last:], 0)
	if carry != "" {
		if len(out) > 0 {
			out[len(out)-1] += ", " + carry
		} else {
			out = append(out, carry)
		}
	}
	return out
}

// listItemWords is the most words of a comma-separated part read as an item
// of a list rather than a clause.
const listItemWords = 2

// Confidence levels: a hit of at least sureConfidence is not checked against
// the whole question's reading; below the answer threshold, a hit at least
// askConfidence is plausible enough to offer in a clarifying question, and one
// at least suggestConfidence is offered as a "did you mean" button on a
// refusal.
const (
	sureConfidence    = 0.9
	askConfidence     = 0.35
	suggestConfidence = 0.2
)

// plausibleHits are the hits worth asking about, best first (at most 3).
func plausibleHits(res SearchResult) []SearchHit {
	var out []SearchHit
	for _, h := range res.Hits {
		if len(out) == 3 {
			break
		}
		if h.Plausibility >= askConfidence {
			out = append(out, h)
		}
	}
	return out
}

// genericWords name no procedure: a question made only of them ("hồ sơ bao lâu
// thì xong?", "nộp ở đâu") needs a topic.
var genericWords = map[string]bool{
	"ho": true, "so": true, "giay": true, "to": true, "thu": true, "tuc": true, "don": true, "nop": true,
	"ket": true, "qua": true, "xong": true, "lay": true, "nhan": true, "chua": true, "gio": true, "ngay": true,
	"mo": true, "cua": true, "dong": true, "viec": true, "le": true, "phi": true, "tien": true, "lam": true,
	"ton": true, "het": true, "khoang": true, "tam": true, "chung": true, "mat": true, "thoi": true, "gian": true,
	"bay": true, "tra": true, "dang": true, "ky": true, "cap": true, "lai": true, "can": true, "cu": true, "moi": true,
	"online": true, "mang": true, "xin": true, "hoi": true, "nha": true, "nuoc": true, "ben": true, "minh": true, "gui": true,
	// the original or a copy of whatever paper: "có cần mang theo bản chính không"
	"ban": true, "chinh": true, "goc": true, "theo": true,
}

// genericQuestion reports whether the question's content names no procedure:
// every content word is generic and no procedure's whole name (three
// syllables or more, "nộp hồ sơ trực tuyến") is asked about.
func genericQuestion(res SearchResult) bool {
	if len(res.Hits) > 0 && res.Hits[0].Evidence.FullName && res.Hits[0].Evidence.Anchor >= 3 {
		return false
	}
	for _, f := range strings.Fields(res.Query) {
		if !genericWords[f] {
			return false
		}
	}
	return true
}

// backReferences point at a procedure named earlier ("thủ tục này").
var backReferences = cues("thủ tục này", "thủ tục đó", "thủ tục trên", "hồ sơ này", "hồ sơ đó", "giấy tờ này",
	"giấy này", "giấy đó", "việc này", "việc đó", "trường hợp này", "trường hợp đó", "cái này", "cái đó", "vụ này", "vụ đó")

// pointsBackWithin reports whether the question's first back reference
// ("giấy đó") comes after words of its own that may name what it points at
// (backWithinWords or more): "thủ tục này làm trên điện thoại được không"
// opens on it and points at nothing it says.
func pointsBackWithin(w words) bool {
	i, _ := backReferences.find(w)
	return i >= backWithinWords
}

// backWithinWords is how many words must come before a back reference for
// the question itself to have named what it points at (pointsBackWithin).
const backWithinWords = 4

// refersBack reports whether the question points at a procedure named before.
func refersBack(w words) bool {
	i, _ := backReferences.find(w)
	return i >= 0
}

// excludedIn reports whether the search r says the question is not about
// procedure id (Evidence.Excluded: its not_about list, or a not-covered
// phrase that says what is asked, "phục hồi điểm").
func excludedIn(r SearchResult, id string) bool {
	for _, h := range r.Hits {
		if h.ID == id {
			return h.Evidence.Excluded
		}
	}
	return false
}

// namesProcedure reports whether the best hit's whole name stands in the
// question ("đăng ký khai sinh thủ tục này có mất phí không").
func namesProcedure(res SearchResult) bool {
	return len(res.Hits) > 0 && res.Hits[0].Evidence.FullName && res.Hits[0].Evidence.Anchor >= 2
}

// onlineTopic reports whether p is itself about the online portal (four or more of
// its names speak of doing things online), so "online" in a question about it
// asks for nothing in particular.
func onlineTopic(p knowledge.Procedure) bool {
	return onlineCueCount(append([]string{p.Title}, p.Aliases...)) >= 4
}

// onlineMemo is onlineTopic of one version of a procedure.
type onlineMemo struct {
	version string
	online  bool
}

// onlineTopic is onlineTopic(p), remembered for the latest version of each
// procedure seen (its update time, title and number of aliases), as every
// answer asks it.
func (e *Engine) onlineTopic(p knowledge.Procedure) bool {
	version := p.UpdatedAt.String() + "\x00" + strconv.Itoa(len(p.Aliases)) + "\x00" + p.Title
	if v, ok := e.online.Load(p.ID); ok && v.(onlineMemo).version == version {
		return v.(onlineMemo).online
	}
	online := onlineTopic(p)
	e.online.Store(p.ID, onlineMemo{version, online})
	return online
}

// sectionOf returns the section w asks of p (detectSection), the words of
// p's title not counting as cues and p's online part read as its whole when
// p is about the online channel.
func (e *Engine) sectionOf(w words, p knowledge.Procedure) string {
	return detectSection(w, splitWords(p.Title), e.onlineTopic(p))
}

// searchWithin searches q, the whole of message or a part of it, with message
// as the scope of what a guide is limited to (Searcher.SearchWithin).
func (e *Engine) searchWithin(ctx context.Context, q, message string) (SearchResult, error) {
	if strings.TrimSpace(q) == "" {
		return SearchResult{}, nil
	}
	return e.cfg.Searcher.SearchWithin(ctx, q, message, 5)
}

// ambiguous reports whether the runner-up is about as good as the best hit:
// its score is close and it explains as much of the question, unless the
// evidence sets the best hit far above it (sureConfidence, sureGap). A
// curated guide competes only with other guides: official records are the
// long tail behind them.
func ambiguous(r SearchResult) bool {
	if len(r.Hits) < 2 {
		return false
	}
	a := r.Hits[0]
	for _, b := range r.Hits[1:] {
		if !a.Official && b.Official || a.Evidence.Closely && b.Evidence.Excluded {
			// A record is the long tail behind a guide; a guide the question
			// says it is not about is no rival to a record it names closely.
			continue
		}
		if a.Confidence >= sureConfidence && a.Confidence-b.Confidence >= sureGap {
			return false // the evidence tells them apart, whatever the scores
		}
		return b.Score >= ambiguityRatio*a.Score && b.Coverage >= a.Coverage-0.05
	}
	return false
}

// corroborated: a best hit at least this trusted is answered when the part of
// the message that asks (askingPart), read alone, is answered with it, the
// message does not say it is about something else and no official record
// ranks among its first hits. When the message names a subject the guides do
// not cover, the part that asks must not name it and must name the procedure
// whole (the subject is then the asker's story). The story around a question
// lowers the whole message's confidence with words no guide explains; the
// question itself establishes the procedure ("mẹ tôi ở quê một mình, con cái
// đi làm ăn xa hết thì làm lại thẻ bảo hiểm y tế bị mất ở đâu").
const corroborated = 0.5

// refinedConfidence is the least confidence in the whole message's best hit
// for it to stand in for the asked clause's procedure it is a particular kind
// of: a story must say which kind ("bạn trai người Hàn"), not merely share
// the general name ("khai sinh … ở đâu" is not the late re-registration).
const refinedConfidence = 0.5

// amongFirst reports whether guide id is among the first n hits of r.
func amongFirst(r SearchResult, id string, n int) bool {
	return slices.ContainsFunc(firstHits(r, n), func(h SearchHit) bool { return h.ID == id })
}

// officialAmong reports whether an official record is among the first n hits
// of r: the whole message may be about a long-tail procedure the question
// part alone does not name ("chứng chỉ năng lực xây dựng … thì nộp ở Sở Xây
// dựng hay Bộ Xây dựng").
func officialAmong(r SearchResult, n int) bool {
	return slices.ContainsFunc(firstHits(r, n), func(h SearchHit) bool { return h.Official })
}

// surerThan reports whether the search is sure of a's best hit
// (sureConfidence) and less sure of b's, or sure of both while a's rests on
// more than twice the words and leaves less of them unexplained: the whole
// message then establishes its procedure better than a clause of it ("mẹ mất
// hơn một tháng, nghe nói có tiền mai táng phí, làm sao để nhận và cắt khẩu
// luôn một thể" is the joint death registration, not the clause's removal
// from the register). A situation a situation guide walks through is the
// message's story, not what it asks ("vợ mất căn cước … làm hộ chiếu cho vợ
// cần gì"), however sure; the
// situation of a procedure's own guide, told whole, names that procedure
// better than any one clause ("xe hỏng nát bán sắt vụn, cái giấy đăng ký với
// biển số phải làm gì" is the deregistration, not the registration). A
// complaint or petition (ComplaintField) is always about something else: the
// story it is asked after names what is complained of, never a surer answer
// ("hồ sơ tách thửa nộp 3 tháng vẫn bắt bổ sung, tôi muốn tố cáo").
func surerThan(a, b SearchResult) bool {
	if len(a.Hits) == 0 || len(b.Hits) == 0 || a.Hits[0].Confidence < sureConfidence || b.Hits[0].Field == ComplaintField {
		return false
	}
	if top := a.Hits[0]; top.Evidence.Situation {
		return top.Field != SituationField
	}
	if b.Hits[0].Confidence < sureConfidence {
		return true
	}
	// Both sure: the whole message's reading stands when it rests on more
	// than twice the words and leaves less of them unexplained ("sổ bảo
	// hiểm xã hội … bị mất, giờ muốn làm lương hưu thì xin cấp lại ra sao"
	// asks for the book again; the pension is why).
	ea, eb := a.Hits[0].Evidence, b.Hits[0].Evidence
	return ea.Anchor > 2*eb.Anchor && ea.Residual < eb.Residual
}

// wholeNamesOther reports whether the whole message's best hit, another
// procedure than the clause's, is named whole by the message with some
// confidence (wholeNamedConfidence) and read with more of its words than
// the clause's procedure is: "mua xe máy mới mà hộ khẩu ở tỉnh khác, đăng ký
// biển số ở nơi đang tạm trú được không" names the vehicle's registration;
// the clause's "tạm trú" is where the asker lives. A clause's procedure the
// whole message reads as fully ("thừa kế đất cần những giấy tờ gì, giấy
// chứng tử của bà bị mất rồi") stays the question.
func wholeNamesOther(whole, part SearchResult) bool {
	top, id := whole.Hits[0], part.Hits[0].ID
	if top.ID == id || !namedWholeFrom(top, wholeNamedConfidence) {
		return false
	}
	i := slices.IndexFunc(whole.Hits, func(h SearchHit) bool { return h.ID == id })
	return i < 0 || whole.Hits[i].Evidence.Anchor < top.Evidence.Anchor
}

// wholeNamedConfidence: see wholeNamesOther.
const wholeNamedConfidence = 0.5

// clauseFloor is the least plausibility the whole message's best hit needs
// for a part of the message to answer with it.
const clauseFloor = 0.1

// wholeRanksFirst reports whether the whole message's search ranks first the
// procedure a part of it answers, with a plausibility of at least
// clauseFloor.
func wholeRanksFirst(whole, part SearchResult) bool {
	return len(whole.Hits) > 0 && len(part.Hits) > 0 && whole.Hits[0].ID == part.Hits[0].ID && whole.Hits[0].Plausibility >= clauseFloor
}

// SituationField is the field of the guides that walk a citizen from a life
// situation to the procedures it needs (a lost wallet, a merged commune).
const SituationField = "Tình huống"

// ComplaintField is the field of the guides to complaints, denunciations and
// petitions about how other procedures are run.
const ComplaintField = "Khiếu nại"

// sureGap is how far a sure best hit (sureConfidence) must stand above the
// runner-up in confidence to be answered even when their scores are close.
const sureGap = 0.4

// ambiguityRatio: a runner-up scoring at least this share of the best hit (with as
// much coverage) makes the bot ask which one is meant.
const ambiguityRatio = 0.93

func isFollowUp(w words) bool {
	i, _ := followCues.find(w)
	return i == 0
}

// answer shows one section (or the overview) of p and makes p the topic.
func (e *Engine) answer(ctx context.Context, s *Session, m Message, p knowledge.Procedure, section string, res SearchResult) Response {
	return e.answerGuide(ctx, s, m, p, section, res, true)
}

// answerGuide is answer; a guide to the online channel yields to a
// procedure named beside the channel only when yields is set: an English
// question's guide was chosen by the English glossary, which has read the
// whole message, and the Vietnamese words it holds ("different from her
// tạm trú") are its story.
func (e *Engine) answerGuide(ctx context.Context, s *Session, m Message, p knowledge.Procedure, section string, res SearchResult, yields bool) Response {
	if section == "" {
		section = SectionOverview
	}
	if m.Action == "" && !p.IsOfficial() && e.asksBeyondGuide(m.Text) {
		// The judge learnt from questions about the guides' topics; for an
		// official record's topic (a karaoke licence, a fishing permit) the
		// words it has not seen read as another subject, so it does not
		// judge them.
		return e.declineAsked(ctx, s, m, p)
	}
	if m.Action == "" {
		online := e.onlineTopic(p)
		section = e.sectionAsked(m.Text, section, online)
		if online && !p.IsOfficial() && yields {
			// A guide to the online channel itself (submitting online,
			// VNeID) yields to the procedure the question names beside the
			// channel ("thai sản nộp hồ sơ online được không" asks the
			// maternity benefit's online way).
			if q, ok := e.namedBesideChannel(ctx, m.Text); ok && q.ID != p.ID {
				p, section = q, SectionOnline
			}
		}
	}
	codes, _ := e.cfg.Procedures.(CodeIndex)
	if p.IsOfficial() && codes != nil && m.Action == "" {
		// A curated guide explains this record: it is the first answer.
		if id, ok := codes.CuratedFor(p.NationalCode); ok {
			if g, err := e.cfg.Procedures.Procedure(ctx, id); err == nil {
				p = g
			}
		}
	}
	s.Topic, s.Section, s.Pending, s.Candidates = p.ID, section, PendingNone, nil
	seq := e.record(s, m, IntentProcedure, p.ID, section)
	reply := Reply{Text: renderSection(p, section) + "\n\n" + provenance(p, e.cfg.PortalURL), Buttons: e.sectionButtons(p, section, seq)}
	if codes != nil && !p.IsOfficial() {
		for _, c := range append([]string{p.Code}, p.NationalCodes...) {
			if id, ok := codes.OfficialFor(c); c != "" && ok {
				reply.Buttons = append(reply.Buttons, Button{Label: "Xem thủ tục chính thức (" + c + ")", Action: "proc:" + id})
				break
			}
		}
	}
	if rel, ok := e.cfg.Procedures.(RelatedIndex); ok && p.IsOfficial() {
		// The same thing under another action ("Cấp lại …", "Gia hạn …")
		// stays one press away: the citizen who asked for the licence may
		// need its renewal.
		for _, r := range rel.Related(p.ID, maxRelated) {
			reply.Buttons = append(reply.Buttons, Button{Label: r.Title, Action: "proc:" + r.ID})
		}
	}
	if section == SectionAgency {
		if desk := e.deskFooter(ctx, s, m, p); desk != "" {
			reply.Text += "\n\n" + desk
		}
	}
	s.History[len(s.History)-1].Answer = excerpt(reply.Text, maxAnswerExcerpt)
	var cands []string
	for i, h := range res.Hits {
		if i < 3 {
			cands = append(cands, h.ID)
		}
	}
	if len(cands) == 0 {
		cands = []string{p.ID}
	}
	return Response{Intent: IntentProcedure, ProcedureID: p.ID, Section: section, Candidates: cands, Replies: []Reply{reply}, Source: sourceOf(p, e.cfg.PortalURL)}
}

// sectionAsked returns the section to answer for a question whose cues
// name section: the section judge's reading when it is sure of it
// (SectionAskedLimit) and both name a part of the guide. Which part a
// question asks for is the cues' call when they find none (the overview):
// a bare topic asks for the whole picture. Online guides have no separate
// online part.
func (e *Engine) sectionAsked(text, section string, online bool) string {
	if e.cfg.Sections == nil || text == "" || section == SectionOverview {
		return section
	}
	s, p := e.cfg.Sections.SectionAsked(text)
	if s == "" || s == SectionOverview || p < SectionAskedLimit || (s == SectionOnline && online) {
		return section
	}
	return s
}

// asksElse reports whether the scope judge finds that text asks something
// no guide answers.
func (e *Engine) asksElse(text string) bool {
	return e.cfg.Scope != nil && text != "" && e.cfg.Scope.AsksElse(text) >= AsksElseLimit
}

// asksBeyondGuide reports whether text, though it speaks of a guide's topic,
// asks what no how-to guide answers: the scope judge finds so (asksElse), it
// only asks why (asksWhy), or it asks the tax due on a sum (asksTaxOnSum).
func (e *Engine) asksBeyondGuide(text string) bool {
	if e.asksElse(text) {
		return true
	}
	n := e.normalize(text)
	return asksWhy(n) || asksTaxOnSum(n)
}

// moneySum is a sum of money written in figures ("300 triệu", "2 tỷ",
// "15tr", "500k"), or an amount of goods sold ("2 tấn mực", "500 kg"), whose
// tax is worked out the same way.
var moneySum = regexp.MustCompile(`(?i)\d[\d.,]*\s*(triệu|trieu|tỷ|tỉ|ty|ti|tr|nghìn|nghin|ngàn|ngan|k|củ|cu|tấn|tan|tạ|yến|kg|ký)(?:[^\p{L}\p{N}]|$)`)

var (
	taxCue     = cues("thuế")
	howMuchCue = cues("bao nhiêu", "bao nhiu", "nhiêu tiền")
)

// asksTaxOnSum reports whether n (a question with its shorthand expanded)
// asks how much tax is due on a sum it names ("doanh thu 300 triệu một năm
// thì đóng thuế bao nhiêu", "bán đất 2 tỷ thuế bao nhiêu"): working out a
// citizen's own tax is for the tax office, not a how-to guide. "thuê"
// (rent) typed with its marks is not "thuế".
func asksTaxOnSum(n string) bool {
	return moneySum.MatchString(n) && firstCue(taxCue, n) >= 0 && firstCue(howMuchCue, n) >= 0
}

// whyCues open a clause that asks why a rule, a fee or a decision is as it
// is ("sao luật bắt đổi căn cước lúc 25 tuổi vậy", "…, vì sao vậy?"); a
// how-to guide does not say why. "sao" before one of sameAsSao is part of a
// name ("sao y", "sao kê", "sao lục"), not "why".
var (
	whyCues   = cues("tại sao", "vì sao", "sao")
	sameAsSao = map[string]bool{"y": true, "ke": true, "luc": true, "chep": true}
	// purposeWhy asks why too ("đổi vậy để làm gì"): it does not count as
	// asking how beside a why clause.
	purposeWhy = cues("để làm gì", "để làm chi")
	// whereCue asks where beside the ask cues ("phản ánh thì gửi đâu").
	whereCue = cues("đâu")
	// rhetorical cues deny rather than ask ("có ích gì đâu", "người già đâu
	// biết dùng"): beside a why clause, such a clause is a complaint.
	rhetorical = cues("gì đâu", "đâu biết", "đâu có biết", "làm gì có", "đâu phải", "có ích gì")
)

// asksWhy reports whether n (a question with its shorthand expanded) asks
// why and nothing else: a clause of it opens with a why cue, or ends with
// "vì sao" or "tại sao" (questionEnd), and no other clause asks anything
// (askCues) but rhetorically ("…, người già đâu biết dùng"). "Sao con tôi hộ
// nghèo mà trường vẫn thu học phí, tôi muốn phản ánh thì gửi đâu" asks where
// to send a petition.
func asksWhy(n string) bool {
	why := false
	for _, c := range clauses(n) {
		w := splitWords(c)
		if i, n := whyCues.find(w); i == 0 && (n > 1 || len(w.fold) < 2 || !sameAsSao[w.fold[1]]) || n > 1 && i+n == questionEnd(w) {
			why = true
			continue
		}
		if i, _ := rhetorical.find(w); i >= 0 {
			continue
		}
		if rest := strings.Join(unmasked(w.acc, purposeWhy.mask(w)), " "); asks(rest) || firstCue(whereCue, rest) >= 0 {
			return false
		}
	}
	return why
}

// unmasked returns the syllables of acc that masked does not mark.
func unmasked(acc []string, masked []bool) []string {
	var out []string
	for i, t := range acc {
		if !masked[i] {
			out = append(out, t)
		}
	}
	return out
}

// declineAsked answers a question that speaks of procedure p but asks what
// its guide does not answer (a dispute, a fine, what another body will do):
// it says so, says where to turn when the question names a subject the
// guides do not cover, and offers p's guide as a button, recording the
// question for staff.
func (e *Engine) declineAsked(ctx context.Context, s *Session, m Message, p knowledge.Procedure) Response {
	e.record(s, m, IntentFallback, "", "")
	e.recordUnanswered(ctx, m)
	var b strings.Builder
	b.WriteString("Xin lỗi, câu hỏi này có vẻ hỏi điều mà hướng dẫn thủ tục không trả lời được (ví dụ: ai đúng ai sai, kết quả tranh chấp, mức phạt, việc cơ quan hay người khác sẽ làm, lời khuyên).\n\n")
	if nc := e.uncoveredSubject(SearchResult{}, m.Text); nc != nil {
		fmt.Fprintf(&b, "Về %s: %s\n\n", nc.Name, nc.Help)
	}
	fmt.Fprintf(&b, "Tôi có hướng dẫn thủ tục «%s»: giấy tờ cần chuẩn bị, các bước, lệ phí, thời gian, nơi nộp và cách làm online. Bấm nút dưới đây nếu bạn cần.\n\n", p.Title)
	b.WriteString("Với việc cụ thể của bạn, hãy hỏi trực tiếp bộ phận Một cửa của Ủy ban nhân dân xã, phường nơi bạn cư trú, hoặc tổng đài Cổng Dịch vụ công quốc gia 1800 1096.")
	return Response{Intent: IntentFallback, Candidates: []string{p.ID}, Replies: []Reply{{Text: b.String(), Buttons: []Button{
		{Label: p.Title, Action: "proc:" + p.ID},
		{Label: "Danh mục thủ tục", Action: "menu"},
	}}}}
}

// record adds a turn to the history and returns its sequence number.
func (e *Engine) record(s *Session, m Message, intent, procID, section string) int64 {
	s.Seq++
	text := m.Text
	if text == "" {
		text = "[" + m.Action + "]"
	}
	s.addTurn(Turn{Seq: s.Seq, At: m.At, Text: text, Intent: intent, ProcedureID: procID, Section: section})
	return s.Seq
}

// disambiguate offers the close candidates; the section asked for is kept so the
// choice is answered with it.
func (e *Engine) disambiguate(s *Session, m Message, res SearchResult, section string) Response {
	var buttons []Button
	var ids []string
	for i, h := range res.Hits {
		if i >= 3 || (i > 0 && h.Score < 0.6*res.Hits[0].Score) {
			break
		}
		buttons = append(buttons, Button{Label: h.Title, Action: "proc:" + h.ID})
		ids = append(ids, h.ID)
	}
	s.Candidates = ids
	s.Pending, s.PendingArg = PendingChoice, section
	e.record(s, m, IntentProcedure, "", "")
	return Response{Intent: IntentProcedure, Candidates: ids, Replies: []Reply{{
		Text:    "Bạn muốn hỏi thủ tục nào? Hãy chọn một trong các thủ tục dưới đây:",
		Buttons: buttons,
	}}}
}

func (e *Engine) askWhich(ctx context.Context, s *Session, m Message) Response {
	e.record(s, m, IntentHelp, "", "")
	var buttons []Button
	var ids []string
	for _, id := range e.cfg.Popular {
		if p, err := e.cfg.Procedures.Procedure(ctx, id); err == nil {
			buttons = append(buttons, Button{Label: p.Title, Action: "proc:" + p.ID})
			ids = append(ids, p.ID)
		}
	}
	return Response{Intent: IntentHelp, Candidates: ids, Replies: []Reply{{
		Text:    "Bạn đang hỏi về thủ tục nào? Hãy gõ tên thủ tục (ví dụ: “đăng ký khai sinh”, “đổi bằng lái xe”) hoặc chọn dưới đây:",
		Buttons: buttons,
	}}}
}

// worthOffering returns the first hits of res worth offering as buttons when
// none is answered: at most three, each plausible (suggestConfidence), or
// the first alone when it leads clearly (clearLead).
func worthOffering(res SearchResult) []SearchHit {
	for i, h := range res.Hits {
		if i >= 3 || h.Plausibility < suggestConfidence && !(i == 0 && clearLead(h)) {
			return res.Hits[:i]
		}
	}
	return res.Hits
}

// fallback says politely what the bot can do and records the question for
// staff, in English when the question leans English (leansEnglish). When
// one procedure stands out (clearLead) and is the only one worth offering,
// it asks whether that is the one meant, with its button.
func (e *Engine) fallback(ctx context.Context, s *Session, m Message, res SearchResult) Response {
	offered := worthOffering(res)
	if leansEnglish(m.Text) {
		// A Vietnamese reply the asker cannot read helps no one; the guides
		// worth offering are offered with their English glosses.
		var topics []knowledge.EnglishTopic
		for _, h := range offered {
			if t, ok := e.cfg.English.Topic(h.ID); ok {
				topics = append(topics, t)
			}
		}
		return e.declineInEnglish(ctx, s, m, e.englishScope(), englishOfferNote, topics)
	}
	e.record(s, m, IntentFallback, "", "")
	e.recordUnanswered(ctx, m)
	var buttons []Button
	var ids []string
	for _, h := range offered {
		buttons = append(buttons, Button{Label: h.Title, Action: "proc:" + h.ID})
		ids = append(ids, h.ID)
	}
	const inPerson = "Nếu cần hỗ trợ trực tiếp, hãy liên hệ bộ phận Một cửa của Ủy ban nhân dân xã, phường nơi bạn cư trú, hoặc tổng đài Cổng Dịch vụ công quốc gia 1800 1096."
	var b strings.Builder
	nc := e.uncoveredSubject(res, m.Text)
	// One procedure stands out but not enough to answer: the bot asks
	// whether it is the one meant rather than only refuse.
	confirm := nc == nil && len(ids) == 1 && clearLead(res.Hits[0])
	switch {
	case nc != nil:
		// Where to go instead, for a subject the guides do not cover.
		// It is named, not asserted: a story may mention the subject beside
		// a procedure that was declined for another reason.
		fmt.Fprintf(&b, "Xin lỗi, tôi chưa trả lời được câu hỏi này.\n\nVề %s: %s\n\n", nc.Name, nc.Help)
	case confirm:
		fmt.Fprintf(&b, "Có phải bạn hỏi về thủ tục «%s»?\n\nTôi chưa chắc đã hiểu đúng câu hỏi nên chưa trả lời ngay. Bấm nút dưới đây để xem hướng dẫn thủ tục này, hoặc hỏi lại rõ hơn, ví dụ: “làm lại căn cước cần giấy tờ gì”.\n\n%s", res.Hits[0].Title, inPerson)
	default:
		b.WriteString("Xin lỗi, tôi chưa tìm được thông tin phù hợp với câu hỏi này.\n\n")
	}
	if !confirm {
		b.WriteString("Tôi có thể hướng dẫn các thủ tục hành chính và dịch vụ công trực tuyến: cần giấy tờ gì, các bước, lệ phí, thời gian, nơi nộp và cách làm online; hoặc tra cứu tình trạng hồ sơ khi bạn gửi mã hồ sơ.\n\n")
		b.WriteString("Bạn có thể hỏi lại ngắn gọn hơn, ví dụ: “làm lại căn cước cần giấy tờ gì”. " + inPerson)
		if len(buttons) > 0 {
			b.WriteString("\n\nCó phải bạn muốn hỏi một trong các thủ tục sau?")
		}
	}
	buttons = append(buttons, Button{Label: "Danh mục thủ tục", Action: "menu"})
	return Response{Intent: IntentFallback, Candidates: ids, Replies: []Reply{{Text: b.String(), Buttons: buttons}}}
}

// uncoveredSubject returns the subject outside the guides that the declined
// question names, with where to go instead: the one its search found, or
// else the first the whole message names; nil when there is none or it has
// no help text.
func (e *Engine) uncoveredSubject(res SearchResult, text string) *NotCovered {
	nc := res.NotCovered
	if nc == nil && e.cfg.Topics != nil && text != "" {
		nc = e.cfg.Topics.NotCovered(e.normalize(text))
	}
	if nc == nil || nc.Help == "" {
		return nil
	}
	return nc
}

// clearLead reports whether the best hit, though not trusted enough to
// answer, stands well ahead of the others with nothing in the question
// against it (confidence of at least askConfidence, no negative evidence):
// it is offered as a "did you mean" button on a refusal even when, alone, its
// evidence is thin ("lam ho chiu lan dau can nhung gi").
func clearLead(h SearchHit) bool {
	return h.Confidence >= askConfidence && !h.Evidence.OffTopic && !h.Evidence.Excluded
}

// recordUnanswered keeps a question the bot could not answer, for staff.
func (e *Engine) recordUnanswered(ctx context.Context, m Message) {
	if e.cfg.Unanswered != nil && m.Text != "" {
		if err := e.cfg.Unanswered.RecordUnanswered(ctx, m.Channel, m.Text, m.At); err != nil {
			e.log.WarnContext(ctx, "record unanswered question", "err", err)
		}
	}
}

func (e *Engine) menu(s *Session, intent, greeting string) Response {
	e.record(s, Message{Text: "[menu]"}, intent, "", "")
	var buttons []Button
	for _, id := range e.cfg.Popular {
		if p, err := e.cfg.Procedures.Procedure(context.Background(), id); err == nil {
			buttons = append(buttons, Button{Label: p.Title, Action: "proc:" + p.ID})
		}
	}
	buttons = append(buttons, Button{Label: "Tra cứu hồ sơ", Action: "dossier"}, Button{Label: "Các lĩnh vực", Action: "fields"})
	text := greeting + "\n\nBạn có thể hỏi tôi bằng tiếng Việt thông thường, có dấu hay không dấu, ví dụ:\n• làm lại căn cước cần giấy tờ gì\n• đăng ký khai sinh ở đâu\n• đổi bằng lái xe mất bao lâu\n\nNếu đã nộp hồ sơ, hãy gửi mã hồ sơ để tra cứu tình trạng. Dưới đây là một số thủ tục nhiều người hỏi:"
	return Response{Intent: intent, Candidates: []string{}, Replies: []Reply{{Text: strings.TrimSpace(text), Buttons: buttons}}}
}

func (e *Engine) help(s *Session, lead string) Response {
	if lead == "" {
		lead = "Tôi giúp bạn tìm hiểu thủ tục hành chính và dịch vụ công trực tuyến."
	}
	return e.menu(s, IntentHelp, lead)
}

// fields lists the fields (lĩnh vực) as buttons.
func (e *Engine) fields(s *Session) Response {
	seen := map[string]bool{}
	var buttons []Button
	for _, p := range e.cfg.Procedures.All() {
		if p.Field != "" && !seen[p.Field] {
			seen[p.Field] = true
			buttons = append(buttons, Button{Label: p.Field, Action: "field:" + p.Field})
		}
	}
	return Response{Intent: IntentHelp, Candidates: []string{}, Replies: []Reply{{Text: "Chọn lĩnh vực bạn quan tâm:", Buttons: buttons}}}
}

func (e *Engine) field(s *Session, name string) Response {
	var buttons []Button
	var ids []string
	for _, p := range e.cfg.Procedures.All() {
		if p.Field == name {
			buttons = append(buttons, Button{Label: p.Title, Action: "proc:" + p.ID})
			ids = append(ids, p.ID)
		}
	}
	if len(buttons) == 0 {
		return e.help(s, "Không có thủ tục nào trong lĩnh vực này.")
	}
	return Response{Intent: IntentHelp, Candidates: ids, Replies: []Reply{{Text: "Các thủ tục thuộc lĩnh vực **" + name + "**:", Buttons: buttons}}}
}

// handleAction answers a pressed button. Unknown actions get the menu.
func (e *Engine) handleAction(ctx context.Context, s *Session, m Message) Response {
	kind, rest, _ := strings.Cut(m.Action, ":")
	switch kind {
	case "proc", "sec":
		id, section, _ := strings.Cut(rest, ":")
		if section != "" && !validSection(section) {
			break
		}
		p, err := e.cfg.Procedures.Procedure(ctx, id)
		if err != nil {
			return e.help(s, "Thủ tục này không còn trong danh mục. Bạn hãy chọn thủ tục khác hoặc gõ câu hỏi.")
		}
		if kind == "proc" && s.Pending == PendingChoice && validSection(s.PendingArg) {
			section = s.PendingArg // answer the section asked before the choice
		}
		return e.answer(ctx, s, m, p, section, SearchResult{})
	case "fb":
		vote, seqStr, _ := strings.Cut(rest, ":")
		seq, err := strconv.ParseInt(seqStr, 10, 64)
		if (vote == "up" || vote == "down") && err == nil {
			return e.feedback(ctx, s, m, vote, seq)
		}
	case "menu":
		return e.menu(s, IntentHelp, "Bạn cần hỏi về thủ tục nào?")
	case "help":
		return e.help(s, "")
	case "fields":
		return e.fields(s)
	case "field":
		return e.field(s, rest)
	case "dossier":
		return e.askDossierCode(s, m)
	case "sub":
		return e.subscribe(ctx, s, m, rest)
	case "inbox":
		return e.inbox(ctx, m)
	}
	return e.help(s, "Xin lỗi, tôi không hiểu lựa chọn này (có thể nút đã cũ). Bạn hãy gõ câu hỏi hoặc chọn lại:")
}

// TurnEvent is one answered message, for statistics.
type TurnEvent struct {
	At              time.Time `bson:"at" json:"at"`
	Channel         string    `bson:"channel" json:"channel"`
	ChatID          string    `bson:"chat_id" json:"-"`
	Intent          string    `bson:"intent" json:"intent"`
	ProcedureID     string    `bson:"procedure_id,omitempty" json:"procedure_id,omitempty"`
	Section         string    `bson:"section,omitempty" json:"section,omitempty"`
	NewConversation bool      `bson:"new_conversation" json:"new_conversation"`
}

// EventSink records turns.
type EventSink interface {
	RecordTurn(ctx context.Context, e TurnEvent) error
}

// InboxSource hands over notifications queued for a chat, each once.
type InboxSource interface {
	Inbox(ctx context.Context, channel, chatID string) ([]InboxItem, error)
}

// inbox returns queued notifications (dossier news, officers' replies) as
// replies and as Messages (none when there are none).
func (e *Engine) inbox(ctx context.Context, m Message) Response {
	r := Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{}, Messages: []InboxMessage{}}
	if e.cfg.Inbox == nil {
		return r
	}
	items, err := e.cfg.Inbox.Inbox(ctx, m.Channel, m.ChatID)
	if err != nil {
		e.log.Warn("inbox", "err", err)
	}
	for _, it := range items {
		from := it.From
		if from == "" || from == "system" {
			from = FromBot
		}
		at := it.At
		if at.IsZero() {
			at = m.At
		}
		text := it.Text
		if from == "staff" {
			text = StaffPrefix(it.Author) + text
		}
		reply := Reply{Text: text}
		if isRatingRequest(it.ID) {
			reply.Buttons = ratingButtons() // the web chat shows them under the question
		}
		r.Replies = append(r.Replies, reply)
		r.Messages = append(r.Messages, InboxMessage{From: from, Author: it.Author, Text: it.Text, At: at})
	}
	return r
}

// StaffPrefix introduces an officer's reply on channels that show it as plain
// text: "👤 Cán bộ Nguyễn Văn An: ".
func StaffPrefix(author string) string {
	if author == "" {
		return "👤 Cán bộ: "
	}
	return "👤 Cán bộ " + author + ": "
}

// command recognises slash commands (/start, /help, /menu, /tracuu CODE).
func command(text string) (string, string) {
	if !strings.HasPrefix(text, "/") {
		return "", ""
	}
	cmd, arg, _ := strings.Cut(text[1:], " ")
	cmd, _, _ = strings.Cut(cmd, "@") // /start@dvcbot in groups
	return strings.ToLower(cmd), strings.TrimSpace(arg)
}

func (e *Engine) handleCommand(ctx context.Context, s *Session, m Message, cmd, arg string) Response {
	switch cmd {
	case "start":
		s.Pending = PendingNone
		return e.menu(s, IntentGreeting, "Xin chào! Tôi là trợ lý hướng dẫn thủ tục hành chính và dịch vụ công trực tuyến.")
	case "help", "menu":
		s.Pending = PendingNone
		return e.help(s, "")
	case "tracuu":
		if code := e.cfg.DossierPattern.FindString(arg); code != "" {
			return e.dossierCode(ctx, s, m, strings.ToUpper(code))
		}
		return e.askDossierCode(s, m)
	}
	return e.help(s, "Lệnh này không có. Các lệnh: /start, /help, /menu, /tracuu <mã hồ sơ>, /canbo (gặp cán bộ).")
}

func (e *Engine) feedback(ctx context.Context, s *Session, m Message, vote string, seq int64) Response {
	t, ok := s.turn(seq)
	if ok && e.cfg.Feedback != nil {
		f := Feedback{Channel: m.Channel, ChatID: m.ChatID, Seq: seq, Vote: vote, Question: t.Text, Answer: t.Answer, ProcedureID: t.ProcedureID, Section: t.Section, At: m.At}
		if err := e.cfg.Feedback.SaveFeedback(ctx, f); err != nil {
			e.log.Warn("save feedback", "err", err)
		}
	}
	text := "Cảm ơn bạn đã đánh giá! Ý kiến của bạn giúp chúng tôi cải thiện câu trả lời."
	if vote == "down" {
		text = "Cảm ơn bạn đã góp ý. Chúng tôi sẽ xem lại câu trả lời này. Bạn có thể hỏi lại theo cách khác, hoặc liên hệ bộ phận Một cửa của Ủy ban nhân dân xã, phường để được hỗ trợ trực tiếp."
	}
	return Response{Intent: IntentFeedback, ProcedureID: t.ProcedureID, Section: t.Section, Candidates: []string{}, Replies: []Reply{{Text: text}}}
}

// maxAnswerExcerpt is how much of an answer is kept with its turn.
const maxAnswerExcerpt = 300

// excerpt returns at most n runes of s.
func excerpt(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func validSection(s string) bool {
	switch s {
	case SectionOverview, SectionDocuments, SectionSteps, SectionFees, SectionTime, SectionAgency, SectionOnline, SectionConditions, SectionLegal:
		return true
	}
	return false
}

// keyedMutex serialises work per key.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedEntry{}
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// channelWords are the words of the online channel (online, trực tuyến,
// VNeID, dịch vụ công, app …) and of filing in general ("nộp hồ sơ"), which
// name the channel guides rather than a procedure.
var channelWords = append(slices.Clip(onlineAndAppCues), cues("nộp hồ sơ", "làm hồ sơ", "hồ sơ", "dịch vụ công", "dvc")...)

// withoutChannel returns text, normalized, without the words of the online
// channel and of handing in a file (channelWords); ok is false when it holds
// none of them.
func (e *Engine) withoutChannel(text string) (rest string, ok bool) {
	w := splitWords(e.normalize(text))
	kept := unmasked(w.acc, channelWords.mask(w))
	return strings.Join(kept, " "), len(kept) < len(w.acc)
}

// namedBesideChannel returns the guide text names whole once the channel's
// words (channelWords) are left out, when the search is confident of it, it
// is not itself a guide to the channel and the whole text does not say it is
// not about it (its not_about).
func (e *Engine) namedBesideChannel(ctx context.Context, text string) (knowledge.Procedure, bool) {
	rest, ok := e.withoutChannel(text)
	if !ok || rest == "" {
		return knowledge.Procedure{}, false
	}
	res, err := e.searchWithin(ctx, rest, text)
	if err != nil || !namesOneGuide(res) {
		return knowledge.Procedure{}, false
	}
	p, err := e.cfg.Procedures.Procedure(ctx, res.Hits[0].ID)
	if err != nil || e.onlineTopic(p) || p.IsOfficial() || e.excludes(p.ID, e.normalize(text)) {
		// Nor a guide the whole message says it is not about: "trên VNeID
		// năm sinh sai so với giấy khai sinh" is the population data, not
		// a correction of the birth record.
		return knowledge.Procedure{}, false
	}
	return p, true
}

// askedParts returns the parts of text that may be what it asks, the
// sentence that asks (questionSentence), the words after its last "thì"
// (afterThen) and, in a message of several clauses, each clause that asks
// ("rút bhxh 1 lần tự nộp online được không, sợ bị lừa qua dịch vụ ngoài"),
// each once; none when text is one clause without a "thì". whole counts the
// parts before the clauses (a sentence or what follows a "thì").
func (e *Engine) askedParts(text string) (parts []string, whole int) {
	if qs := questionSentence(text); qs != "" {
		parts = append(parts, qs)
	}
	if rest, ok := afterThen(text); ok && !slices.Contains(parts, rest) {
		parts = append(parts, rest)
	}
	whole = len(parts)
	if cs := clauses(text); len(cs) > 1 {
		for _, c := range cs {
			if asks(e.normalize(c)) && !slices.Contains(parts, c) {
				parts = append(parts, c)
			}
		}
	}
	return parts, whole
}
