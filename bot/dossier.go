package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// DossierService looks up dossier statuses for citizens after verification.
type DossierService interface {
	// Lookup returns what a citizen may see of dossier code when phone4 are the
	// last four digits of the applicant's phone. An unknown code and wrong digits
	// both give an error wrapping ErrNotFound (indistinguishable on purpose); a
	// locked code or a session over its lookup budget gives ErrRateLimited; a
	// source that cannot answer now gives ErrDossierUnavailable (not a failed try).
	Lookup(ctx context.Context, q DossierQuery) (DossierView, error)
	// Subscribe asks to be told, on channel/chatID, when the dossier's status
	// changes. The code must have been verified by this chat. ErrDossierUnavailable
	// when the dossier's source cannot answer now.
	Subscribe(ctx context.Context, code, channel, chatID string) error
}

// DossierQuery is one verification attempt.
type DossierQuery struct {
	Code    string
	Phone4  string
	Channel string
	ChatID  string
	At      time.Time
	// ClientIP is the requester's address when the channel knows it (web);
	// failures count against it as well as against the chat.
	ClientIP string
}

// DossierView is what the citizen may see: never the phone, never the full name.
type DossierView struct {
	Code          string
	ProcedureName string
	Status        string // contract status value
	StatusLabel   string // Vietnamese label
	MaskedName    string // e.g. "Nguyễn T. H."
	Agency        string
	ReceivedAt    time.Time
	DueAt         time.Time
	CompletedAt   time.Time
	Note          string
	Overdue       bool
	NextStep      string // what to do now, for this status
}

func (e *Engine) askDossierCode(s *Session, m Message) Response {
	s.Pending, s.PendingArg = PendingDossierCode, ""
	e.record(s, m, IntentDossier, "", "")
	return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{
		Text: "Bạn hãy gửi **mã hồ sơ** in trên giấy biên nhận (ví dụ: 000.00.12.H57-241022-0001).",
	}}}
}

func (e *Engine) dossierCode(ctx context.Context, s *Session, m Message, code string) Response {
	e.record(s, withoutPhoneDigits(m, code), IntentDossier, "", "")
	if e.cfg.Dossiers == nil {
		return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{
			Text:    "Xin lỗi, hiện chưa tra cứu được hồ sơ qua trợ lý này. Bạn có thể tra cứu trên Cổng Dịch vụ công quốc gia (mục Tra cứu hồ sơ) bằng mã hồ sơ.",
			Buttons: []Button{{Label: "Mở Cổng Dịch vụ công", URL: e.cfg.PortalURL}},
		}}}
	}
	if digits, ok := lastFourDigits(strings.ReplaceAll(m.Text, code, "")); ok && strings.Contains(strings.ToLower(m.Text), strings.ToLower(code)) && countDigitRuns(strings.ReplaceAll(strings.ToUpper(m.Text), code, "")) == 1 {
		s.Pending, s.PendingArg = PendingDossierPhone, code
		return e.dossierVerify(ctx, s, m, digits)
	}
	s.Pending, s.PendingArg = PendingDossierPhone, code
	return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{
		Text: "Để bảo vệ thông tin cá nhân, bạn hãy gửi **4 số cuối** số điện thoại của người nộp hồ sơ " + code + ".",
	}}}
}

func (e *Engine) dossierVerify(ctx context.Context, s *Session, m Message, digits string) Response {
	code := s.PendingArg
	e.record(s, withoutPhoneDigits(m, code), IntentDossier, "", "")
	if e.cfg.Dossiers == nil || code == "" {
		s.Pending = PendingNone
		return e.askDossierCode(s, m)
	}
	v, err := e.cfg.Dossiers.Lookup(ctx, DossierQuery{Code: code, Phone4: digits, Channel: m.Channel, ChatID: m.ChatID, At: m.At, ClientIP: m.ClientIP})
	switch {
	case errors.Is(err, ErrRateLimited):
		s.Pending, s.PendingArg = PendingNone, ""
		return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{
			Text: "Bạn đã thử quá nhiều lần. Vì an toàn, việc tra cứu mã hồ sơ này tạm khóa, vui lòng thử lại sau khoảng 1 giờ hoặc liên hệ bộ phận Một cửa nơi nộp hồ sơ.",
		}}}
	case errors.Is(err, ErrNotFound):
		return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{
			Text: "Không tìm thấy hồ sơ khớp với mã và 4 số cuối điện thoại bạn gửi. Bạn hãy kiểm tra lại mã trên giấy biên nhận và gửi lại 4 số cuối, hoặc gửi mã hồ sơ khác.",
		}}}
	case errors.Is(err, ErrDossierUnavailable):
		e.log.Warn("dossier lookup: source unavailable", "err", err)
		return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{dossierUnavailableReply()}}
	case err != nil:
		e.log.Error("dossier lookup", "err", err)
		return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{Text: "Xin lỗi, hệ thống tra cứu đang gặp sự cố. Bạn vui lòng thử lại sau ít phút."}}}
	}
	s.Pending, s.PendingArg = PendingNone, ""
	buttons := []Button{{Label: "🔔 Báo cho tôi khi có thay đổi", Action: "sub:" + v.Code}}
	return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{Text: RenderDossier(v), Buttons: buttons}}}
}

