package bot

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// words is a question split into syllables, with and without diacritics.
type words struct {
	acc  []string
	fold []string
	// literal: the message is typed with diacritics, so a syllable without
	// them is meant as written ("phi nông nghiệp" is not "phí").
	literal bool
	// asked and askedEnd delimit the part of the message that asks (see
	// askingPart and markAsked); askedEnd is 0 when that is the whole message.
	asked, askedEnd int
}

// sentenceEnd ends a sentence: a stop, question or exclamation mark followed by
// a space, or a line break ("TP.HCM", "1.5" do not end one).
var sentenceEnd = regexp.MustCompile(`[.?!]+\s+|\n+`)

// questionSentence returns the sentence of s that asks: the last one ending in
// "?", else the last one; "" when s is one sentence.
func questionSentence(s string) string {
	s = strings.TrimSpace(s)
	ends := sentenceEnd.FindAllStringIndex(s, -1)
	if len(ends) == 0 {
		return ""
	}
	if strings.HasSuffix(s, "?") {
		return s[ends[len(ends)-1][1]:]
	}
	for k := len(ends) - 1; k >= 0; k-- {
		if strings.Contains(s[ends[k][0]:ends[k][1]], "?") {
			if k == 0 {
				return s[:ends[0][0]]
			}
			return s[ends[k-1][1]:ends[k][0]]
		}
	}
	return s[ends[len(ends)-1][1]:]
}

// markAsked marks where q, the words of the part that asks (read as w was
// read), stands in w (its last occurrence); nothing when q is all of w or not
// in it.
func (w *words) markAsked(q words) {
	n, m := len(q.fold), len(w.fold)
	if n == 0 || n >= m {
		return
	}
	for at := m - n; at >= 0; at-- {
		k := 0
		for k < n && w.fold[at+k] == q.fold[k] {
			k++
		}
		if k == n {
			w.asked, w.askedEnd = at, at+n
			return
		}
	}
}

// askedPart is the part that asks, as words; ok is false when w has no such
// part apart from the whole (see markAsked).
func (w words) askedPart() (words, bool) {
	if w.askedEnd == 0 {
		return words{}, false
	}
	return words{acc: w.acc[w.asked:w.askedEnd], fold: w.fold[w.asked:w.askedEnd], literal: w.literal}, true
}

// literalShare is the share of syllables typed with diacritics from which a
// message counts as typed with them (most Vietnamese syllables carry a mark;
// a message typed without them has none, a hurried one a few).
const literalShare = 0.4

func splitWords(s string) words {
	acc := vntext.Tokens(s)
	w := words{acc: acc, fold: make([]string, len(acc))}
	marked := 0
	for i, a := range acc {
		w.fold[i] = vntext.Fold(a)
		if w.fold[i] != a {
			marked++
		}
	}
	w.literal = len(acc) > 0 && float64(marked) >= literalShare*float64(len(acc))
	return w
}

// cue is a phrase that signals something (a section, a greeting, ...).
type cue struct {
	fold []string
	acc  []string
}

type cueList []cue

func cues(phrases ...string) cueList {
	out := make(cueList, 0, len(phrases))
	for _, p := range phrases {
		out = append(out, cue{fold: vntext.FoldedTokens(p), acc: vntext.Tokens(p)})
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].fold) > len(out[j].fold) })
	return out
}

// find returns the position and length of the first cue in w, or -1. A syllable
// typed with diacritics must match them exactly ("căn" is not "cần"); one typed
// without matches any.
func (l cueList) find(w words) (int, int) {
	for i := range w.fold {
		for _, c := range l {
			if matchCue(w, i, c) {
				return i, len(c.fold)
			}
		}
	}
	return -1, 0
}

// firstCue returns where in text the first of cl stands, or -1.
func firstCue(cl cueList, text string) int {
	i, _ := cl.find(splitWords(text))
	return i
}

// mask marks the syllables of w that stand in one of the cues.
func (cl cueList) mask(w words) []bool {
	m := make([]bool, len(w.fold))
	for i := range w.fold {
		for _, c := range cl {
			if matchCue(w, i, c) {
				for k := i; k < i+len(c.fold); k++ {
					m[k] = true
				}
			}
		}
	}
	return m
}

func matchCue(w words, i int, c cue) bool {
	if i+len(c.fold) > len(w.fold) {
		return false
	}
	for k, f := range c.fold {
		if w.fold[i+k] != f {
			return false
		}
		if w.acc[i+k] != w.fold[i+k] && w.acc[i+k] != c.acc[k] {
			return false
		}
		if w.literal && w.acc[i+k] == w.fold[i+k] && c.acc[k] != c.fold[k] {
			return false // "phi" in a message typed with marks is not "phí"
		}
	}
	return true
}

