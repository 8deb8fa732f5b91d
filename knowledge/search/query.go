package search

import (
	"slices"
	"sort"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// maxQueryTokens bounds the work one question can cause.
const maxQueryTokens = 48

type qtoken struct {
	acc    string // as typed, lower case, NFC
	fold   string // without diacritics
	marked bool   // typed with diacritics
	exp    int    // index+1 into plan.expansions of the last phrase its expansion term calls for, else 0
	expN   int    // how many phrases (ending at exp) the term calls for
	lo, hi int    // in a name-matching reading: the content words it stands for, [lo, hi)
	tale   bool   // part of a story phrase ("hàng xóm")
}

// expanded returns the folded phrases t's expansion term calls for (none when
// t is not part of one).
func (pl plan) expanded(t qtoken) [][]string {
	if t.exp == 0 {
		return nil
	}
	return pl.expansions[t.exp-t.expN : t.exp]
}

// termAt returns the folded syllables of the expansion term content[i] is
// part of, as typed ("so do" for "sổ đỏ").
func (pl plan) termAt(i int) []string {
	if pl.content[i].exp == 0 {
		return nil
	}
	lo, hi := pl.termSpan(i)
	out := make([]string, 0, hi-lo)
	for _, t := range pl.content[lo:hi] {
		out = append(out, t.fold)
	}
	return out
}

// termSpan returns the content tokens [lo, hi) of the expansion term
// content[i] is part of (content[i] alone when it is none).
func (pl plan) termSpan(i int) (lo, hi int) {
	x := pl.content[i].exp
	lo, hi = i, i+1
	if x == 0 {
		return lo, hi
	}
	for lo > 0 && pl.content[lo-1].exp == x {
		lo--
	}
	for hi < len(pl.content) && pl.content[hi].exp == x {
		hi++
	}
	return lo, hi
}

// plan is a question analysed for search: content tokens without question words,
// and the expansions its abbreviations and old terms call for.
type plan struct {
	content    []qtoken
	expansions [][]string // folded tokens of each expansion phrase
	expAcc     []string   // accented expansion phrases
}

func (p plan) foldedText() string {
	parts := make([]string, len(p.content))
	for i, t := range p.content {
		parts[i] = t.fold
	}
	return strings.Join(parts, " ")
}

func (p plan) accentText() string {
	var parts []string
	for _, t := range p.content {
		if t.marked {
			parts = append(parts, t.acc)
		}
	}
	return strings.Join(parts, " ")
}

// phrase is a sequence of folded syllables with the accented form it came from.
type phrase struct {
	fold []string
	acc  []string
}

// stopPhrases are question words and fillers that say nothing about which
// procedure is meant. They are matched longest first.
var stopPhrases = compilePhrases([]string{
	"như thế nào", "thế nào", "như nào", "ra sao", "làm sao", "làm thế nào", "phải làm gì", "làm gì",
	"bao nhiêu tiền", "hết bao nhiêu", "tốn bao nhiêu", "bao nhiêu", "mất bao lâu", "trong bao lâu", "bao lâu",
	// the amount asked whole: "tốn bao nhiêu" must not leave "tiền" behind
	"tốn bao nhiêu tiền", "hết bao nhiêu tiền", "tốn hết bao nhiêu tiền", "mất bao nhiêu tiền", "mấy tiền", "bao tiền",
	"tốn bao lâu", "tốn hết", "tốn thời gian", "tốn", "khoảng", "tầm", "chừng", "thời gian",
	"mấy ngày", "mấy hôm", "ở đâu", "chỗ nào", "nơi nào", "có được không", "được không", "có phải", "có cần",
	// which law: "theo luật nào", "quy định ở văn bản nào"
	"luật nào", "văn bản nào", "quy định nào", "nghị định nào", "thông tư nào", "căn cứ pháp lý", "cơ sở pháp lý", "áp dụng",
	"giấy tờ gì", "giấy tờ", "gồm những gì", "cần những gì", "những gì", "mang theo", "mang gì theo", "mang những gì theo", "mang những gì", "cần mang", "mang cái gì theo", "mang gì", "chuẩn bị", "có mất phí", "mất phí", "tốn phí",
	"xin hỏi", "cho hỏi", "cho tôi hỏi", "cho em hỏi", "cho mình hỏi", "cho anh hỏi", "cho chị hỏi", "cho cháu hỏi", "cho bác hỏi", "cho con hỏi", "cho tui hỏi", "cho tớ hỏi", "cho mk hỏi", "cho e hỏi", "cho ad hỏi", "ad cho hỏi", "ad ơi", "thủ tục", "hướng dẫn tôi", "giúp tôi", "giúp mình", "vui lòng",
	"tôi", "mình", "em", "anh", "chị", "ơi", "ạ", "à", "nhé", "nhỉ", "vậy", "thế", "thì", "là", "có", "muốn",
	"cần", "phải", "hỏi", "giúp", "cho", "của", "và", "với", "để", "được", "những", "các", "gì", "nào",
	"sao", "đâu", "bao", "nhiêu", "lâu", "không", "ko", "k", "hả", "ở", "làm", "cách", "xin", "nếu", "khi",
	"mà", "thôi", "rồi", "đã", "đang", "sẽ", "này", "đó", "kia", "ai", "nên", "hay", "hoặc", "bị", "bạn",
	"dạ", "vâng", "như", "ra", "gồm", "ad", "bot", "nay", "hôm", "lúc",
	// "now" before what is asked ("giờ đi đổi căn cước cần gì")
	"giờ", "bây giờ", "hiện giờ",
	// spoken particles and pronouns of messages dictated by voice ("bà hỏi
	// cái này nè", "khai sinh cho nó được không")
	"nè", "nó", "ờ", "ừ", "hen", "nhen", "ấy",
	// classifiers: "mất cái bằng lái" is "mất bằng lái"
	"cái", "chiếc", "cuốn", "quyển",
	// who told the asker to do it ("phường bảo phải đăng ký hộ kinh
	// doanh"): the ward or an officer who said so is the story, and "bảo"
	// folds to the "báo" of reporting
	"phường bảo", "xã bảo", "cán bộ bảo", "họ bảo",
	"phường nói", "xã nói", "cán bộ nói", "phường kêu", "xã kêu", "cán bộ kêu",
	"phường yêu cầu", "xã yêu cầu", "cán bộ yêu cầu",
})

// storyAcc and storyFold hold the everyday words of a citizen's own story:
// family, time, places of daily life, school ("đang học lớp 3"). A question
// that tells one ("ông nội mới mất", "nhà em ở quê", "con mới sinh được 1
// tuần") is no less about the procedure it names, so these words weigh
// little as signs of another subject. Keyed by the accented form; an
// unaccented token counts when its folded form is the folded form of one of
// them.
var storyAcc, storyFold = func() (acc, fold map[string]bool) {
	acc, fold = map[string]bool{}, map[string]bool{}
	for _, w := range strings.Fields(`ông bà bố mẹ ba má cha con cháu cô chú dì cậu vợ chồng trai gái bé
		nội ngoại quê nhà xóm bản làng tuần tháng năm ngày hôm sáng chiều tối trưa xưa trước sau
		sắp vừa mới già yếu tuổi xa gần lên xuống về đi đến tới đó nay nữa lâu rồi giờ hiện
		ở sống ốm đau nằm cả nhiều ít hết lắm đang đã xong
		mấy ấy cái con chiếc mảnh miếng đứa bọn tụi bác quen nghe biết bảo nói kêu vài chục trăm nghìn
		luôn nhưng chưa bên khó dễ tốt rẻ đắt chạy chơi ăn ngủ nhỏ lớn hè tết cưới
		học lớp trường thằng cữ`) {
		acc[w] = true
		fold[vntext.Fold(w)] = true
	}
	return acc, fold
}()

// storyPhrases are the people of a citizen's story named in two syllables, one
// of which alone is a word of subjects ("hàng" of goods, "người" of
// "người nước ngoài"): who sold the land or who came to stay, not what is
// asked. They weigh as story words.
var storyPhrases = compilePhrases([]string{"hàng xóm", "láng giềng", "người quen", "người ta", "người nhà", "họ hàng", "bạn bè"})

// placeNames are the provinces (before and after the 2025 merger) and large
// cities citizens name when they say where they live or where something
// happened ("đang làm ở Bình Dương", "bị bắn tốc độ ở Đồng Nai"): the
// setting of a question, never its subject, so they are left out of the
// search like question words. Names of communes and districts are too many and too ambiguous to
// list; "Việt Nam" is left out ("quốc tịch Việt Nam" is a subject).
var placeNames = compilePhrases([]string{
	// the mainland and an island as where someone lives ("hộ khẩu đất liền", "ở xã đảo")
	"đất liền", "xã đảo", "huyện đảo", "ngoài đảo", "trên đảo",
	"an giang", "bà rịa", "vũng tàu", "bạc liêu", "bắc giang", "bắc kạn", "bắc ninh", "bến tre", "bình dương",
	"bình định", "bình phước", "bình thuận", "cà mau", "cao bằng", "cần thơ", "đà nẵng", "đắk lắk", "đắk nông",
	"điện biên", "đồng nai", "đồng tháp", "gia lai", "hà giang", "hà nam", "hà nội", "hà tĩnh", "hải dương",
	"hải phòng", "hậu giang", "hòa bình", "hưng yên", "khánh hòa", "kiên giang", "kon tum", "lai châu",
	"lâm đồng", "lạng sơn", "lào cai", "long an", "nam định", "nghệ an", "ninh bình", "ninh thuận", "phú thọ",
	"phú yên", "quảng bình", "quảng nam", "quảng ngãi", "quảng ninh", "quảng trị", "sóc trăng", "sơn la",
	"tây ninh", "thái bình", "thái nguyên", "thanh hóa", "thanh hoá", "thừa thiên", "huế", "tiền giang", "trà vinh",
	"tuyên quang", "vĩnh long", "vĩnh phúc", "yên bái", "hồ chí minh", "sài gòn", "biên hòa", "thủ đức",
	"nha trang", "đà lạt", "buôn ma thuột", "quy nhơn", "hạ long", "mỹ tho", "long xuyên", "rạch giá",
	"phan thiết", "pleiku", "củ chi", "hóc môn", "bình chánh", "gò vấp", "hà đông", "tây nguyên", "miền tây",
	"miền bắc", "miền nam", "miền trung",
})

// at reports whether the phrase stands at i of toks, each syllable typed
// with marks having the phrase's ("căn" is not "cần").
func (p phrase) at(toks []qtoken, i int) bool {
	if i+len(p.fold) > len(toks) {
		return false
	}
	for k, t := range toks[i : i+len(p.fold)] {
		if !t.is(p.fold[k], p.acc[k]) {
			return false
		}
	}
	return true
}

// is reports whether t is the syllable written acc (folded fold): the same
// folded, and the same marks when t was typed with marks.
func (t qtoken) is(fold, acc string) bool { return t.fold == fold && (!t.marked || t.acc == acc) }

// near is is, but a syllable typed with another tone ("hộ chiểu", "lái
// xẻ", as speech recognition and hurried typing give them) stands for the
// name's (matchNames lets it only complete a whole name).
func (t qtoken) near(fold, acc string) bool {
	return t.fold == fold && (!t.marked || t.acc == acc || vntext.Toneless(t.acc) == vntext.Toneless(acc))
}

// phraseAt returns how many tokens from i form one of list (0 if none); the
// list is compiled longest first, so the longest phrase there wins.
func phraseAt(list []phrase, toks []qtoken, i int) int {
	for _, p := range list {
		if p.at(toks, i) {
			return len(p.fold)
		}
	}
	return 0
}

// storyWeight is how much a story word counts, as a sign of another subject,
// against a word of its rarity.
const storyWeight = 0.1

// storyShare is how much a story word counts, against a word of its rarity,
// in how much of the question a procedure explains: "sắp" in "tạm trú sắp hết
// hạn" must not make a guide about a licence "sắp hết hạn" the better fit.
const storyShare = 0.3

// story reports whether t is one of the story words.
func (t qtoken) story() bool {
	if t.tale {
		return true
	}
	if t.marked {
		return storyAcc[t.acc]
	}
	return storyFold[t.fold]
}

// stopWords are the folded syllables of stopPhrases: words of questions the
// normaliser must never "repair".
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range stopPhrases {
		for _, f := range p.fold {
			m[f] = true
		}
	}
	return m
}()