func (e *Engine) subscribe(ctx context.Context, s *Session, m Message, code string) Response {
	e.record(s, m, IntentDossier, "", "")
	if e.cfg.Dossiers == nil {
		return e.help(s, "")
	}
	if err := e.cfg.Dossiers.Subscribe(ctx, code, m.Channel, m.ChatID); err != nil {
		if errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound) {
			return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{Text: "Bạn cần tra cứu và xác minh hồ sơ này trước khi đăng ký nhận thông báo."}}}
		}
		if errors.Is(err, ErrDossierUnavailable) {
			e.log.Warn("dossier subscribe: source unavailable", "err", err)
			return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{dossierUnavailableReply()}}
		}
		e.log.Error("dossier subscribe", "err", err)
		return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{Text: "Xin lỗi, chưa đăng ký nhận thông báo được. Bạn vui lòng thử lại sau."}}}
	}
	return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{Text: "Đã đăng ký. Tôi sẽ nhắn cho bạn khi hồ sơ " + code + " thay đổi trạng thái."}}}
}

// dossierUnavailableReply is the honest answer when the province's system
// cannot answer: never "not found", and an officer to turn to (the "handoff"
// action asks for one).
func dossierUnavailableReply() Reply {
	return Reply{
		Text:    "Hệ thống tra cứu của tỉnh đang bận, vui lòng thử lại sau.",
		Buttons: []Button{{Label: "Gặp cán bộ", Action: "handoff"}},
	}
}

// vnZone is Vietnam time (UTC+7, no daylight saving).
var vnZone = time.FixedZone("ICT", 7*3600)

// RenderDossier writes the citizen-facing status of a dossier.
func RenderDossier(v DossierView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Hồ sơ %s**\n", v.Code)
	fmt.Fprintf(&b, "Trạng thái: **%s**\n", v.StatusLabel)
	if v.ProcedureName != "" {
		fmt.Fprintf(&b, "Thủ tục: %s\n", v.ProcedureName)
	}
	if v.MaskedName != "" {
		fmt.Fprintf(&b, "Người nộp: %s\n", v.MaskedName)
	}
	if v.Agency != "" {
		fmt.Fprintf(&b, "Cơ quan: %s\n", v.Agency)
	}
	if !v.ReceivedAt.IsZero() {
		fmt.Fprintf(&b, "Ngày tiếp nhận: %s\n", v.ReceivedAt.In(vnZone).Format("02/01/2006"))
	}
	if !v.DueAt.IsZero() {
		fmt.Fprintf(&b, "Ngày hẹn trả: %s\n", v.DueAt.In(vnZone).Format("02/01/2006"))
	}
	if !v.CompletedAt.IsZero() {
		fmt.Fprintf(&b, "Ngày có kết quả: %s\n", v.CompletedAt.In(vnZone).Format("02/01/2006"))
	}
	if v.Overdue {
		b.WriteString("⚠️ Hồ sơ đã quá hạn hẹn trả. Bạn có quyền đề nghị cơ quan giải quyết cho biết lý do và ngày hẹn mới.\n")
	}
	if v.Note != "" {
		fmt.Fprintf(&b, "Ghi chú: %s\n", v.Note)
	}
	if v.NextStep != "" {
		fmt.Fprintf(&b, "\n%s", v.NextStep)
	}
	return strings.TrimSpace(b.String())
}

// VerificationText stands in the session history for a message that carried
// phone digits: only that a verification was attempted is kept.
const VerificationText = "[xác minh 4 số cuối điện thoại]"

