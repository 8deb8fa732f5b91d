package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
	"github.com/dvcbot/dvcbot/offices"
)

// OfficeDirectory gives the province's directory of one-stop desks.
type OfficeDirectory interface {
	// Directory returns the current snapshot of the directory (possibly
	// empty, never nil without an error). It may be a few seconds stale.
	Directory(ctx context.Context) (*offices.Directory, error)
}

// IntentOffice is an answer about a desk: where it is, its hours, its phone.
const IntentOffice = "office"

// PendingCommune: the bot asked "Bạn ở xã/phường nào?". PendingArg says what to
// answer once it knows: "sec:<procedure id>" (where to submit that procedure)
// or "info:<field>|<level>" (a desk's hours and phone).
const PendingCommune = "commune"

// Actions of office answers: "commune:<name>" picks one of several communes,
// "loc:<lat>,<lon>" is a shared location (Telegram).
const (
	actionCommune  = "commune"
	actionLocation = "loc"
)

// officeTurn handles what the office directory answers: the reply to "Bạn ở
// xã/phường nào?", a commune picked or a location shared, and questions about
// a desk's hours, phone or address. It reports false for everything else
// (after remembering a commune the citizen mentioned on the way).
func (e *Engine) officeTurn(ctx context.Context, s *Session, m Message) (Response, bool) {
	if e.cfg.Offices == nil {
		return Response{}, false
	}
	kind, rest, _ := strings.Cut(m.Action, ":")
	if m.Action != "" && kind != actionCommune && kind != actionLocation {
		return Response{}, false
	}
	if m.Action == "" && (m.Text == "" || strings.HasPrefix(m.Text, "/") || e.cfg.DossierPattern.MatchString(m.Text)) {
		return Response{}, false
	}
	dir, err := e.directory(ctx)
	if dir == nil {
		if err != nil {
			e.log.WarnContext(ctx, "office directory", "err", err)
		}
		return Response{}, false
	}
	switch kind {
	case actionCommune:
		s.Commune = rest
		return e.afterCommune(ctx, s, m, dir), true
	case actionLocation:
		return e.nearestDesk(ctx, s, m, dir, rest), true
	}
	q := m.Text
	if e.cfg.Normalizer != nil {
		q = e.cfg.Normalizer.Normalize(q)
	}
	w := splitWords(q)
	info := officeInfoQuestion(w, s)
	raw := splitWords(m.Text) // "TT" is a township here, not shorthand
	if s.Pending == PendingCommune {
		matches := dir.FindCommune(m.Text)
		switch {
		case len(matches) == 1:
			s.Commune = matches[0].Commune
			if info {
				break
			}
			if matches[0].Distance > 0 || communeOnly(raw, matches[0]) { // a typo match is the whole reply
				return e.afterCommune(ctx, s, m, dir), true
			}
			s.Pending, s.PendingArg = PendingNone, ""
			return Response{}, false // a question with the commune in it: answer it
		case len(matches) > 1:
			return e.whichCommune(s, m, matches), true
		case looksLikeCommune(raw):
			return e.unknownCommune(s, m, dir), true
		default:
			s.Pending, s.PendingArg = PendingNone, "" // ignored the question: go on
		}
	} else if ms := dir.MentionedCommunes(m.Text); len(ms) == 1 {
		s.Commune = ms[0].Commune
		if !info && communeOnly(raw, ms[0]) {
			return e.afterCommune(ctx, s, m, dir), true
		}
	}
	if !info {
		return Response{}, false
	}
	need := e.infoNeed(ctx, w, s)
	if s.Commune == "" {
		return e.askCommune(s, m, dir, "info:"+need.Field+"|"+need.Level), true
	}
	return e.deskInfo(s, m, dir, need), true
}

