package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Vietnam time everywhere
)

// IntentHandoff is the intent of a turn about reaching a person: the request,
// the queue position, messages relayed to the officer, the closing rating.
const IntentHandoff = "handoff"

// ActionHandoff is the button data of "Gặp cán bộ".
const ActionHandoff = "handoff"

// HandoffDesk is the queue of conversations handed over to officers.
type HandoffDesk interface {
	// Request opens a conversation for the chat, or returns the one r.ID names
	// when it exists (a retried turn asks once), and says where it stands.
	Request(ctx context.Context, r HandoffRequest) (HandoffTicket, error)
	// State says where conversation id stands.
	State(ctx context.Context, id string) (HandoffState, error)
	// Note adds a message of the citizen (FromCitizen) or the bot to the
	// conversation's transcript; the same (id, from, at) is added once.
	Note(ctx context.Context, id, from, text string, at time.Time) error
	// Leave closes the conversation at the citizen's request.
	Leave(ctx context.Context, id string, at time.Time) error
	// Rate keeps the citizen's 1–5 rating of a closed conversation.
	Rate(ctx context.Context, id string, rating int, at time.Time) error
}

// HandoffRequest is a citizen's request for a person.
type HandoffRequest struct {
	ID      string // deterministic per turn
	Channel string
	ChatID  string
	Text    string // what the citizen wrote
	Queue   string // the field of the procedure under discussion ("" = general)
	Topic   string
	History []Turn // the conversation so far, for the officer
	At      time.Time
}

// HandoffTicket says where a request stands.
type HandoffTicket struct {
	ID         string
	Status     string
	Position   int           // place in the queue (1 = next); 0 when unknown
	Wait       time.Duration // expected wait, when Estimated
	Estimated  bool          // officers are seen working, so Wait is an estimate
	AfterHours bool          // nobody works now: a written answer comes later
	NextOpen   time.Time     // when officers work again (AfterHours)
	Hours      string        // the working hours, for citizens
}

// HandoffState is a conversation's state as the engine needs it.
type HandoffState struct {
	Status   string // "waiting", "active" or "closed"
	Assignee string // the officer's name
	Rated    bool
	ClosedBy string
}

// Transcript authors for Note.
const (
	FromCitizen = "citizen"
	FromBot     = "bot"
)

// handoffCues ask for a person.
var handoffCues = cues("gặp cán bộ", "gặp cb", "gặp người", "người thật", "nói chuyện với người", "tư vấn viên", "nhân viên tư vấn",
	"nhân viên hỗ trợ", "gặp nhân viên", "tổng đài viên", "chuyển cán bộ", "chuyển cho cán bộ", "cán bộ hỗ trợ", "cán bộ tư vấn",
	"cần cán bộ", "hỏi cán bộ", "liên hệ cán bộ", "kết nối cán bộ", "nhờ cán bộ", "human", "real person", "talk to a person", "live agent")

// endCues end a handoff conversation.
var endCues = cues("kết thúc", "ket thuc", "thoát", "dừng", "hủy yêu cầu", "huỷ yêu cầu", "không cần nữa", "end", "stop")

// maxCueWords: a message longer than this is a question that mentions an
// officer, not a request for one.
const maxCueWords = 12

// wantsPerson reports whether the message asks for an officer.
func wantsPerson(m Message) bool {
	if m.Action == ActionHandoff {
		return true
	}
	if cmd, _ := command(m.Text); cmd == "canbo" || cmd == "gapcanbo" {
		return true
	}
	w := splitWords(m.Text)
	if len(w.fold) == 0 || len(w.fold) > maxCueWords {
		return false
	}
	i, _ := handoffCues.find(w)
	return i >= 0
}

// wantsEnd reports whether the message ends the handoff.
func wantsEnd(m Message) bool {
	if m.Action == ActionHandoff+":end" {
		return true
	}
	if cmd, _ := command(m.Text); cmd == "ketthuc" || cmd == "end" {
		return true
	}
	w := splitWords(m.Text)
	if len(w.fold) == 0 || len(w.fold) > 4 {
		return false
	}
	i, _ := endCues.find(w)
	return i >= 0
}