// withoutPhoneDigits is m as the history may keep it: a message with the code
// and other digits keeps only the code; an answer of digits becomes
// VerificationText.
func withoutPhoneDigits(m Message, code string) Message {
	if !strings.ContainsFunc(m.Text, unicode.IsDigit) {
		return m
	}
	up := strings.ToUpper(m.Text)
	i := strings.Index(up, code)
	if code == "" || i < 0 {
		m.Text = VerificationText
		return m
	}
	rest := up[:i] + up[i+len(code):]
	if strings.ContainsFunc(rest, unicode.IsDigit) {
		m.Text = code + " " + VerificationText
	}
	return m
}

// lastFourDigits extracts exactly four digits when the text is (mostly) a 4-digit
// answer: "1234", "số cuối 1234", "0912 34 5678" is not accepted (too many).
func lastFourDigits(text string) (string, bool) {
	var digits []rune
	for _, r := range text {
		if unicode.IsDigit(r) {
			digits = append(digits, r)
		}
	}
	if len(digits) != 4 {
		return "", false
	}
	return string(digits), true
}

func countDigitRuns(s string) int {
	n, in := 0, false
	for _, r := range s {
		d := unicode.IsDigit(r)
		if d && !in {
			n++
		}
		in = d
	}
	return n
}

// A citizen asking where their own submitted file stands ("hồ sơ sổ đỏ của
// tôi nộp 3 tháng rồi sao chưa có") needs its status, which only the file's
// code can give: the bot asks for the code instead of explaining a
// procedure. submittedCues say a file was handed in, waitCues that its
// outcome is still awaited or asked for; lookupHowCues ask how to look a file
// up oneself, which the lookup guide answers ("nộp hồ sơ 10 ngày rồi chưa
// thấy gì, tra cứu ở đâu"), and askForMeCues ask the bot to look ("xem giúp
// bà hồ sơ tới đâu rồi"), which overrides them.
var (
	submittedCues = cues("nộp", "đã làm", "đã đăng ký", "đã gửi", "gửi hồ sơ", "nộp hs")
	waitCues      = cues("chưa thấy", "chưa được duyệt", "chưa duyệt", "duyệt chưa", "chưa có", "chưa xong", "xong chưa",
		"chưa trả", "chưa nhận được", "chưa về", "hẹn mãi", "hẹn hoài", "hẹn đi hẹn lại", "đến đâu rồi", "tới đâu rồi",
		"sao lâu", "lâu vậy", "lâu thế", "chưa giải quyết", "chưa đc duyệt")
	lookupHowCues = cues("tra cứu", "tra", "kiểm tra", "xem", "coi", "theo dõi", "cách nào", "ở đâu", "chỗ nào", "trang nào",
		"làm sao biết", "làm sao để biết", "tiến độ")
	askForMeCues = cues("xem giúp", "xem giùm", "check giúp", "kiểm tra giúp", "kiểm tra giùm", "tra giúp", "tra giùm")
	neverCues    = cues("chưa bao giờ", "chưa có bao giờ")
)

// asksOwnDossier reports whether w asks where the asker's own submitted file
// stands, and not how long the procedure takes in general ("bình thường mất
// bao lâu") or how to look a file up.
func asksOwnDossier(w words) bool {
	at, n := submittedCues.find(w)
	if at < 0 {
		return false
	}
	rest := words{acc: w.acc[at+n:], fold: w.fold[at+n:], literal: w.literal}
	if i, _ := waitCues.find(rest); i < 0 {
		return false
	}
	if i, _ := neverCues.find(w); i >= 0 {
		return false
	}
	if i, _ := durationCues.find(w); i >= 0 {
		return false
	}
	if i, _ := askForMeCues.find(w); i >= 0 {
		return true
	}
	i, _ := lookupHowCues.find(w)
	return i < 0
}

// ownDossier answers a question about the asker's own file: only its code
// tells where it stands, so the bot asks for it (the next message with a code
// is looked up) and says who else can tell.
func (e *Engine) ownDossier(s *Session, m Message) Response {
	s.Pending, s.PendingArg = PendingDossierCode, ""
	e.record(s, m, IntentDossier, "", "")
	return Response{Intent: IntentDossier, Candidates: []string{}, Replies: []Reply{{
		Text: "Tôi chỉ xem được tình trạng một hồ sơ khi có **mã hồ sơ** (in trên giấy biên nhận hoặc trong tin nhắn xác nhận khi nộp trực tuyến, ví dụ: 000.00.12.H57-241022-0001). Bạn gửi mã để tôi tra cứu.\n" +
			"Nếu hồ sơ đã quá ngày hẹn trả hoặc bạn cần biết lý do chậm, bạn hỏi trực tiếp bộ phận một cửa nơi đã nộp, hoặc gửi phản ánh trên Cổng Dịch vụ công quốc gia.",
	}}}
}