// afterCommune answers what the bot asked the commune for.
func (e *Engine) afterCommune(ctx context.Context, s *Session, m Message, dir *offices.Directory) Response {
	arg := s.PendingArg
	if s.Pending != PendingCommune {
		arg = ""
		if s.Topic != "" {
			arg = "sec:" + s.Topic
		}
	}
	s.Pending, s.PendingArg = PendingNone, ""
	kind, rest, _ := strings.Cut(arg, ":")
	switch kind {
	case "sec":
		if p, err := e.cfg.Procedures.Procedure(ctx, rest); err == nil {
			return e.answer(ctx, s, m, p, SectionAgency, SearchResult{})
		}
	case "info":
		field, level, _ := strings.Cut(rest, "|")
		return e.deskInfo(s, m, dir, offices.Need{Field: field, Level: level})
	}
	e.record(s, m, IntentOffice, "", "")
	return Response{Intent: IntentOffice, Candidates: []string{}, Replies: []Reply{{
		Text: "Đã ghi nhận: bạn ở **" + inSentence(s.Commune) + "**. Bạn muốn hỏi thủ tục nào? Tôi sẽ chỉ nơi nộp gần bạn.",
	}}}
}

// askCommune asks "Bạn ở xã/phường nào?" and remembers what to answer then.
func (e *Engine) askCommune(s *Session, m Message, dir *offices.Directory, then string) Response {
	e.record(s, m, IntentOffice, "", "")
	s.Pending, s.PendingArg, s.CommuneAsked = PendingCommune, then, true
	return Response{Intent: IntentOffice, Candidates: []string{}, Replies: []Reply{{Text: communeQuestion(dir, m.Channel)}}}
}

// communeQuestion is the question, with an example from the directory.
func communeQuestion(dir *offices.Directory, channel string) string {
	q := "📍 **Bạn ở xã/phường nào?** Hãy gõ tên xã, phường (tên cũ trước khi sáp nhập cũng được"
	if cs := dir.Communes(); len(cs) > 0 {
		q += ", ví dụ: “" + cs[0] + "”"
	}
	q += ") để tôi chỉ đúng nơi nộp, giờ làm việc và số điện thoại."
	if channel == ChannelTelegram {
		q += " Bạn cũng có thể gửi vị trí (📎 → Vị trí) để tìm nơi gần nhất."
	}
	return q
}

// whichCommune offers the communes a name may mean (a former name split
// between two new communes).
func (e *Engine) whichCommune(s *Session, m Message, ms []offices.CommuneMatch) Response {
	e.record(s, m, IntentOffice, "", "")
	var buttons []Button
	for i, c := range ms {
		if i == 6 {
			break
		}
		buttons = append(buttons, Button{Label: c.Commune, Action: actionCommune + ":" + c.Commune})
	}
	return Response{Intent: IntentOffice, Candidates: []string{}, Replies: []Reply{{
		Text: "Tên “" + strings.TrimSpace(m.Text) + "” ứng với nhiều xã, phường hiện nay. Bạn ở đâu?", Buttons: buttons,
	}}}
}

// unknownCommune says the name is not in the directory (the question stays open).
func (e *Engine) unknownCommune(s *Session, m Message, dir *offices.Directory) Response {
	e.record(s, m, IntentOffice, "", "")
	text := "Tôi chưa tìm thấy “" + strings.TrimSpace(m.Text) + "” trong danh bạ các xã, phường của tỉnh. Bạn kiểm tra lại tên (có thể gõ tên cũ trước khi sáp nhập), hoặc hỏi tiếp thủ tục khác."
	var buttons []Button
	if cs := dir.Communes(); len(cs) <= 12 {
		for _, c := range cs {
			buttons = append(buttons, Button{Label: c, Action: actionCommune + ":" + c})
		}
	}
	return Response{Intent: IntentOffice, Candidates: []string{}, Replies: []Reply{{Text: text, Buttons: buttons}}}
}

// deskFooter is what an answer about where to submit p adds after the
// procedure's own text: the citizen's desk, or the question for the commune
// (once per conversation), or nothing.
func (e *Engine) deskFooter(ctx context.Context, s *Session, m Message, p knowledge.Procedure) string {
	dir, _ := e.directory(ctx)
	if dir == nil {
		return ""
	}
	need := offices.Need{Field: p.Field, Level: p.Level}
	if !anyFits(dir, need) {
		return "" // courts, notaries, schools …: the guide's own text says where
	}
	if s.Commune == "" {
		if s.CommuneAsked {
			return ""
		}
		s.Pending, s.PendingArg, s.CommuneAsked = PendingCommune, "sec:"+p.ID, true
		return communeQuestion(dir, m.Channel)
	}
	o, ok := dir.Desk(s.Commune, need)
	if !ok {
		return "Danh bạ một cửa của tỉnh chưa có nơi tiếp nhận thủ tục này cho " + inSentence(s.Commune) + "; bạn xem hướng dẫn ở trên."
	}
	text := "📍 **Nơi nộp cho " + inSentence(s.Commune) + "**\n" + deskCard(o, m) + onlineLine(p)
	return text
}