// singleStops are the stop phrases of one syllable: words that never name a
// procedure on their own ("cần", "làm"), left out of names when matching runs.
// Keyed by the accented form: "căn" is not "cần". singleStop holds the same
// words folded, for words typed without marks.
var singleStops, singleStop = func() (acc, fold map[string]bool) {
	acc, fold = map[string]bool{}, map[string]bool{}
	for _, p := range stopPhrases {
		if len(p.acc) == 1 {
			acc[p.acc[0]], fold[p.fold[0]] = true, true
		}
	}
	return acc, fold
}()

func compilePhrases(list []string) []phrase {
	out := make([]phrase, 0, len(list))
	for _, s := range list {
		out = append(out, phrase{fold: vntext.FoldedTokens(s), acc: vntext.Tokens(s)})
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].fold) > len(out[j].fold) })
	return out
}

// expander finds expansion terms in a question.
type expander struct {
	terms []expTerm // longest first
}

type expTerm struct {
	fold       []string
	acc        []string   // the term as written, lower case
	expand     []string   // the phrases it adds to the query
	expandFold [][]string // the same, folded syllables each (read only)
}

func newExpander(list []knowledge.Expansion) *expander {
	e := &expander{}
	for _, x := range list {
		for _, t := range x.Terms {
			ft := vntext.FoldedTokens(t)
			if len(ft) == 0 {
				continue
			}
			folds := make([][]string, len(x.Expand))
			for i, phrase := range x.Expand {
				folds[i] = vntext.FoldedTokens(phrase)
			}
			e.terms = append(e.terms, expTerm{fold: ft, acc: vntext.Tokens(t), expand: x.Expand, expandFold: folds})
		}
	}
	// Longest terms first so "sổ hộ khẩu" wins over "hộ khẩu".
	sort.SliceStable(e.terms, func(i, j int) bool { return len(e.terms[i].fold) > len(e.terms[j].fold) })
	return e
}

