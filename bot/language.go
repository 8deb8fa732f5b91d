package bot

import (
	"context"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge"
)

// englishWords are common English words that are not Vietnamese syllables
// typed without diacritics ("to", "can", "do", "an" are left out on purpose).
var englishWords = map[string]bool{
	"the": true, "is": true, "are": true, "was": true, "does": true, "did": true, "how": true, "what": true,
	"where": true, "when": true, "which": true, "who": true, "why": true, "need": true, "get": true, "you": true,
	"your": true, "please": true, "hello": true, "with": true, "from": true, "for": true, "apply": true,
	"have": true, "has": true, "want": true, "would": true, "should": true, "could": true, "much": true,
	"long": true, "this": true, "there": true, "about": true, "renew": true, "register": true, "foreigner": true,
	"foreign": true, "residence": true, "certificate": true, "license": true, "licence": true,
	"card": true, "visa": true, "permit": true, "birth": true, "marriage": true, "driving": true, "office": true,
	"document": true, "documents": true, "don": true, "cost": true, "fee": true, "fees": true,
	"wife": true, "husband": true, "child": true, "children": true, "work": true, "living": true, "live": true,
	"temporary": true, "stay": true, "police": true, "lost": true, "new": true, "old": true, "of": true,
	"and": true, "or": true, "if": true, "it": true, "we": true, "our": true, "they": true, "their": true,
	"will": true, "be": true, "been": true, "take": true, "takes": true, "days": true,
	"i": true, "pay": true, "fine": true, "traffic": true, "passport": true, "help": true, "vietnamese": true,
}

// looksEnglish reports whether a question is written in English: no Vietnamese
// diacritics, at least two words that are English and not Vietnamese
// syllables, and those make up a good share of it.
func looksEnglish(q string) bool {
	w := splitWords(q)
	if len(w.acc) == 0 {
		return false
	}
	n := 0
	for i, a := range w.acc {
		if a != w.fold[i] {
			return false // diacritics: Vietnamese
		}
		if englishWords[a] {
			n++
		}
	}
	return n >= 2 && float64(n) >= 0.3*float64(len(w.acc))
}

// english answers a question asked in English: what the bot covers and where
// to get help in person, in English. The question is recorded for staff.
func (e *Engine) english(ctx context.Context, s *Session, m Message) Response {
	e.record(s, m, IntentFallback, "", "")
	e.recordUnanswered(ctx, m)
	text := strings.Join([]string{
		"Sorry, I can only answer in Vietnamese. I explain Vietnamese public-service procedures (which papers, steps, fees, time limits, where to apply and how to apply online on the National Public Service Portal, " + e.cfg.PortalURL + ") and look up the status of a submitted file from its code.",
		"For help in person: the one-stop desk (bộ phận Một cửa) of the commune or ward People's Committee where you live, or the portal hotline 1800 1096.",
		"Foreigners: visas, temporary residence cards and the declaration of where you stay are handled by the Immigration Office of the provincial police (Phòng Quản lý xuất nhập cảnh) and the commune police; your embassy or consulate can also help.",
	}, "\n\n")
	buttons := []Button{{Label: "Cổng Dịch vụ công / National portal", URL: e.cfg.PortalURL}}
	ids := []string{}
	if p, gloss, ok := e.englishTopic(ctx, m.Text); ok {
		text += "\n\nThe Vietnamese guide for this (" + gloss + ") is below; a Vietnamese-speaking friend or the one-stop desk can help you read it."
		buttons = append([]Button{{Label: p.Title + " (" + gloss + ")", Action: "proc:" + p.ID}}, buttons...)
		ids = append(ids, p.ID)
	}
	return Response{Intent: IntentFallback, Language: "en", Candidates: ids, Replies: []Reply{{Text: text, Buttons: buttons}}}
}

// englishTopics map English names of common procedures to the Vietnamese words
// the search understands, with a short English gloss for the button.
var englishTopics = []struct{ en, vi, gloss string }{
	{"traffic fine", "nộp phạt vi phạm giao thông", "paying a traffic fine"},
	{"driving licence", "đổi giấy phép lái xe", "driving licence"},
	{"driving license", "đổi giấy phép lái xe", "driving licence"},
	{"driver license", "đổi giấy phép lái xe", "driving licence"},
	{"passport", "cấp hộ chiếu", "passport"},
	{"birth certificate", "đăng ký khai sinh", "birth registration"},
	{"birth registration", "đăng ký khai sinh", "birth registration"},
	{"register a birth", "đăng ký khai sinh", "birth registration"},
	{"death certificate", "đăng ký khai tử", "death registration"},
	{"criminal record", "lý lịch tư pháp", "criminal record certificate"},
	{"certified copy", "chứng thực bản sao", "certified copies"},
	{"notarize", "chứng thực bản sao", "certified copies"},
	{"notarise", "chứng thực bản sao", "certified copies"},
	{"marriage", "đăng ký kết hôn có yếu tố nước ngoài", "marriage with a foreigner"},
	{"marry", "đăng ký kết hôn có yếu tố nước ngoài", "marriage with a foreigner"},
	{"temporary residence", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"register my stay", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"register his stay", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"register her stay", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"report my stay", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"report his stay", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"report her stay", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"declare my stay", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"declare his stay", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"declare her stay", "khai báo tạm trú cho người nước ngoài", "declaring a foreigner's stay"},
	{"household business", "đăng ký hộ kinh doanh", "registering a household business"},
	{"register a company", "đăng ký thành lập doanh nghiệp", "registering a company"},
	{"set up a company", "đăng ký thành lập doanh nghiệp", "registering a company"},
	{"vehicle registration", "đăng ký xe", "vehicle registration"},
	{"motorbike registration", "đăng ký xe", "vehicle registration"},
}

// englishTopic finds the procedure an English question names, when one of
// englishTopics stands in it and the search is confident about its
// Vietnamese words; visas and work permits name none (they are not covered).
func (e *Engine) englishTopic(ctx context.Context, q string) (knowledge.Procedure, string, bool) {
	lower := " " + strings.Join(strings.Fields(strings.ToLower(q)), " ") + " "
	if strings.Contains(lower, " visa") || strings.Contains(lower, "work permit") || strings.Contains(lower, "residence card") {
		return knowledge.Procedure{}, "", false
	}
	for _, t := range englishTopics {
		if !strings.Contains(lower, " "+t.en) {
			continue
		}
		res, err := e.search(ctx, t.vi)
		if err != nil || !res.Confident || len(res.Hits) == 0 {
			return knowledge.Procedure{}, "", false
		}
		p, err := e.cfg.Procedures.Procedure(ctx, res.Hits[0].ID)
		if err != nil {
			return knowledge.Procedure{}, "", false
		}
		return p, t.gloss, true
	}
	return knowledge.Procedure{}, "", false
}