// inSentence writes a commune name inside a sentence: "Phường Hòa Sơn" →
// "phường Hòa Sơn".
func inSentence(name string) string {
	for _, w := range []string{"Phường ", "Xã ", "Thị trấn ", "Đặc khu "} {
		if rest, ok := strings.CutPrefix(name, w); ok {
			return strings.ToLower(w) + rest
		}
	}
	return name
}

func anyFits(dir *offices.Directory, n offices.Need) bool {
	for _, o := range dir.Offices() {
		if n.Fits(o) {
			return true
		}
	}
	return false
}

// deskCard writes one office: name, address, hours with open/closed now,
// phone, map link, and the sample-data warning when it is one.
func deskCard(o offices.Office, m Message) string {
	var b strings.Builder
	b.WriteString("**" + o.Name + "**\n")
	b.WriteString("• Địa chỉ: " + o.Address + "\n")
	if o.Hours != "" {
		if h, err := offices.ParseHours(o.Hours); err == nil {
			b.WriteString("• Giờ làm việc: " + h.String() + " (trừ ngày lễ)\n")
			st := h.At(m.At)
			mark := "🔴 "
			if st.Open {
				mark = "🟢 "
			}
			b.WriteString("• " + mark + st.Describe(m.At) + "\n")
		} else {
			b.WriteString("• Giờ làm việc: " + o.Hours + "\n")
		}
	}
	if o.Phone != "" {
		b.WriteString("• Điện thoại: " + o.Phone + "\n")
	}
	if u := o.Map(); u != "" {
		b.WriteString("• Bản đồ: " + u + "\n")
	}
	if o.IsSample() {
		b.WriteString("⚠️ Đây là dữ liệu mẫu của " + offices.SampleProvince + " (một tỉnh giả định), chưa phải địa chỉ thật: tỉnh chưa nhập danh bạ một cửa của mình.\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// onlineLine offers the online way beside the desk.
func onlineLine(p knowledge.Procedure) string {
	if p.Online.Level == "none" {
		return ""
	}
	u := p.Online.URL
	if u == "" {
		u = "https://dichvucong.gov.vn"
	}
	return "\n💻 Hoặc nộp trực tuyến, không cần đến nơi: " + u
}

// deskInfo answers a question about a desk's hours, phone or address.
func (e *Engine) deskInfo(s *Session, m Message, dir *offices.Directory, n offices.Need) Response {
	s.Pending, s.PendingArg = PendingNone, ""
	e.record(s, m, IntentOffice, "", "")
	o, ok := dir.Desk(s.Commune, n)
	if !ok {
		return Response{Intent: IntentOffice, Candidates: []string{}, Replies: []Reply{{
			Text: "Danh bạ một cửa của tỉnh chưa có nơi này cho " + inSentence(s.Commune) + ". Bạn có thể gọi tổng đài Cổng Dịch vụ công quốc gia 1800 1096.",
		}}}
	}
	return Response{Intent: IntentOffice, Candidates: []string{}, Replies: []Reply{{
		Text: "📍 **" + s.Commune + "**\n" + deskCard(o, m),
	}}}
}

// nearestDesk answers a shared location with the nearest fitting desk.
func (e *Engine) nearestDesk(ctx context.Context, s *Session, m Message, dir *offices.Directory, arg string) Response {
	la, lo, _ := strings.Cut(arg, ",")
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(la), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	e.record(s, m, IntentOffice, "", "")
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return Response{Intent: IntentOffice, Candidates: []string{}, Replies: []Reply{{Text: "Tôi không đọc được vị trí này. Bạn hãy gõ tên xã, phường nơi bạn ở."}}}
	}
	need := offices.Need{Level: "xã"}
	var p knowledge.Procedure
	topic := s.Topic
	if s.Pending == PendingCommune {
		if id, ok := strings.CutPrefix(s.PendingArg, "sec:"); ok {
			topic = id
		} else if info, ok := strings.CutPrefix(s.PendingArg, "info:"); ok {
			need.Field, need.Level, _ = strings.Cut(info, "|")
			topic = ""
		}
	}
	if topic != "" {
		if got, err := e.cfg.Procedures.Procedure(ctx, topic); err == nil {
			p, need = got, offices.Need{Field: got.Field, Level: got.Level}
		}
	}
	s.Pending, s.PendingArg = PendingNone, ""
	o, km, ok := dir.Nearest(lat, lon, need)
	if !ok {
		return Response{Intent: IntentOffice, Candidates: []string{}, Replies: []Reply{{Text: "Danh bạ một cửa của tỉnh chưa có nơi phù hợp gần vị trí này. Bạn hãy gõ tên xã, phường nơi bạn ở."}}}
	}
	if o.Level == offices.LevelCommune && len(o.Communes) > 0 {
		s.Commune = o.Communes[0]
	}
	head := "📍 **Nơi gần bạn nhất** (cách khoảng " + formatKm(km) + ")"
	if p.ID != "" {
		head += " cho thủ tục **" + p.Title + "**"
	}
	text := head + "\n" + deskCard(o, m)
	if p.ID != "" {
		text += onlineLine(p)
	}
	return Response{Intent: IntentOffice, ProcedureID: p.ID, Candidates: []string{}, Replies: []Reply{{Text: text}}}
}

func formatKm(km float64) string {
	if km < 1 {
		return fmt.Sprintf("%d m", int(km*1000/10+0.5)*10)
	}
	return strings.Replace(fmt.Sprintf("%.1f km", km), ".", ",", 1)
}

var (
	// hoursCues ask when a desk is open.
	hoursCues = cues("giờ mở cửa", "mấy giờ mở", "giờ đóng cửa", "mấy giờ đóng", "mấy giờ nghỉ", "giờ làm việc", "làm việc mấy giờ", "mấy giờ làm việc",
		"làm việc giờ nào", "làm việc lúc nào", "có làm việc", "làm việc thứ bảy", "làm việc thứ 7", "làm việc chủ nhật", "thứ bảy có làm", "thứ 7 có làm",
		"chủ nhật có làm", "làm việc không", "làm việc ko", "làm việc buổi")
	// nowWorkingCues tell where the citizen works now ("nhưng giờ làm việc ở
	// Hà Nội": "giờ" is "now"), not a desk's working hours.
	nowWorkingCues = cues("nhưng giờ làm việc", "mà giờ làm việc", "còn giờ làm việc", "giờ đang làm việc", "giờ tôi làm việc", "giờ em làm việc", "giờ mình làm việc")
	// portalWords speak of the online portal or an app: "mấy giờ mở cổng
	// tuyển sinh trực tuyến" asks when the portal opens, not a desk's hours.
	portalWords = cues("trực tuyến", "online", "trang web", "website", "trang nào", "mở cổng", "cổng dịch vụ", "ứng dụng", "app")
	// weakHoursCues ("mở cửa") ask about hours only beside a desk word.
	weakHoursCues = cues("mở cửa", "đóng cửa", "còn mở", "nghỉ trưa")
	// phoneCues ask for a desk's phone: beside a desk word, or in a conversation
	// about where to submit.
	phoneCues = cues("số điện thoại", "điện thoại", "sđt", "sdt", "hotline", "số máy", "liên hệ")
	// deviceCues speak of the phone as a device, not of a number to call,
	// or of the asker's own number ("đổi sđt trên tài khoản VNeID").
	deviceCues = cues("trên điện thoại", "bằng điện thoại", "qua điện thoại", "điện thoại thông minh", "trên đt", "bằng đt",
		"rành điện thoại", "dùng điện thoại", "xài điện thoại", "mất điện thoại", "điện thoại bị", "đổi điện thoại",
		"đổi số điện thoại", "đổi sđt", "đổi sdt", "thay số điện thoại", "thay sđt", "cập nhật số điện thoại", "cập nhật sđt",
		// a phone stolen, snatched or dropped is a device ("khách bị mất trộm
		// điện thoại, công an đến kiểm tra")
		"trộm điện thoại", "giật điện thoại", "rơi điện thoại", "móc điện thoại")
	// addressCues ask where a desk is, beside a deskWord only ("địa chỉ xã"
	// on a paper is not a desk).
	addressCues = cues("địa chỉ", "ở đâu", "chỗ nào", "đường nào")
	deskWords   = cues("một cửa", "ủy ban", "uỷ ban", "ubnd", "trung tâm phục vụ", "hành chính công", "công an", "văn phòng đăng ký", "chi nhánh", "bộ phận tiếp nhận")
	officeWords = append(cues("phường", "xã", "thị trấn", "nơi nộp", "cơ quan"), deskWords...)
	// businessWords: "đóng cửa quán", "mở cửa hàng" are about a business.
	businessWords = cues("kinh doanh", "cửa hàng", "quán", "tiệm", "công ty", "doanh nghiệp", "cơ sở", "sáp nhập", "ghi")
	policeWords   = cues("công an")
	landWords     = cues("đất đai", "đăng ký đất", "văn phòng đăng ký", "sổ đỏ")
	generalDesk   = cues("một cửa", "ủy ban", "uỷ ban", "ubnd", "trung tâm phục vụ", "hành chính công")
)

// officeInfoQuestion reports whether w asks about a desk's hours, phone or
// address ("mấy giờ mở cửa", "số điện thoại một cửa", "địa chỉ công an
// phường") rather than a procedure.
func officeInfoQuestion(w words, s *Session) bool {
	if has(businessWords, w) || has(nowWorkingCues, w) || (has(portalWords, w) && !has(deskWords, w)) {
		return false
	}
	if !asksDesk(w, s) {
		return false
	}
	// What a procedure costs or needs, asked beside the desk's hours
	// ("chứng thực bản photo, ở xã thứ 7 có làm không, mỗi bản mấy nghìn"),
	// is the procedure's question. Read only for a desk question: every
	// message comes through here.
	return !has(moneyCues, w) && sectionIn(w, words{}, false) != SectionDocuments
}

// asksDesk reports whether w names a desk's hours, phone or address in a way
// that asks for them (see officeInfoQuestion).
func asksDesk(w words, s *Session) bool {
	office := has(officeWords, w)
	switch {
	case has(hoursCues, w):
		return true
	case has(weakHoursCues, w):
		return office
	case has(phoneCues, w):
		if has(deviceCues, w) {
			return false // "làm trên điện thoại được không" is about the app
		}
		return office || (s.Section == SectionAgency && len(w.fold) <= 6)
	case has(addressCues, w):
		// Only a desk by name: "ở đâu" with a procedure is the agency section.
		return has(deskWords, w) && len(w.fold) <= 8 && !mentionsProcedureWords(w)
	}
	return false
}

// noDirectory answers, when no office directory is loaded, a question (w, the
// normalised text of m) about a desk's phone, hours or address that names no
// procedure ("sđt công an phường là bao nhiêu"): the bot has no such numbers,
// says so and where to find them, and records the question for staff. A guide
// that happens to mention the police and a phone is not the answer. Anything
// else is left to the caller.
func (e *Engine) noDirectory(ctx context.Context, s *Session, m Message, w words) (Response, bool) {
	if s.Topic != "" || s.Pending != PendingNone || !officeInfoQuestion(w, s) {
		return Response{}, false
	}
	if dir, _ := e.directory(ctx); dir != nil {
		return Response{}, false
	}
	// What to do is named by the words besides the request itself: the "số"
	// of "số điện thoại" is no "sổ", and "cho xin số" asks for a number.
	var rest words
	from, to := phoneCues.find(w)
	to += from
	for k, f := range w.fold {
		polite := f == "xin" && ((k > 0 && w.fold[k-1] == "cho") || k+1 == from)
		if (from < 0 || k < from || k >= to) && !polite {
			rest.fold = append(rest.fold, f)
		}
	}
	if mentionsProcedureWords(rest) {
		return Response{}, false
	}
	e.record(s, m, IntentFallback, "", "")
	e.recordUnanswered(ctx, m)
	text := "Xin lỗi, tôi chưa có danh bạ số điện thoại, địa chỉ và giờ làm việc của từng cơ quan ở địa phương.\n\n" +
		"Bạn có thể xem trên trang thông tin của Ủy ban nhân dân hoặc Công an xã, phường nơi bạn ở, hoặc gọi tổng đài Cổng Dịch vụ công quốc gia 1800 1096.\n\n" +
		"Nếu bạn cho tôi biết thủ tục cần làm (ví dụ: “làm lại căn cước”), tôi sẽ chỉ nơi nộp hồ sơ và cách làm online."
	return Response{Intent: IntentFallback, Replies: []Reply{{Text: text, Buttons: []Button{{Label: "Danh mục thủ tục", Action: "menu"}}}}}, true
}

// directory returns the province's office directory when one with desks is
// loaded, else nil (and the error when it could not be read).
func (e *Engine) directory(ctx context.Context) (*offices.Directory, error) {
	if e.cfg.Offices == nil {
		return nil, nil
	}
	dir, err := e.cfg.Offices.Directory(ctx)
	if err != nil || dir.Len() == 0 {
		return nil, err
	}
	return dir, nil
}

// mentionsProcedureWords: words that name what to do, not where
// ("làm căn cước ở công an xã nào").
func mentionsProcedureWords(w words) bool {
	for _, f := range w.fold {
		switch f {
		case "lam", "nop", "dang", "cap", "doi", "xin", "ho", "so", "giay":
			return true
		}
	}
	return false
}

// infoNeed decides which desk a question about hours or phone means: the
// police, the land office, the general one-stop desk, or the desk of the
// procedure under discussion.
func (e *Engine) infoNeed(ctx context.Context, w words, s *Session) offices.Need {
	switch {
	case has(policeWords, w):
		return offices.Need{Field: "Cư trú", Level: "xã"}
	case has(landWords, w):
		return offices.Need{Field: "Đất đai", Level: "xã, tỉnh"}
	case has(generalDesk, w):
		return offices.Need{Level: "xã"}
	}
	if s.Topic != "" {
		if p, err := e.cfg.Procedures.Procedure(ctx, s.Topic); err == nil {
			return offices.Need{Field: p.Field, Level: p.Level}
		}
	}
	return offices.Need{Level: "xã"}
}

func has(l cueList, w words) bool {
	i, _ := l.find(w)
	return i >= 0
}

// communeFillers are the words around a commune in a reply that is only a
// commune ("tôi ở phường Hòa Sơn ạ").
var communeFillers = map[string]bool{}

func init() {
	for _, f := range []string{"tôi", "mình", "em", "anh", "chị", "nhà", "ở", "tại", "sống", "thuộc", "là", "ạ", "nhé", "nha", "cũ", "mới", "nay",
		"phường", "xã", "thị", "trấn", "p", "tt", "x", "q", "f", "quận", "huyện", "tp", "thành", "phố", "tỉnh", "đang", "hiện", "giờ", "trước", "đây", "bên", "khu", "vực", "thôn", "ấp"} {
		communeFillers[f] = true
		communeFillers[vntext.Fold(f)] = true
	}
}

// communeOnly reports whether w says nothing but the commune matched.
func communeOnly(w words, m offices.CommuneMatch) bool {
	name := map[string]bool{}
	for _, t := range vntext.FoldedTokens(m.Matched) {
		name[strings.TrimLeft(t, "0")] = true
		name[t] = true
	}
	other := 0
	for _, f := range w.fold {
		if !name[f] && !name[strings.TrimLeft(f, "0")] && !communeFillers[f] && !fillers[f] {
			other++
		}
	}
	return other == 0
}

// looksLikeCommune reports whether a reply that matched no commune was meant
// as one: it starts with a type word ("phường …", "xã …", "P. …") or "ở …".
func looksLikeCommune(w words) bool {
	if len(w.fold) == 0 || len(w.fold) > 6 {
		return false
	}
	switch w.fold[0] {
	case "phuong", "xa", "p", "tt", "thi", "o", "f":
		return len(w.fold) > 1 && (w.fold[0] != "thi" || w.fold[1] == "tran")
	}
	return len(w.fold) > 2 && (w.fold[0] == "toi" || w.fold[0] == "minh" || w.fold[0] == "nha") && w.fold[1] == "o"
}