// sectionCues in priority order: when a question has cues of several sections,
// the first section listed wins ("làm hộ chiếu online được không" → online),
// except that a question of duration asks for the time wherever the work is
// done ("làm hộ chiếu online mất bao lâu" → time).
var sectionCues = []struct {
	section string
	cues    cueList
}{
	{SectionOnline, cues("online", "onl", "trực tuyến", "qua mạng", "trên mạng", "vneid", "cổng dịch vụ công", "dịch vụ công quốc gia", "trên dịch vụ công", "qua dịch vụ công", "trên dvc", "qua dvc", "dvcqg", "tại nhà", "qua app", "qua ứng dụng", "trên ứng dụng", "không cần đến", "trên app", "trên điện thoại", "etax", "trang nào", "trên trang", "website", "trên web")},
	{SectionTime, cues("bao lâu", "mất bao lâu", "mất mấy ngày", "mấy ngày", "tháng mấy", "ngày mấy", "trong ngày", "lấy ngay", "bao giờ có", "khi nào có", "bao nhiêu ngày", "mấy hôm", "thời gian", "khi nào", "bao giờ", "hạn chót", "thời hạn", "hạn cuối", "hạn nộp", "deadline", "lâu không", "trong vòng", "ngày nào", "bao nhiêu giờ", "mấy tiếng", "bao nhiêu tiếng", "mấy tháng", "bao nhiêu tháng", "mấy tuần", "bao nhiêu tuần", "bao nhiêu lâu",
		// when in the year or the day: "xét hộ cận nghèo vào lúc nào", "báo trước mấy giờ"
		"lúc nào", "vào lúc nào", "mấy lần một năm", "mấy lần 1 năm", "trước mấy giờ")},
	{SectionFees, cues("phí", "lệ phí", "mất thuế", "tốn thuế", "tốn tiền", "tốn phí", "tốn bao nhiêu", "tốn hết bao nhiêu", "mất phí", "có mất phí", "mất bao nhiêu", "bao nhiêu tiền", "mất tiền", "tốn tiền", "giá bao nhiêu", "giá tiền", "chi phí", "tiền phí", "nộp bao nhiêu", "hết bao nhiêu", "tốn bao nhiêu", "miễn phí", "bao nhiêu", "mấy tiền", "khoản tiền", "khoản phí", "những khoản",
		// taxes and charges a procedure brings ("tặng cho đất có phải đóng thuế không")
		"đóng thuế", "nộp thuế", "miễn thuế", "chịu thuế", "đóng tiền", "nộp tiền", "tiền thuế", "tính tiền", "tiền sử dụng đất",
		// how much one pays in ("mỗi tháng đóng ít nhất bao nhiêu")
		"đóng ít nhất", "đóng tối thiểu", "mỗi tháng đóng", "đóng mỗi tháng",
		// which sums are paid: "sổ đỏ lần đầu phải nộp những tiền gì", "mấy nghìn một trang"
		"tiền gì", "những tiền gì", "khoản tiền gì", "những khoản gì", "mấy nghìn", "mấy trăm nghìn", "mấy chục nghìn",
		// "bao tiền" is "bao nhiêu tiền" in a hurry ("hộ chiếu hết bao tiền")
		"bao tiền", "hết bao tiền")},
	{SectionAgency, cues("ở đâu", "chỗ nào", "nơi nào", "cơ quan nào", "nộp ở", "làm ở", "đến đâu", "đi đâu", "phòng nào", "nơi nộp", "nơi làm", "nộp tại", "làm tại", "ai cấp", "ai giải quyết", "tòa nào", "tòa án nào", "sở nào", "lên đâu", "nộp đơn ở", "cơ quan gì", "chỗ nào", "ở tòa", "lên xã", "lên phường",
		// "X hay Y?" between two offices, "nộp cho ai"
		"nộp cho ai", "gửi cho ai", "gửi ai", "đơn gửi ai", "nộp ai", "công an nào", "cho ai", "hỏi ai", "gặp ai", "ai tiếp nhận", "hay công an", "hay cơ quan", "hay bhxh", "hay bảo hiểm xã hội", "hay ubnd", "hay ủy ban", "hay sở", "hay phòng", "hay cơ quan thuế", "hay chi cục",
		// "đâu" without "ở": "bhxh tự nguyện đóng đâu", "giấy độc thân xin đâu"
		"đóng đâu", "xin đâu", "nộp đâu", "làm đâu", "đăng ký đâu", "lấy đâu", "ra đâu", "gửi đâu", "về đâu", "báo ai", "báo cho ai",
		// which of two places or which unit: "ở phường được không hay phải về quê", "về xã bên nào làm"
		"hay phải ra", "hay phải lên", "hay phải về", "hay phải đến", "hay lên", "hay ra", "hay về", "hay ở", "xã nào", "phường nào", "tỉnh nào", "bên nào",
		// which of two offices, said with either: "ở ubnd huyện hay xã", "nộp ở công ty hay tự nộp"
		"hay xã", "hay huyện", "hay phường", "hay văn phòng", "hay công ty", "hay trường", "bên trai hay", "bên nội hay", "nộp lên đâu",
		// "nộp cho trường hay nộp lên phòng", "ở phường của vợ hay của chồng", "báo với ai"
		"hay nộp", "hay tự nộp", "hay ngân hàng", "hay nhà trường", "hay của", "với ai",
		// central speech: "ra xã mô", "làm ở mô"
		"ở mô", "xã mô", "ra mô", "đi mô", "chỗ mô", "nơi mô", "phường mô",
		// which of two places: "ở quê hay nơi đang học", "chỗ mới hay chỗ cũ",
		// "tỉnh cũ hay tỉnh mới", "xin ở xã nơi sinh hay xin ở chỗ đang ở"
		"hay nơi", "hay chỗ", "hay tỉnh", "hay quê", "hay xin ở", "hay làm ở", "hay nộp ở", "cơ quan thuế nào")},
	{SectionDocuments, cues("giấy tờ", "hồ sơ gồm", "hồ sơ cần", "cần hồ sơ", "bộ hồ sơ", "hồ sơ gì", "hồ sơ những gì", "cần những gì", "cần gì", "mang theo", "mang gì", "chuẩn bị gì", "chuẩn bị những gì", "thành phần hồ sơ", "cần có gì", "cần mang", "những gì", "gồm gì", "gồm những gì", "mẫu đơn", "tờ khai", "thông tin gì", "những thông tin", "nội dung gì", "những nội dung", "giấy gì", "bản vẽ gì", "cần chuẩn bị",
		// what to bring, said in other ways: "đem theo gì", "mang cái gì theo"
		"đem theo", "cầm theo", "mang cái gì", "đem gì", "cầm gì", "cái gì theo", "nộp gì", "nộp những gì",
		// central speech ("chi" for "gì"): "hồ sơ cần những chi", "đưa theo chi"
		"đưa theo", "những chi", "cần chi", "giấy chi", "mang chi", "gồm chi")},
	{SectionSteps, cues("thế nào", "như thế nào", "làm sao", "ra sao", "các bước", "quy trình", "cách làm", "trình tự", "làm gì", "hướng dẫn", "cách", "bước", "như nào", "làm thế nào",
		// everyday and regional ways of asking how: "khóa tài khoản kiểu gì", "đăng nhập bằng gì", "mần răng"
		"kiểu gì", "kiểu nào", "cách nào", "bằng gì", "làm răng", "mần răng", "ra răng",
		// "gồm những bước gì": "bước" alone, typed without marks, may be "buộc"
		"những bước", "mấy bước", "bao nhiêu bước", "bước gì", "bước nào", "từng bước",
		// the order of several papers to make again: "làm lại cái nào trước", "bắt đầu từ đâu"
		"cái nào trước", "làm gì trước", "bắt đầu từ đâu", "thứ tự",
		// "làm thủ tục gì" asks what to do, step by step
		"thủ tục gì", "thủ tục j", "thủ tục thế nào", "thủ tục ra sao", "những gì trước")},
	{SectionConditions, cues("điều kiện", "tiêu chí", "tối thiểu bao nhiêu", "tối đa bao nhiêu", "ít nhất bao nhiêu", "ai được", "ai phải", "ai có trách nhiệm", "ai đi", "đối tượng", "trường hợp nào", "được hưởng", "đủ điều kiện", "yêu cầu gì", "mấy tuổi", "bao nhiêu tuổi", "đủ tuổi", "độ tuổi", "bao nhiêu m2", "bao nhiêu mét",
		// yes/no questions about one's own case: "có phải ... không", "... được không"
		"có phải", "có cần", "có được", "được không", "có bắt buộc", "bắt buộc", "có bị", "có còn", "còn giá trị", "còn hiệu lực", "phải không", "có đủ", "có thể", "bao nhiêu năm", "mấy năm", "đóng bao lâu",
		// what one is entitled to or must reach ("được nghỉ mấy ngày", "diện tích tối thiểu là bao nhiêu")
		"được nghỉ mấy ngày", "nghỉ mấy ngày", "được nghỉ bao nhiêu ngày", "nghỉ bao nhiêu ngày", "tối đa bao nhiêu ngày", "được hưởng bao nhiêu ngày",
		"đóng bhxh bao lâu", "đóng bảo hiểm bao lâu", "đóng bảo hiểm xã hội bao lâu", "tối thiểu là bao nhiêu", "dưới bao nhiêu", "trên bao nhiêu", "tuổi được", "tuổi có được", "tuổi đã được",
		// whether one may yet, or which kinds may: "đăng ký kết hôn được chưa hay phải đợi", "loại xe nào"
		"được chưa", "hay phải đợi", "hay phải chờ", "loại nào", "đúng không", "đúng ko")},
	{SectionLegal, cues("căn cứ", "luật nào", "văn bản nào", "quy định nào", "nghị định", "thông tư", "cơ sở pháp lý", "pháp lý", "theo luật", "quy định")},
}