// ratingOf reads a 1–5 rating: a "rate:N" button or a message that is the
// digit (with "sao"/"điểm" at most).
func ratingOf(m Message) (int, bool) {
	if v, ok := strings.CutPrefix(m.Action, "rate:"); ok {
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= 1 && n <= 5
	}
	w := splitWords(m.Text)
	if len(w.fold) == 0 || len(w.fold) > 2 || (len(w.fold) == 2 && w.fold[1] != "sao" && w.fold[1] != "diem") {
		return 0, false
	}
	n, err := strconv.Atoi(w.fold[0])
	return n, err == nil && n >= 1 && n <= 5
}

// handoffID names the conversation a turn opens; the same turn (retried)
// names the same one.
func handoffID(key string, at time.Time) string {
	h := sha256.Sum256([]byte(key))
	return "hf_" + hex.EncodeToString(h[:5]) + "_" + strconv.FormatInt(at.UnixNano(), 36)
}

// handoffTurn handles a message that concerns the handoff: a request for a
// person, a message while an officer holds the conversation, ending it, the
// rating. ok is false when the bot should answer as usual; noteBot then says
// the bot's answer belongs in the transcript (the conversation is waiting).
func (e *Engine) handoffTurn(ctx context.Context, s *Session, m Message) (r Response, ok, noteBot bool) {
	desk := e.cfg.Handoff
	if m.Action == "inbox" {
		return Response{}, false, false
	}
	wants := wantsPerson(m)
	if s.Handoff != "" && desk != nil {
		st, err := once(ctx, "handoff state "+s.Handoff, func() (HandoffState, error) { return desk.State(ctx, s.Handoff) })
		if err != nil {
			e.log.WarnContext(ctx, "handoff state", "conversation", s.Handoff, "err", err)
			s.Handoff = ""
		} else {
			switch st.Status {
			case "waiting", "active":
				if wantsEnd(m) {
					if err := desk.Leave(ctx, s.Handoff, m.At); err != nil {
						e.log.ErrorContext(ctx, "handoff leave", "err", err)
						return e.handoffTrouble(s, m), true, false
					}
					e.record(s, m, IntentHandoff, "", "")
					return e.askRating(s, "Bạn đã kết thúc cuộc trò chuyện với cán bộ."), true, false
				}
				if wants {
					t, err := desk.Request(ctx, HandoffRequest{ID: s.Handoff, Channel: m.Channel, ChatID: m.ChatID, At: m.At})
					if err == nil {
						e.record(s, m, IntentHandoff, "", "")
						return e.handoffTicket(m, t, true), true, false
					}
				}
				if cmd, _ := command(m.Text); cmd != "" || (m.Action != "" && !strings.HasPrefix(m.Action, ActionHandoff)) {
					// Commands and buttons are the bot's, even while an officer answers.
					return Response{}, false, false
				}
				e.noteHandoff(ctx, s.Handoff, FromCitizen, messageText(m), m.At)
				if st.Status == "active" {
					// The officer answers: the bot stays silent.
					e.record(s, m, IntentHandoff, "", "")
					return Response{Intent: IntentHandoff, Replies: []Reply{}}, true, false
				}
				return Response{}, false, true
			default: // closed
				if n, isRating := ratingOf(m); isRating && !st.Rated {
					if err := desk.Rate(ctx, s.Handoff, n, m.At); err != nil {
						e.log.WarnContext(ctx, "handoff rating", "err", err)
					}
					s.Handoff = ""
					e.record(s, m, IntentHandoff, "", "")
					return Response{Intent: IntentHandoff, Replies: []Reply{{Text: "Cảm ơn bạn đã đánh giá! Trợ lý tự động tiếp tục hỗ trợ bạn: hãy gõ câu hỏi về thủ tục cần làm."}}}, true, false
				}
				s.Handoff = "" // the bot answers again
			}
		}
	}
	if !wants {
		return Response{}, false, false
	}
	e.record(s, m, IntentHandoff, "", "")
	if desk == nil {
		return Response{Intent: IntentHandoff, Replies: []Reply{{Text: "Hiện kênh này chưa có cán bộ trực tuyến. Bạn có thể liên hệ bộ phận Một cửa của Ủy ban nhân dân xã, phường nơi bạn cư trú, hoặc tổng đài Cổng Dịch vụ công quốc gia 1800 1096 để được hỗ trợ trực tiếp.",
			Buttons: []Button{{Label: "Danh mục thủ tục", Action: "menu"}}}}}, true, false
	}
	req := HandoffRequest{ID: handoffID(s.Key, m.At), Channel: m.Channel, ChatID: m.ChatID, Text: messageText(m), Topic: s.Topic, At: m.At}
	if s.Topic != "" {
		if p, err := e.cfg.Procedures.Procedure(ctx, s.Topic); err == nil {
			req.Queue = p.Field
		}
	}
	for _, t := range s.History {
		if t.Intent != IntentHandoff && t.Text != "" && !strings.HasPrefix(t.Text, "[") {
			req.History = append(req.History, t)
		}
	}
	t, err := once(ctx, "handoff request "+req.ID, func() (HandoffTicket, error) { return desk.Request(ctx, req) })
	if err != nil {
		e.log.ErrorContext(ctx, "handoff request", "err", err)
		return e.handoffTrouble(s, m), true, false
	}
	s.Handoff, s.Misses = t.ID, 0
	return e.handoffTicket(m, t, false), true, false
}