// termSpan is a run [lo, hi) of the question that is an expansion term, with
// the folded phrases the term expands to.
type termSpan struct {
	lo, hi int
	expand [][]string
}

// spans returns the runs of folds that are expansion terms.
func (x *expander) spans(folds []string) []termSpan {
	var out []termSpan
	for i := range folds {
		for _, t := range x.terms {
			if i+len(t.fold) <= len(folds) && slices.Equal(folds[i:i+len(t.fold)], t.fold) {
				out = append(out, termSpan{i, i + len(t.fold), t.expandFold})
				break // longest first
			}
		}
	}
	return out
}

// enclosingNames returns what the longer expansion terms around [lo, hi)
// expand to: a phrase read inside such a term is part of the term's name
// ("khám bệnh" in "thẻ khám bệnh", the health insurance card).
func enclosingNames(spans []termSpan, lo, hi int) [][]string {
	var out [][]string
	for _, s := range spans {
		if s.lo <= lo && hi <= s.hi && s.hi-s.lo > hi-lo {
			out = append(out, s.expand...)
		}
	}
	return out
}

func matchAt(toks []qtoken, i int, fold []string) bool {
	if i+len(fold) > len(toks) {
		return false
	}
	for k, f := range fold {
		if toks[i+k].fold != f {
			return false
		}
	}
	return true
}