// appCues are apps and wallets the citizen names ("gia hạn bhyt trên VssID
// được không", "trả bằng momo"): they ask for the online channel like
// sectionCues' online cues, but they also name a topic ("quên mật khẩu
// VssID"), so stripSectionCues keeps them in the search.
var appCues = cues("vssid", "momo", "zalopay", "ví điện tử")

// onlineAndAppCues are the online section's cues and appCues, read together by
// sectionIn.
var onlineAndAppCues = func() cueList {
	for _, sc := range sectionCues {
		if sc.section == SectionOnline {
			return append(slices.Clip(sc.cues), appCues...)
		}
	}
	return appCues
}()

// durationCues ask how long something takes, whatever else the question says.
var durationCues = cues("bao lâu", "mất bao lâu", "mấy ngày", "mất mấy ngày", "bao nhiêu ngày", "mấy tháng", "bao lâu có", "mấy hôm")

// whenCues ask when something happens or opens; siteCues ask on which site.
var (
	whenCues = cues("ngày nào", "ngày mấy", "mấy giờ", "khi nào", "bao giờ", "tháng mấy", "hạn chót", "hạn cuối", "hạn nộp", "từ ngày")
	siteCues = cues("trang nào", "web nào", "trang web nào", "link nào", "app nào", "ứng dụng nào", "website nào")
)