// messageText is what a message says, for a transcript.
func messageText(m Message) string {
	if m.Text != "" {
		return m.Text
	}
	return "[" + m.Action + "]"
}

// noteHandoff adds a line to the transcript once the turn is saved.
func (e *Engine) noteHandoff(ctx context.Context, id, from, text string, at time.Time) {
	desk := e.cfg.Handoff
	if err := deferEffect(ctx, func(ctx context.Context) error { return desk.Note(ctx, id, from, text, at) }); err != nil {
		e.log.WarnContext(ctx, "handoff note", "err", err)
	}
}

func (e *Engine) handoffTrouble(s *Session, m Message) Response {
	return Response{Intent: IntentHandoff, Replies: []Reply{{Text: "Xin lỗi, hiện chưa chuyển được yêu cầu tới cán bộ. Bạn vui lòng thử lại sau ít phút, hoặc liên hệ bộ phận Một cửa của Ủy ban nhân dân xã, phường nơi bạn cư trú, tổng đài 1800 1096."}}}
}

// handoffTicket tells the citizen where the request stands.
func (e *Engine) handoffTicket(m Message, t HandoffTicket, again bool) Response {
	var b strings.Builder
	switch {
	case again && t.Status == "active":
		b.WriteString("Cán bộ đang trò chuyện với bạn. Bạn cứ nhắn, cán bộ sẽ trả lời tại đây.")
	case t.AfterHours:
		if again {
			b.WriteString("Yêu cầu gặp cán bộ của bạn đã được ghi nhận. ")
		} else {
			b.WriteString("Đã ghi nhận yêu cầu gặp cán bộ của bạn. ")
		}
		b.WriteString("Hiện đang ngoài giờ làm việc")
		if t.Hours != "" {
			b.WriteString(" (giờ làm việc: " + t.Hours + ")")
		}
		b.WriteString(". Bạn hãy nhắn đầy đủ câu hỏi tại đây; cán bộ sẽ trả lời bằng văn bản")
		if !t.NextOpen.IsZero() {
			b.WriteString(" từ " + describeWhen(t.NextOpen, m.At))
		} else {
			b.WriteString(" vào ngày làm việc tiếp theo")
		}
		b.WriteString(", ngay trong cuộc trò chuyện này")
		if m.Channel == ChannelWeb {
			b.WriteString(" (bạn sẽ thấy câu trả lời khi mở lại trang này)")
		}
		b.WriteString(".")
	default:
		if again {
			b.WriteString("Bạn đang trong hàng chờ gặp cán bộ.")
		} else {
			b.WriteString("Đã chuyển yêu cầu của bạn tới cán bộ.")
		}
		switch {
		case t.Estimated && t.Wait < time.Minute:
			b.WriteString(" Cán bộ sẽ trả lời bạn trong ít phút.")
		case t.Estimated:
			fmt.Fprintf(&b, " Bạn đang ở vị trí số %d, thời gian chờ dự kiến khoảng %s.", t.Position, minutesVi(t.Wait))
		case t.Position > 0:
			fmt.Fprintf(&b, " Bạn đang ở vị trí số %d trong hàng chờ; cán bộ sẽ trả lời ngay khi có thể.", t.Position)
		}
		b.WriteString(" Trong lúc chờ, bạn cứ nhắn câu hỏi: cán bộ sẽ đọc được toàn bộ cuộc trò chuyện.")
	}
	b.WriteString("\n\nGõ “kết thúc” khi không cần hỗ trợ nữa.")
	return Response{Intent: IntentHandoff, Replies: []Reply{{Text: b.String(), Buttons: []Button{{Label: "Kết thúc", Action: ActionHandoff + ":end"}}}}}
}