// marksAgree reports whether question tokens typed with diacritics carry the
// same ones as the term: "để" (so that) is not the term "đẻ" (give birth).
// An unaccented syllable may be any term with those letters, except that a
// one-syllable term read, unaccented, as a question word is that word: "de"
// is far more often "để" than "đẻ" ("phải làm sao de đòi lại con"). A term
// written without diacritics ("cccd") agrees with anything.
func (term expTerm) marksAgree(toks []qtoken) bool {
	if len(term.acc) != len(toks) {
		return true
	}
	if len(toks) == 1 && !toks[0].marked && term.fold[0] != term.acc[0] && singleStop[term.fold[0]] {
		return false
	}
	for k, t := range toks {
		if t.marked && term.fold[k] != term.acc[k] && t.acc != term.acc[k] {
			return false
		}
	}
	return true
}

// analyze turns a question into a plan. known reports the folded two-syllable
// phrases of procedure names and expansion terms: an unaccented question word
// that forms such a phrase with a neighbour ("can cuoc") is content, not a
// question word ("cần").
func analyze(q string, exp *expander, known func(phrase string) bool) plan {
	acc := vntext.Tokens(vntext.Clean(q))
	if len(acc) > maxQueryTokens {
		acc = acc[:maxQueryTokens]
	}
	toks := make([]qtoken, len(acc))
	for i, a := range acc {
		f := vntext.Fold(a)
		toks[i] = qtoken{acc: a, fold: f, marked: f != a}
	}
	var p plan
	// Expansion terms first: they are content even when they look like question words.
	isExp := make([]bool, len(toks))
	for i := 0; i < len(toks); i++ {
		for _, t := range exp.terms {
			if matchAt(toks, i, t.fold) && t.marksAgree(toks[i:i+len(t.fold)]) {
				p.expansions = append(p.expansions, t.expandFold...)
				p.expAcc = append(p.expAcc, t.expand...)
				for k := range t.fold {
					isExp[i+k] = true
					toks[i+k].exp = len(p.expansions)
					toks[i+k].expN = len(t.expandFold)
				}
				i += len(t.fold) - 1
				break
			}
		}
	}
	// A syllable typed without marks that a name uses with its neighbour is
	// kept ("phi nong nghiep"). For "thi" a neighbour that is itself a
	// question word proves nothing: "thi lam" is "thì làm" in an alias
	// phrased as a question, while "du thi", "thi lai" are exams.
	//
	// "co" is kept only where a name goes on after it ("ket hon co yeu to
	// nuoc ngoai", "co so"): "ket hon co mat phi ko" asks whether the
	// marriage costs, and "hon co" alone names no marriage with a foreigner.
	inVocab := func(i int) bool {
		if toks[i].fold == "co" {
			return i+1 < len(toks) && known(toks[i].fold+" "+toks[i+1].fold)
		}
		weak := func(k int) bool {
			a, b := toks[i].fold, toks[k].fold
			return (a == "thi" && singleStop[b]) || (b == "thi" && singleStop[a])
		}
		if i > 0 && !weak(i-1) && known(toks[i-1].fold+" "+toks[i].fold) {
			return true
		}
		return i+1 < len(toks) && !weak(i+1) && known(toks[i].fold+" "+toks[i+1].fold)
	}
	for i := 0; i < len(toks); {
		if isExp[i] {
			p.content = append(p.content, toks[i])
			i++
			continue
		}
		if n := phraseAt(placeNames, toks, i); n > 0 {
			i += n // where the citizen is, not what they ask about
			continue
		}
		if n := phraseAt(contentPhrases, toks, i); n > 0 {
			p.content = append(p.content, toks[i:i+n]...) // "mất giấy tờ" is what happened
			i += n
			continue
		}
		if n := phraseAt(storyPhrases, toks, i); n > 0 {
			for _, t := range toks[i : i+n] {
				t.tale = true
				p.content = append(p.content, t)
			}
			i += n
			continue
		}
		n := stopAt(toks, i, inVocab)
		if n == 0 {
			p.content = append(p.content, toks[i])
			i++
			continue
		}
		i += n
	}
	return p
}