// settingCues tell the citizen's situation with the words of a section cue,
// which they do not ask for: where one works or lives ("đi làm ở Hàn 3 năm"
// is not where to apply), what one never did ("chưa bao giờ làm khai sinh" is
// not when), a business run online ("bán hàng online" is not the online
// channel), the app where a wrong record was seen ("VNeID hiện sai quê quán").
var settingCues = []struct {
	section string
	cues    cueList
}{
	{SectionAgency, cues("đi làm ở", "đi làm tại", "đang làm ở", "đang làm tại", "làm việc ở", "làm việc tại", "nghỉ làm ở")},
	{SectionTime, cues("chưa bao giờ", "không bao giờ", "chẳng bao giờ", "chưa khi nào", "chưa làm bao giờ", "chưa đi bao giờ", "chưa từng bao giờ")},
	{SectionOnline, cues("bán hàng online", "bán online", "bán hàng qua mạng", "bán qua mạng", "bán hàng trên mạng", "bán trên mạng",
		// where a wrong record was seen ("thông tin trên VNeID bị sai, sửa ở đâu")
		"thông tin trên vneid", "trên vneid bị", "trên vneid ghi", "trên vneid sai", "vneid bị sai", "vneid ghi sai", "vneid sai", "vneid hiện", "vneid hiển thị", "vneid báo")},
	// a lease typed without marks ("hop dong thue nha") is no tax paid
	// ("đóng thuế")
	{SectionFees, cues("hợp đồng thuê")},
}

// sellingOnline marks in m the online cues that follow "bán" by at most three
// syllables: what is sold online is a business, not the channel asked for ("em bán
// mỹ phẩm online, nộp thuế thế nào").
func sellingOnline(w words, m []bool) {
	for i := range w.fold {
		for _, c := range sectionCues[0].cues {
			if !matchCue(w, i, c) {
				continue
			}
			if slices.Contains(w.acc[max(0, i-3):i], "bán") {
				for j := i; j < i+len(c.fold); j++ {
					m[j] = true
				}
			}
		}
	}
}

// limitCues name a limit a case must reach; moneyCues name money.
var (
	limitCues = cues("tối thiểu", "tối đa", "diện tích")
	moneyCues = cues("tiền", "phí", "lệ phí", "thuế", "phần trăm", "đồng", "nghìn", "ngàn", "triệu")
)

// officeCues go to an office or a place ("ra xã", "lên công an"). Right
// before "được không", or after "có phải", they ask where the procedure is
// done ("chứng thực chữ ký ở xã được không", "có phải lên công an không"),
// which the agency section answers.
var officeCues = cues("ở xã", "ở phường", "tại xã", "tại phường", "ra xã", "ra phường", "về xã", "về phường",
	"lên công an", "ra công an", "đến công an", "ở công an", "tại công an", "ra tận công an", "lên tận công an", "xuống nhà",
	"ra ubnd", "ra ủy ban", "ở ubnd", "ở ủy ban", "tại ubnd", "tại ủy ban", "lên ubnd", "lên ủy ban",
	"ở quê", "về quê", "ở nơi tạm trú", "ở chỗ tạm trú", "ở chỗ trọ", "nơi đang tạm trú")

// officeAsked reports whether an office cue of w (outside masked) asks where:
// "được không" follows it within three syllables, or "phải" stands right
// before it and "không" (or "hay") right after it or its next syllable.
func officeAsked(w words, masked []bool) bool {
	for i := range w.fold {
		for _, c := range officeCues {
			if !matchCue(w, i, c) || allMasked(masked, i, len(c.fold)) {
				continue
			}
			end := i + len(c.fold)
			if i > 0 && w.fold[i-1] == "phai" {
				// "có phải ra công an phường không" asks where; "có phải
				// ra xã chứng thực chữ ký không" asks whether one must.
				for j := end; j <= end+1 && j < len(w.fold); j++ {
					if w.fold[j] == "khong" || w.fold[j] == "hay" {
						return true
					}
				}
			}
			for j := end; j <= end+3 && j < len(w.fold); j++ {
				if matchCue(w, j, canItCue) {
					return true
				}
			}
		}
	}
	return false
}

// possibilityCues ask whether something can be done ("... được không").
var possibilityCues = cues("được không", "có được", "có thể")

// canItCue is "được không", closing a question whether something can be done.
var canItCue = possibilityCues[0]

// weakDocumentsCue is "hồ sơ" alone at the end of a question ("đăng ký xe ô tô hồ sơ").
var weakDocumentsCue = cues("hồ sơ")

// overviewCues are "what should I do" questions: they want the whole picture,
// not the steps ("mất căn cước phải làm sao"); a bare "làm sao" ("khóa
// tài khoản thì làm sao") asks how, the steps.
var overviewCues = cues("phải làm sao", "làm thế nào bây giờ")