// askRating asks the citizen for a 1–5 rating.
func (e *Engine) askRating(s *Session, lead string) Response {
	return Response{Intent: IntentHandoff, Replies: []Reply{{Text: lead + " Bạn hài lòng thế nào với sự hỗ trợ của cán bộ? Chọn từ 1 (rất không hài lòng) đến 5 (rất hài lòng).", Buttons: ratingButtons()}}}
}

// ratingButtons are the "1 ★" … "5 ★" answers to the rating question.
func ratingButtons() []Button {
	var buttons []Button
	for i := 1; i <= 5; i++ {
		buttons = append(buttons, Button{Label: strconv.Itoa(i) + " ★", Action: "rate:" + strconv.Itoa(i)})
	}
	return buttons
}

// isRatingRequest reports whether a queued notification is the rating
// question the handoff desk sends when an officer closes a conversation (its
// id is "handoff:<conversation>:closed"), so a pull channel can offer the
// rating buttons with it.
func isRatingRequest(notificationID string) bool {
	return strings.HasPrefix(notificationID, "handoff:") && strings.HasSuffix(notificationID, ":closed")
}

// minutesVi writes a wait in whole minutes: "5 phút", "1 giờ 10 phút".
func minutesVi(d time.Duration) string {
	m := int((d + 30*time.Second) / time.Minute)
	if m < 60 {
		return strconv.Itoa(m) + " phút"
	}
	if m%60 == 0 {
		return strconv.Itoa(m/60) + " giờ"
	}
	return fmt.Sprintf("%d giờ %d phút", m/60, m%60)
}

var weekdayNames = [7]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// describeWhen writes a moment in Vietnam time relative to now: "13:30 hôm
// nay", "07:30 ngày mai (thứ Ba)", "07:30 thứ Hai, 07/12".
func describeWhen(t, now time.Time) string {
	loc := vietnam()
	t, now = t.In(loc), now.In(loc)
	day := func(x time.Time) time.Time { return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, loc) }
	days := int(day(t).Sub(day(now)).Hours()+1) / 24
	switch days {
	case 0:
		return t.Format("15:04") + " hôm nay"
	case 1:
		return t.Format("15:04") + " ngày mai (" + weekdayNames[t.Weekday()] + ")"
	}
	return t.Format("15:04") + " " + weekdayNames[t.Weekday()] + ", " + t.Format("02/01")
}

// vietnam is Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
func vietnam() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}