// alwaysStop are question words that read the same with or without marks
// and never name a procedure, even where a guide's alias uses them ("xin
// giấy phép xây dựng"): "xin" is only the asking.
var alwaysStop = map[string]bool{"xin": true}

// contentPhrases are made of question words but say what happened: "để
// lại" is what the dead leave behind ("bố mất để lại mảnh đất"), not "in
// order to"; "mất giấy tờ" is a loss, not a question about papers; "thế
// chấp" is a mortgage, not "thế" (so). Their words are kept whole.
var contentPhrases = compilePhrases(append([]string{"để lại", "giấy tờ tùy thân", "mất giấy tờ", "mất hết giấy tờ", "mất sạch giấy tờ", "thế chấp"}, compounds...))

// compounds are words of two syllables one of which alone is a question
// word: "tặng cho" is giving, not "tặng" for someone. They are kept whole in
// questions (contentPhrases) and in the guides' names (see keepInName).
var compounds = []string{"tặng cho", "cho tặng"}

// keepInName reports whether the i-th of a name's tokens (lower case, as
// written) stays in the name: it is no question word, or it is part of one of
// compounds with its neighbour.
func keepInName(toks []string, i int) bool {
	if !singleStops[toks[i]] {
		return true
	}
	for _, c := range compounds {
		if i > 0 && toks[i-1]+" "+toks[i] == c || i+1 < len(toks) && toks[i]+" "+toks[i+1] == c {
			return true
		}
	}
	return false
}

// stopAt returns how many tokens from i form a stop phrase (0 if none).
func stopAt(toks []qtoken, i int, inVocab func(int) bool) int {
	for _, sp := range stopPhrases {
		if !sp.at(toks, i) {
			continue
		}
		if len(sp.fold) == 1 && !toks[i].marked && !alwaysStop[sp.fold[0]] && inVocab(i) {
			continue // unaccented and part of a known name: keep it
		}
		return len(sp.fold)
	}
	return 0
}