// detectSection returns the section a question asks for ("" when none). A cue
// that is part of ignore (the procedure's own title, e.g. "lệ phí" in "lệ phí
// trước bạ") does not count, and for a procedure that is itself about the online
// portal (onlineTopic) online cues say nothing, except that whether it can be
// done some online way ("nộp phạt qua mạng được không") asks for its online
// part rather than its conditions. A title that only names the online way of a
// procedure ("Tuyển sinh vào lớp 1, lớp 6 (đăng ký trực tuyến)") does not make
// it such a topic: "đăng ký lớp 1 online thế nào" asks its online part. When
// cues overlap, the longest wins ("bao nhiêu tuổi" is about conditions, not
// fees); otherwise the section listed first wins.
// The part of the message that asks (askedPart) is read first, the whole
// message when that part asks for no section.
func detectSection(w words, ignore words, onlineTopic bool) string {
	section := detectSectionCues(w, ignore, onlineTopic)
	if onlineTopic && section == SectionSteps && detectSectionCues(w, ignore, false) == SectionOnline {
		// A guide to an online channel asked how to do it on a channel the
		// question names ("nộp phạt nguội online trên dịch vụ công thế
		// nào", "tích hợp bằng lái vào vneid làm sao") is asked its online
		// part: 197 tuning rows call it so, 113 the steps.
		return SectionOnline
	}
	return section
}

// detectSectionCues is detectSection read from the cues alone.
func detectSectionCues(w words, ignore words, onlineTopic bool) string {
	if q, ok := w.askedPart(); ok {
		// A story told around the question says nothing of what is asked
		// ("… mấy tháng tôi nằm viện. Giấy đó có phải chứng thực không?").
		if section := sectionIn(q, ignore, onlineTopic); section != "" {
			// "làm hộ chiếu online thì làm thế nào": how to do it the online
			// way the story names is its online part.
			if section == SectionSteps && sectionIn(w, ignore, onlineTopic) == SectionOnline {
				return SectionOnline
			}
			return section
		}
	}
	return sectionIn(w, ignore, onlineTopic)
}

// sectionIn is detectSection on the words given.
func sectionIn(w words, ignore words, onlineTopic bool) string {
	masked := titleMask(w, ignore)
	whatToDo, _ := overviewCues.find(w) // "phải làm sao": the whole picture, not the steps
	setting := map[string][]bool{}      // section → words telling the situation (see settingCues)
	for _, sc := range settingCues {
		setting[sc.section] = sc.cues.mask(w)
	}
	sellingOnline(w, setting[SectionOnline])
	type hit struct{ prio, pos, n int }
	var hits []hit
	for prio, sc := range sectionCues {
		if (sc.section == SectionOnline && onlineTopic) || (sc.section == SectionSteps && whatToDo >= 0) {
			continue
		}
		list := sc.cues
		if sc.section == SectionOnline {
			list = onlineAndAppCues
		}
		for i := range w.fold {
			for _, c := range list {
				if !matchCue(w, i, c) {
					continue
				}
				if m := setting[sc.section]; m != nil && allMasked(m, i, len(c.fold)) {
					continue
				}
				if !allMasked(masked, i, len(c.fold)) {
					hits = append(hits, hit{prio, i, len(c.fold)})
					break
				}
			}
		}
	}
	best := -1
	for a, h := range hits {
		covered := false
		for b, o := range hits {
			if a != b && o.prio != h.prio && o.n > h.n && o.pos <= h.pos && h.pos+h.n <= o.pos+o.n {
				covered = true
				break
			}
		}
		if !covered && (best < 0 || h.prio < hits[best].prio) {
			best = a
		}
	}
	if best >= 0 {
		section := sectionCues[hits[best].prio].section
		if (section == SectionConditions || section == SectionAgency) && onlineTopic {
			// "nộp phạt qua mạng được không (hay phải lên công an)" about a
			// procedure that is itself done online: whether it can be done
			// that way is its online part.
			if i, n := possibilityCues.find(w); i >= 0 && !allMasked(masked, i, n) {
				if j, m := sectionCues[0].cues.find(w); j >= 0 && !allMasked(masked, j, m) {
					return SectionOnline
				}
			}
		}
		if section == SectionConditions {
			// "chứng thực chữ ký ở xã được không": whether it can be done at
			// that office asks where it is done.
			if officeAsked(w, masked) {
				return SectionAgency
			}
		}
		if section == SectionFees && endsWithYesNo(w) && slices.Contains(ignore.fold, "thue") &&
			slices.Contains(w.fold[hits[best].pos:hits[best].pos+hits[best].n], "thue") {
			// "bán bánh mì có phải đóng thuế không" about a tax: whether
			// one must pay it at all, which the conditions answer.
			return SectionConditions
		}
		if section == SectionFees {
			// "diện tích tối thiểu được tách thửa là bao nhiêu": a limit to
			// reach, not a sum to pay, unless money is named.
			if i, n := limitCues.find(w); i >= 0 && !allMasked(masked, i, n) {
				if j, _ := moneyCues.find(w); j < 0 {
					return SectionConditions
				}
			}
		}
		if section == SectionOnline {
			// "làm trên VNeID mất mấy ngày": online is where, the question is how
			// long; "đăng ký trên mạng bắt đầu từ ngày nào" asks when, unless
			// it also asks on which site.
			if i, n := durationCues.find(w); i >= 0 && !allMasked(masked, i, n) {
				return SectionTime
			}
			if i, n := whenCues.find(w); i >= 0 && !allMasked(masked, i, n) && !allMasked(setting[SectionTime], i, n) {
				if j, _ := siteCues.find(w); j < 0 {
					return SectionTime
				}
			}
		}
		return section
	}
	if i, n := weakDocumentsCue.find(w); i >= 0 && i+n == len(w.fold) && !allMasked(masked, i, n) {
		return SectionDocuments
	}
	if whatToDo < 0 && endsWithHow(w) {
		return SectionSteps
	}
	if endsWithYesNo(w) || asksIfNeeded(w, masked) {
		return SectionConditions
	}
	return ""
}

// asksIfNeeded reports whether w asks whether something is needed at all:
// "cần" before a closing "không" ("mở karaoke cần giấy an ninh trật tự
// ko"), outside the procedure's own title (masked). An unaccented "can"
// before "cước", "hộ" or "nhà" is "căn".
func asksIfNeeded(w words, masked []bool) bool {
	n := yesNoEnd(w)
	for i := 0; i < n-1; i++ {
		if w.fold[i] != "can" || masked[i] || (w.acc[i] != "cần" && w.acc[i] != "can") {
			continue
		}
		if w.acc[i] == "can" && i+1 < len(w.fold) && (w.fold[i+1] == "cuoc" || w.fold[i+1] == "ho" || w.fold[i+1] == "nha") {
			continue
		}
		return true
	}
	return false
}

// yesNoEnds close a question asking yes or no ("… có phải đổi không",
// "… còn kịp không", "… đi đăng ký được chưa").
var yesNoEnds = map[string]bool{"khong": true, "chua": true}

// endsWithYesNo reports whether a question asks yes or no about the asker's own
// case: it ends with "không" or "chưa" (before closing particles), which a
// "có", "được", "phải" or "còn" before it opens ("sổ đỏ cũ có phải đổi
// không", "làm trợ cấp thất nghiệp còn kịp không"). Whether one may or must is
// what the conditions section answers. It is read when no section cue speaks.
// "Cần … không" ("mở quán cà phê cần đăng ký hộ kinh doanh không") asks it
// too: see asksIfNeeded.
func endsWithYesNo(w words) bool {
	n := yesNoEnd(w)
	if n == 0 {
		return false
	}
	for _, f := range w.fold[:n-1] {
		switch f {
		case "co", "duoc", "phai", "con":
			return true
		}
	}
	return false
}

// yesNoEnd returns where the question of w ends (questionEnd) when it closes
// with "không" or "chưa" after at least two words, and 0 otherwise.
func yesNoEnd(w words) int {
	n := questionEnd(w)
	if n < 3 || !yesNoEnds[w.fold[n-1]] {
		return 0
	}
	return n
}

// questionEnd returns where the question of w ends: before the closing
// particles and the people it is addressed to ("… không mọi người", "… sao
// ạ cả nhà").
func questionEnd(w words) int {
	n := len(w.fold)
	for n > 0 {
		switch {
		case endParticles[w.fold[n-1]]:
			n--
		case n >= 2 && endAddressees[w.fold[n-2]+" "+w.fold[n-1]]:
			n -= 2
		default:
			return n
		}
	}
	return n
}

// endAddressees are the people a question is put to, closing it ("mọi người").
var endAddressees = map[string]bool{"moi nguoi": true, "ca nha": true, "cac ban": true, "anh chi": true, "cac anh": true, "cac chi": true}

// endParticles close a question without adding to it ("… sao ạ", "… sao vậy").
var endParticles = map[string]bool{"a": true, "vay": true, "v": true, "z": true, "ta": true, "nhi": true, "ha": true, "nhe": true, "nha": true, "ad": true, "day": true, "the": true}

// endsWithHow reports whether a question ends with a bare "sao" asking how
// ("kê khai thuế sao", "muốn chỉnh lại thì sao ạ"), not why ("tại sao",
// "vì sao") or whether it matters ("có sao không").
func endsWithHow(w words) bool {
	n := questionEnd(w)
	if n < 3 || w.fold[n-1] != "sao" {
		return false
	}
	prev := w.fold[n-2]
	return prev != "tai" && prev != "vi" && prev != "co"
}

func allMasked(m []bool, i, n int) bool {
	for k := i; k < i+n; k++ {
		if !m[k] {
			return false
		}
	}
	return true
}

// titleMask marks the runs of w that also occur, in order, in title (and single
// title words that are cues by themselves, like "VNeID"): words naming the
// procedure are not read as section cues.
func titleMask(w, title words) []bool {
	out := make([]bool, len(w.fold))
	if len(title.fold) == 0 {
		return out
	}
	for i := 0; i < len(w.fold); i++ {
		best := 0
		for j := range title.fold {
			n := 0
			for i+n < len(w.fold) && j+n < len(title.fold) && w.fold[i+n] == title.fold[j+n] {
				n++
			}
			best = max(best, n)
		}
		if best >= 2 || (best == 1 && (len(title.fold) == 1 || singleWordCues[w.fold[i]])) {
			for k := i; k < i+best; k++ {
				out[k] = true
			}
			i += best - 1
		}
	}
	return out
}

// namedCharges are charges named with a one-syllable section cue ("học
// phí", "viện phí"): what a question is about, which stripSectionCues keeps.
var namedCharges = map[string]bool{"hoc phi": true, "vien phi": true, "an phi": true}

// singleWordCues are the one-syllable section cues ("online", "vneid", "phí").
var singleWordCues = func() map[string]bool {
	m := map[string]bool{}
	for _, sc := range sectionCues {
		for _, c := range sc.cues {
			if len(c.fold) == 1 {
				m[c.fold[0]] = true
			}
		}
	}
	return m
}()

// stripSectionCues removes section cue phrases and the office the citizen
// will go to ("ở công an phường") from the question, leaving the words that
// say which procedure is meant.
func stripSectionCues(w words) string {
	keep := make([]bool, len(w.fold))
	for i := range keep {
		keep[i] = true
	}
	if i, n := followCues.find(w); i == 0 && (n > 1 || w.acc[0] == "còn") {
		// "thế còn hộ chiếu?": the cue says a topic follows, it is not one
		// (an unaccented "con" alone is more often a child).
		for k := 0; k < n; k++ {
			keep[k] = false
		}
	}
	for _, sc := range sectionCues {
		for i := range w.fold {
			for _, c := range sc.cues {
				if keep[i] && matchCue(w, i, c) {
					if len(c.fold) == 1 && w.acc[i] == w.fold[i] && c.acc[0] != c.fold[0] {
						continue // "phi" may be "phí" or "phi nông nghiệp": leave it to the search
					}
					if len(c.fold) == 1 && i > 0 && namedCharges[w.fold[i-1]+" "+w.fold[i]] {
						continue // "học phí" is the tuition a guide is about, not its fee
					}
					for k := i; k < i+len(c.fold); k++ {
						keep[k] = false
					}
				}
			}
		}
	}
	// "ở công an phường", "lên ủy ban xã": where the citizen will go, which
	// every procedure done there shares, not what to do (the question's
	// section still sees them: "nộp ở ủy ban xã hay ra tòa" asks where).
	for i := 0; i+1 < len(w.fold); i++ {
		if !placePrepositions[w.fold[i]] {
			continue
		}
		end := officeEnd(w, i+1)
		if end == i+1 {
			continue
		}
		for j := i; j < end; j++ {
			keep[j] = false
		}
	}
	// "công an xã làm được không", "ủy ban có nhận không": the office as the
	// one that does it is where, not what, too.
	for i := 0; i < len(w.fold); i++ {
		end := officeEnd(w, i)
		if end == i {
			continue
		}
		for end < len(w.fold) && (levelWords[w.fold[end]] || w.fold[end] == "cap" && end+1 < len(w.fold) && levelWords[w.fold[end+1]]) {
			end++ // "công an cấp xã"
		}
		at := end
		if at < len(w.fold) && w.fold[at] == "co" {
			at++
		}
		if at < len(w.fold) && officeActs[w.fold[at]] {
			for j := i; j < end; j++ {
				keep[j] = false
			}
		}
		i = end - 1
	}
	var parts []string
	for i, a := range w.acc {
		if keep[i] {
			parts = append(parts, a)
		}
	}
	return strings.Join(parts, " ")
}

// officeEnd returns the index after the office named at i of w (the longest
// of deskPlaceCues there, and the level words after it: "công an phường"),
// or i when none is named there.
func officeEnd(w words, i int) int {
	for _, c := range deskPlaceCues { // longest first
		if matchCue(w, i, c) {
			end := i + len(c.fold)
			for end < len(w.fold) && levelWords[w.fold[end]] {
				end++
			}
			return end
		}
	}
	return i
}

// officeActs are what an office does for the citizen, said right after it
// ("công an xã làm được không", "ủy ban có nhận không").
var officeActs = map[string]bool{"lam": true, "nhan": true, "cap": true, "giai": true, "tiep": true, "xu": true}

var (
	placePrepositions = map[string]bool{"o": true, "tai": true, "len": true, "ra": true, "den": true, "toi": true, "xuong": true}
	deskPlaceCues     = cues("công an", "ủy ban", "uỷ ban", "ubnd", "ủy ban nhân dân", "một cửa", "bộ phận một cửa", "cơ quan thuế")
	levelWords        = map[string]bool{"phuong": true, "xa": true, "quan": true, "huyen": true, "tinh": true, "thanh": true, "pho": true, "thi": true, "tran": true}
)

var (
	greetingCues = cues("xin chào", "chào", "hello", "hi", "alo", "chào bạn", "chào bot", "hey", "start")
	helpCues     = cues("help", "trợ giúp", "menu", "bạn làm được gì", "bạn giúp được gì", "hướng dẫn sử dụng", "bắt đầu", "danh mục")
	thanksCues   = cues("cảm ơn", "cám ơn", "thanks", "thank you", "tks", "thank")
	followCues   = cues("thế còn", "vậy còn", "còn", "còn thì sao", "thì sao")
)

// fillers are words that may surround a greeting or thanks ("chào bạn nhé").
var fillers = map[string]bool{}

func init() {
	for _, f := range []string{"bạn", "bot", "ạ", "a", "ơi", "nhé", "nha", "nhiều", "anh", "chị", "em", "ad", "admin", "mình", "các", "buổi", "sáng", "chiều", "tối", "rất", "lắm", "vậy", "nhe", "you", "there", "much", "so", "trợ", "lý", "dvc", "cô", "chú", "bác"} {
		fillers[f] = true
		fillers[vntext.Fold(f)] = true
	}
}

// isOnly reports whether w is a cue of l at the start (or, with anywhere, at any
// position) and every other word is a filler ("chào bạn ạ", "cảm ơn nhiều").
func isOnly(l cueList, w words, anywhere bool) bool {
	i, n := l.find(w)
	if i < 0 || (i > 0 && !anywhere) {
		return false
	}
	for k := range w.fold {
		if (k < i || k >= i+n) && !fillers[w.acc[k]] && !fillers[w.fold[k]] {
			return false
		}
	}
	return true
}

// thanksFirst reports whether a message opens with thanks (after words such
// as "em", "ad") and asks nothing: no question mark, no ask cue, no follow-up
// cue ("Em cảm ơn ad, hôm qua em làm căn cước cho bé rất nhanh ạ").
func thanksFirst(w words, text string) bool {
	i, _ := thanksCues.find(w)
	if i < 0 || strings.Contains(text, "?") {
		return false
	}
	for k := range i {
		if !fillers[w.acc[k]] && !fillers[w.fold[k]] {
			return false
		}
	}
	a, _ := askCues.find(w)
	f, _ := followCues.find(w)
	return a < 0 && f < 0
}

// DefaultDossierPattern matches dossier codes such as 000.00.12.H57-241022-0001 or
// H57.22-241022-0015: an agency code with dots, -YYMMDD-, a sequence number.
const DefaultDossierPattern = `(?i)\b[0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){1,5}-\d{6}-\d{3,6}\b`

var defaultDossierRe = regexp.MustCompile(DefaultDossierPattern)

// onlineCueCount counts the names (title and aliases) that mention doing things
// online; two or more mark a procedure about the online portal itself.
func onlineCueCount(names []string) int {
	n := 0
	for _, name := range names {
		if i, _ := sectionCues[0].cues.find(splitWords(name)); i >= 0 {
			n++
		}
	}
	return n
}

// pleasantryWords may open a message before its question: greetings,
// thanks, forms of address ("chào ad", "dạ cảm ơn chị", "alo ad ơi"), with
// their marks. pleasantryCores are the ones that make such an opening a
// pleasantry rather than the question's own first words.
// pleasantryFolded maps each pleasantry word typed without marks to the
// word; of two words folding alike ("cảm", "cám") either stands, since
// both are cores.
var (
	pleasantryWords  = map[string]bool{}
	pleasantryCores  = map[string]bool{}
	pleasantryFolded = map[string]string{}
)

func init() {
	for _, w := range []string{"chào", "alo", "hello", "hi", "cảm", "cám", "thanks", "tks"} {
		pleasantryCores[w] = true
	}
	for _, w := range []string{"ơn", "dạ", "vâng", "ad", "admin", "ơi", "ạ", "bạn", "bot", "anh", "chị", "em", "cô", "chú", "bác", "nhiều", "nhé", "nha"} {
		pleasantryWords[w] = true
	}
	for w := range pleasantryCores {
		pleasantryWords[w] = true
	}
	for w := range pleasantryWords {
		pleasantryFolded[vntext.Fold(w)] = w
	}
}

// minQuestionAfterPleasantry is the least number of words a message must
// keep after its opening pleasantry for the pleasantry to be left out.
const minQuestionAfterPleasantry = 3

// withoutPleasantry returns text without the greeting or thanks it opens
// with ("chào ad, làm căn cước cho bé cần giấy tờ gì" asks "làm căn cước cho
// bé cần giấy tờ gì"): the longest run of opening words that are all
// pleasantry words (a word typed without marks counts for the marked one),
// provided it holds a greeting or thanks and at least
// minQuestionAfterPleasantry words follow. Otherwise text is returned as is.
func withoutPleasantry(text string) string {
	fields := strings.Fields(text)
	n, core := 0, false
	for n < len(fields) {
		t := strings.ToLower(strings.Trim(fields[n], ".,;:!?…-"))
		if t == "xin" && n+1 < len(fields) && vntext.Fold(strings.ToLower(strings.Trim(fields[n+1], ".,;:!?…-"))) == "chao" {
			n++
			continue
		}
		w, ok := pleasantryWord(t)
		if !ok {
			break
		}
		core = core || pleasantryCores[w]
		n++
	}
	if !core || len(fields)-n < minQuestionAfterPleasantry {
		return text
	}
	return strings.Join(fields[n:], " ")
}

// pleasantryWord returns the pleasantry word t is, as marked in
// pleasantryWords: t itself, or t typed without its marks.
func pleasantryWord(t string) (string, bool) {
	if pleasantryWords[t] {
		return t, true
	}
	if vntext.Fold(t) != t {
		return "", false
	}
	w, ok := pleasantryFolded[t]
	return w, ok
}
