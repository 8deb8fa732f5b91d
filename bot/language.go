package bot

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
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
	"year": true, "years": true, "lived": true, "criminal": true, "record": true, "staying": true, "friend": true,
	"house": true, "report": true, "declare": true, "declared": true, "landlord": true, "owner": true, "renting": true,
	"flat": true, "apartment": true, "food": true, "safety": true, "married": true, "marry": true, "daughter": true,
	"son": true, "baby": true, "born": true, "stolen": true, "citizen": true, "my": true, "registered": true,
	"recognized": true, "recognised": true, "automatically": true,
	"track": true, "application": true, "status": true, "submit": true, "portal": true, "father": true,
	"mother": true, "death": true, "died": true, "passed": true, "away": true, "payment": true, "know": true,
	"tell": true, "cannot": true, "account": true, "identity": true, "company": true, "business": true,
	// more everyday English that is no Vietnamese syllable typed without
	// marks ("my", "in", "on", "so", "can", "me" are: Mỹ, in, ổn, sổ, cần, mẹ)
	"her": true, "his": true, "she": true, "him": true, "them": true, "job": true, "month": true,
	"months": true, "last": true, "next": true, "week": true, "weeks": true, "receive": true, "benefit": true,
	"benefits": true, "unemployment": true, "insurance": true, "health": true, "social": true, "pension": true,
	"school": true, "enroll": true, "enrol": true, "grade": true, "land": true, "plot": true, "inheritance": true,
	"shop": true, "open": true, "small": true, "family": true, "name": true, "address": true, "change": true,
	"phone": true, "number": true, "now": true, "still": true, "just": true, "already": true, "any": true,
	"some": true, "all": true, "that": true, "these": true, "because": true, "also": true, "only": true,
	"after": true, "before": true, "since": true, "today": true, "yesterday": true, "time": true,
	"sick": true, "leave": true, "maternity": true, "employer": true, "salary": true, "tax": true, "refund": true,
	"us": true, "by": true, "yes": true, "log": true, "login": true, "logged": true,
	// words of keyword queries ("newborn khai sinh papers needed")
	"papers": true, "paper": true, "needed": true, "required": true, "requirements": true, "steps": true, "procedure": true,
	"process": true, "newborn": true, "activate": true, "replace": true, "replacement": true, "transfer": true, "cancel": true,
	"return": true, "plate": true, "plates": true, "registration": true, "confirmation": true, "copy": true, "copies": true,
	"diploma": true, "expired": true, "renewal": true, "deadline": true, "exemption": true, "deduction": true, "household": true,
	"permanent": true, "guardianship": true, "adopt": true, "adoption": true, "motorbike": true, "car": true, "bike": true,
	// words translation apps give for Vietnamese chat ("bang lai put into
	// VNeID how do", "make hộ chiếu first time how much money")
	"into": true, "put": true, "make": true, "money": true, "first": true, "bring": true, "total": true, "together": true,
	"prepare": true, "follow": true, "law": true, "decree": true, "wrong": true, "adjust": true, "data": true, "exam": true,
	"split": true, "give": true, "stop": true, "selling": true, "temporarily": true, "withdraw": true, "subsidy": true,
	"monthly": true, "ask": true, "sign": true, "grandfather": true, "grandmother": true, "grandma": true, "grandpa": true,
	"student": true, "room": true, "rent": true, "sell": true, "sold": true, "buy": true, "bought": true,
}

// looksEnglish reports whether a question is written in English: no Vietnamese
// diacritics, at least two words that are English and not Vietnamese
// syllables, and those make up a good share of it.
func looksEnglish(q string) bool {
	w := splitWords(q)
	if len(w.acc) == 0 {
		return false
	}
	n, shaped, marked := englishCounts(w)
	// Vietnamese typed with diacritics carries them on most words; English
	// may carry one or two ("fiancée", a place written "Đà Nẵng"), or a
	// few more when it names Vietnamese papers among many English words
	// ("our sổ đỏ is torn and faded. how long does it take …").
	if marked > max(1, len(w.acc)/10) && (n < 4 || 3*marked > len(w.acc) || float64(n) < 0.3*float64(len(w.acc))) {
		return false
	}
	// Known English words, or one of them among many words no Vietnamese
	// syllable can be ("Is a room rental contract required to be notarized?").
	return n >= 2 && float64(n) >= 0.3*float64(len(w.acc)) ||
		n >= 1 && shaped >= 3 && float64(shaped) >= 0.5*float64(len(w.acc))
}

// namesInEnglish reports whether a short question typed without marks, too
// short for looksEnglish to be sure of, is English all the same: it holds
// three words of English's shape or more (englishCounts), two of them known
// English words or all its words of that shape ("pit finalization
// deadline"), and the English glossary reads a covered procedure named in it
// ("fee to reissue a lost can cuoc?").
func (e *Engine) namesInEnglish(q string) bool {
	w := splitWords(q)
	known, shaped, marked := englishCounts(w)
	return marked == 0 && (known >= 2 || known >= 1 && shaped == len(w.acc)) && shaped >= 3 && len(e.cfg.English.Read(q).Named) > 0
}

// chatEnglish reports whether q is English typed the way people chat on a
// phone: it holds a chat spelling no Vietnamese syllable can be ("pls",
// "wat", "govt", "didnt"), and written out (English.Expand) it reads as
// English (looksEnglish, namesInEnglish).
func (e *Engine) chatEnglish(q string) bool {
	x, sure := e.cfg.English.Expand(q)
	return sure > 0 && (looksEnglish(x) || e.namesInEnglish(x))
}

// englishCounts counts the words of w that are known English words
// (englishWords), those of English's shape (known ones, and words of five
// letters or more, or of three with a vowel, typed without marks and no
// Vietnamese syllable), and those typed with Vietnamese marks.
func englishCounts(w words) (known, shaped, marked int) {
	for i, a := range w.acc {
		if a != w.fold[i] {
			marked++
		}
		switch {
		case englishWords[a]:
			known++
			shaped++
		case (len(a) >= 5 || len(a) >= 3 && strings.ContainsAny(a, "aeiou")) && a == w.fold[i] && !vntext.UnmarkedSyllable(a):
			shaped++
		}
	}
	return known, shaped, marked
}

// inPersonHelp tells an English speaker where to get help in person.
const inPersonHelp = "For help in person: the one-stop desk (bộ phận Một cửa) of the commune or ward People's Committee where you live, or the portal hotline 1800 1096."

// english answers a question asked in English, in English. A question that
// establishes one covered procedure (seed/english.yaml) is answered with it:
// a short English lead naming the procedure in both languages, then, in the
// same reply, the guide's section in Vietnamese. Any other question gets what the bot covers
// and where to get help in person, with the procedures it names or hints at as
// buttons, and is recorded for staff. A subject the guides do not cover
// (visas, work permits) is never answered with a guide, nor is a question
// that asks what no how-to guide answers (a fine, another body's decision,
// an opinion: English.AsksElse), which is told so, with the guide of the
// procedure it names as a button.
func (e *Engine) english(ctx context.Context, s *Session, m Message) Response {
	// Chat spellings written out ("pls", "wat", "cert"): the message is read
	// as if typed in full; m itself is recorded as typed.
	text, _ := e.cfg.English.Expand(m.Text)
	r := e.withVietnameseNames(e.cfg.English.Read(text), text)
	// The whole message must name no uncovered subject for its words to be
	// read in Vietnamese ("I lost my US passport … Where can I get a new
	// one?").
	wholeCovered := r.NotCovered == ""
	// The sentence that asks, read once; qs is "" for a message of one
	// sentence.
	qs := withAskedBefore(text, questionSentence(text))
	var rq knowledge.EnglishReading
	if qs != "" {
		rq = e.withVietnameseNames(e.cfg.English.Read(qs), qs)
		// The sentence that asks decides when it names what it asks about: a
		// residence card mentioned beside "Can I convert my UK driving
		// licence?" is the asker's situation, but "How do I book it?" asks
		// about the uncovered thing named before.
		if r.NotCovered != "" && rq.NotCovered == "" && len(rq.Named)+len(rq.Hinted) > 0 {
			r.NotCovered, r.AsksElse = "", ""
		} else if rq.Section != "" && !r.EndsHow {
			r.Section = rq.Section
		}
	}
	if r.Section == "" && asksYesNo(cmp.Or(qs, text)) {
		// "is the an ninh trat tu certificate really needed for a tiny
		// guesthouse?", "Will I get maternity benefit?": a question asked
		// to be answered yes or no, and no section named, asks whether the
		// procedure applies to the asker.
		r.Section = SectionConditions
	}
	if r.AsksElse != "" {
		// "what's the fine if I register my baby's birth late?": no guide
		// answers it, but the guide of the procedure it names may still
		// help.
		return e.declineAsksElseEnglish(ctx, s, m, append(slices.Clone(r.Named), r.Hinted...))
	}
	if r.NotCovered != "" && r.StandingAsked != "" && qs != "" && rq.NotCovered == "" {
		// A residence card or a visa the asker has, told in a sentence
		// before one that asks without naming it, whose words read in
		// Vietnamese name one guide: that guide. In the sentence that asks
		// ("my husband is on an e-visa, how long can he stay") the card or
		// the visa is what is asked about.
		if p, ok := e.translatedGuide(ctx, r.StandingAsked, text); ok {
			return e.answerInEnglish(ctx, s, m, p, r.Section, translatedLead(p))
		}
	}
	if r.NotCovered != "" {
		r.Named, r.Hinted = nil, nil // visas, work permits: no guide answers them
	}
	if len(r.Named) == 1 {
		named, err := e.cfg.Procedures.Procedure(ctx, r.Named[0].ID)
		if err == nil && qs != "" {
			// A topic named only in the story ("I got my Vietnamese
			// passport back …") while the sentence that asks reads as
			// another guide ("Can I register permanent residence?") is the
			// asker's story, unless the story makes the asked procedure a
			// particular one of it (a foreigner's marriage keeps that one).
			// A paper the asking sentence says to bring ("does she have
			// to bring the court divorce decision?") is one of the named
			// procedure's papers, not another procedure.
			// A sentence that asks about it ("where do i go to change it,
			// any ward or only where my ho khau is") asks about the named
			// paper.
			// A life situation told in the story (a merger, papers lost
			// together) is what the asking sentence's paper is asked within.
			// A sentence that asks how to use the portal ("can we pay online
			// instead of going to the police station?") asks it for the named
			// procedure. The whole message may still say the asking
			// sentence's guide is not what it is about ("selling my bike
			// … what do I do with the plate?" is no registration).
			if len(rq.Named) == 0 && rq.NotCovered == "" && !bringsPaper(qs) && !refersBackEnglish(qs) && named.Field != SituationField {
				if p, ok := e.translatedGuide(ctx, rq.Asked, text); ok && p.ID != named.ID && !refines(named.Title, p.Title) && p.Field != usageField && !e.cfg.English.Excludes(p.ID, r.Asked) {
					return e.answerInEnglish(ctx, s, m, p, r.Section, translatedLead(p))
				}
			}
		}
		if err == nil {
			return e.answerInEnglish(ctx, s, m, named, r.Section, namedLead(r.Named[0], named))
		}
	}
	if wholeCovered && len(r.Named) > 1 {
		// An application the message says was already sent in, beside how
		// to track it or pay for it ("submitted a birth registration online
		// for a villager 10 days ago, how do i check where its at"): the
		// procedure is the story, using the portal is asked.
		if u, ok := e.usageForSubmitted(ctx, r.Named, text); ok {
			t, _ := e.cfg.English.Topic(u.ID)
			return e.answerInEnglish(ctx, s, m, u, r.Section, namedLead(t, u))
		}
		// Several topics named: the guide the sentence that asks names
		// alone is asked, the others are the story ("I got my Vietnamese
		// passport back … Can I register permanent residence (thuong tru)
		// at my aunt's house?", "… camera fine is wrong … How do I file a
		// formal complaint?"). So is a sentence that asks how to track or
		// pay of the application the story names ("submitted a request for
		// a copy of our marriage cert … how do i check where it is").
		var asked knowledge.Procedure
		askedOK := false
		if qs != "" && rq.NotCovered == "" && len(rq.Named) == 1 {
			p, err := e.cfg.Procedures.Procedure(ctx, rq.Named[0].ID)
			asked, askedOK = p, err == nil
		}
		// A life situation among them (a lost wallet, a merger) walks
		// through them all when the question asks whether a paper must be
		// redone ("after the merger … do I need a new health insurance
		// card?"); how to redo the one paper the sentence that asks names
		// is that paper's guide ("stole my wallet with the bike cavet inside
		// … what do i bring to get a new cavet").
		if askedOK && r.Section != SectionConditions {
			return e.answerInEnglish(ctx, s, m, asked, r.Section, namedLead(rq.Named[0], asked))
		}
		for _, t := range r.Named {
			if p, err := e.cfg.Procedures.Procedure(ctx, t.ID); err == nil && p.Field == SituationField {
				return e.answerInEnglish(ctx, s, m, p, r.Section, namedLead(t, p))
			}
		}
		if askedOK {
			return e.answerInEnglish(ctx, s, m, asked, r.Section, namedLead(rq.Named[0], asked))
		}
		// Failing that ("antique Japanese swords … declare them to the
		// police" names a foreigner's stay and the weapon) the reading of
		// the words in Vietnamese chooses, when it answers one of them.
		if p, ok := e.translatedGuide(ctx, r.Asked, text); ok && knowledge.HasTopic(r.Named, p.ID) {
			return e.answerInEnglish(ctx, s, m, p, r.Section, translatedLead(p))
		}
	}
	// either: the two guides the whole question may mean, when its words
	// find one an English-speaking asker may mean as another and nothing
	// says which (a marriage without a foreigner named).
	var either []knowledge.EnglishTopic
	if wholeCovered && len(r.Named) == 0 {
		p, alternatives, ok := e.translatedChoice(ctx, r.Asked, text)
		if ok {
			return e.answerInEnglish(ctx, s, m, p, r.Section, translatedLead(p))
		}
		either = alternatives
		// A story told in sentences before the one that asks ("I'm 68 …
		// still have my old VN passport. … Can I register permanent
		// residence at his house?"): the asking sentence read alone decides,
		// unless the whole message says its guide is not what it is about.
		if qs != "" && rq.NotCovered == "" && len(rq.Named) == 0 {
			if p, ok := e.translatedGuide(ctx, rq.Asked, text); ok && !e.cfg.English.Excludes(p.ID, r.Asked) {
				return e.answerInEnglish(ctx, s, m, p, r.Section, translatedLead(p))
			}
		}
	}
	if len(either) > 0 {
		// "register marrige pay fee or free": two Vietnamese citizens'
		// marriage or one with a foreigner; the papers differ, so it asks.
		return e.declineInEnglish(ctx, s, m, "Which of these do you mean? The papers and the office differ between them. "+inPersonHelp, "The guides are in Vietnamese; a phone translator or a Vietnamese-speaking friend can help you read them.", either)
	}
	return e.declineInEnglish(ctx, s, m, e.englishScope(), englishOfferNote, append(r.Named, r.Hinted...))
}

// usageForSubmitted returns the one portal usage guide (logging in,
// submitting, paying, tracking) among named when text says an application
// was already sent in (submittedWords) and another topic named is a
// procedure's: that procedure is what was sent, using the portal is what
// is asked.
func (e *Engine) usageForSubmitted(ctx context.Context, named []knowledge.EnglishTopic, text string) (knowledge.Procedure, bool) {
	if !slices.ContainsFunc(vntext.Tokens(text), func(w string) bool { return submittedWords[w] }) {
		return knowledge.Procedure{}, false
	}
	var usage []knowledge.Procedure
	other := false
	for _, t := range named {
		p, err := e.cfg.Procedures.Procedure(ctx, t.ID)
		if err != nil {
			return knowledge.Procedure{}, false
		}
		if p.Field == usageField {
			usage = append(usage, p)
		} else {
			other = true
		}
	}
	if len(usage) != 1 || !other {
		return knowledge.Procedure{}, false
	}
	return usage[0], true
}

// submittedWords say an application was already sent in
// (usageForSubmitted).
var submittedWords = map[string]bool{"submitted": true, "applied": true, "filed": true, "lodged": true, "sent": true}

// withVietnameseNames returns r with the topics the question names by
// their Vietnamese names among those it names (Named): an English question
// that types a guide's name ("how long after quitting do i have to nop ho so
// tro cap that nghiep") asks about it. A name an English-speaking asker may
// mean as another guide's is read as the glossary reads it (English.Choose:
// "dang ky ket hon" with a foreigner named is a marriage with a foreigner);
// one that may be either names neither.
func (e *Engine) withVietnameseNames(r knowledge.EnglishReading, text string) knowledge.EnglishReading {
	for _, t := range r.NamedInVietnamese {
		id, _ := e.cfg.English.Choose(t.ID, text, text)
		if chosen, ok := e.cfg.English.Topic(id); ok && !knowledge.HasTopic(r.Named, id) {
			r.Named = append(r.Named, chosen)
		}
	}
	return r
}

// englishOfferNote follows an English reply that offers Vietnamese guides
// as buttons.
const englishOfferNote = "The Vietnamese guides below may be what you need; a Vietnamese-speaking friend or the one-stop desk can help you read them."

// englishScope is the English reply to a question no guide answers: what
// the bot covers and where to get help in person.
func (e *Engine) englishScope() string {
	return strings.Join([]string{
		"Sorry, I can only answer in Vietnamese. I explain Vietnamese public-service procedures (which papers, steps, fees, time limits, where to apply and how to apply online on the National Public Service Portal, " + e.cfg.PortalURL + ") and look up the status of a submitted file from its code.",
		inPersonHelp,
		"Foreigners: visas, temporary residence cards and the declaration of where you stay are handled by the Immigration Office of the provincial police (Phòng Quản lý xuất nhập cảnh) and the commune police; your embassy or consulate can also help.",
	}, "\n\n")
}

// leansEnglish reports whether q, though too short or too mixed for
// looksEnglish, is more English than Vietnamese: at most one word in ten
// typed with Vietnamese marks, a third of its words or more of English's
// shape, two at least (englishCounts), and two of English's small words
// (englishSmallWords), or one with half its words of English's shape
// ("electricity bill too high", "how to do PIT finalization online on
// thuedientu as an expat??"). Words of English's shape alone are not
// enough: Telex leftovers have it ("caanf giaays towf gif"). A question the
// bot cannot answer is declined in the language it leans to.
func leansEnglish(q string) bool {
	w := splitWords(q)
	_, shaped, marked := englishCounts(w)
	if marked > len(w.acc)/10 || shaped < 2 || 3*shaped < len(w.acc) {
		return false
	}
	// English borrowings and Telex leftovers ("online", "app", "caanf")
	// are of English's shape in Vietnamese chat too; English's own small
	// words are not.
	small := 0
	for _, a := range w.acc {
		if englishSmallWords[a] {
			small++
		}
	}
	return small >= 2 || small >= 1 && 2*shaped >= len(w.acc)
}

// englishSmallWords are words English sentences are made of that no
// Vietnamese syllable typed without marks can be.
var englishSmallWords = map[string]bool{"how": true, "what": true, "where": true, "when": true, "why": true, "who": true,
	"which": true, "does": true, "did": true, "is": true, "are": true, "was": true, "were": true, "my": true, "our": true,
	"your": true, "you": true, "we": true, "they": true, "he": true, "she": true, "it": true, "for": true, "with": true,
	"from": true, "need": true, "want": true, "please": true, "pls": true, "thanks": true, "thank": true, "this": true,
	"that": true, "there": true, "have": true, "has": true, "will": true, "would": true, "should": true, "could": true,
	"about": true, "after": true, "before": true, "just": true, "too": true, "tomorrow": true, "of": true, "at": true,
	"i": true, "as": true, "or": true, "any": true, "if": true, "by": true}

// yesNoOpeners are the words an English question to be answered yes or no
// opens with ("Is it…", "Can I…", "Do we…").
var yesNoOpeners = map[string]bool{"is": true, "are": true, "am": true, "can": true, "could": true, "do": true, "does": true,
	"will": true, "would": true, "must": true, "should": true, "may": true, "has": true, "have": true}

// asksYesNo reports whether sentence, or its last clause after a comma
// ("baby born while my husband is in Korea, can grandma register the
// birth?"), opens with a word that asks to be answered yes or no
// (yesNoOpeners), but for whether something exists.
func asksYesNo(sentence string) bool {
	opens := func(clause string) bool {
		f := strings.FieldsFunc(strings.ToLower(clause), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
		// "Is there a …" asks what there is ("Is there one combined
		// procedure …", "Is there something like that here"): the guide as
		// a whole.
		return len(f) > 0 && yesNoOpeners[f[0]] && !(len(f) > 1 && f[1] == "there")
	}
	if opens(sentence) {
		return true
	}
	at := strings.LastIndex(sentence, ",")
	return at >= 0 && opens(sentence[at+1:])
}

// declineAsksElseEnglish answers an English question that asks what no
// how-to guide answers (a fine, another body's decision, an opinion) with a
// reply in English that says so and where to ask, and offers the guides of
// the topics it names as buttons (declineInEnglish).
func (e *Engine) declineAsksElseEnglish(ctx context.Context, s *Session, m Message, topics []knowledge.EnglishTopic) Response {
	text := strings.Join([]string{
		"I can't answer that one. I explain how to do Vietnamese public-service procedures (which papers, steps, fees, time limits, where and how to apply online), not fines, disputes, what an office, a court, an employer or another country will decide, or opinions.",
		"The office that handles the matter can tell you; state legal aid centres (Trung tâm trợ giúp pháp lý) help eligible people free of charge. " + inPersonHelp,
	}, "\n\n")
	return e.declineInEnglish(ctx, s, m, text, "The Vietnamese guide below explains the procedure itself.", topics)
}

// declineInEnglish records m as unanswered and replies with text in English,
// the guides of topics (each once, at most three) as buttons with offerNote
// after text when there is one, and the national portal's button.
func (e *Engine) declineInEnglish(ctx context.Context, s *Session, m Message, text, offerNote string, topics []knowledge.EnglishTopic) Response {
	e.record(s, m, IntentFallback, "", "")
	e.recordUnanswered(ctx, m)
	var buttons []Button
	ids := []string{}
	for _, t := range topics {
		if p, err := e.cfg.Procedures.Procedure(ctx, t.ID); err == nil && len(buttons) < 3 && !slices.Contains(ids, p.ID) {
			buttons = append(buttons, Button{Label: p.Title + " (" + t.Gloss + ")", Action: "proc:" + p.ID})
			ids = append(ids, p.ID)
		}
	}
	if len(buttons) > 0 {
		text += "\n\n" + offerNote
	}
	buttons = append(buttons, Button{Label: "Cổng Dịch vụ công / National portal", URL: e.cfg.PortalURL})
	return Response{Intent: IntentFallback, Language: "en", Candidates: ids, Replies: []Reply{{Text: text, Buttons: buttons}}}
}

// bringsPaper reports whether sentence asks about a paper to bring or hand
// in ("do I have to bring …", "should I attach …", "do i need anything
// besides my passport?").
func bringsPaper(sentence string) bool {
	for _, w := range vntext.Tokens(sentence) {
		switch w {
		case "bring", "attach", "submit", "provide", "present", "besides":
			return true
		}
	}
	return false
}

// refersBackEnglish reports whether sentence names what it asks about only
// by a pronoun for something named before ("change it", "get a new one",
// "renew them", "get this paper", "… for that" or "apply" at its end): "it" after a
// word that makes it the sentence's empty subject ("is it possible", "how
// long will it take") does not.
func refersBackEnglish(sentence string) bool {
	w := vntext.Tokens(sentence)
	for i, t := range w {
		if (t == "it" || t == "one" || t == "them") && i > 0 && !emptySubjectLeads[w[i-1]] {
			return true
		}
		if pointingWords[t] && i+1 < len(w) && paperWords[w[i+1]] {
			return true // "where can she get this paper?"
		}
		if (t == "that" || t == "this") && i == len(w)-1 && i > 0 && w[i-1] == "for" {
			return true // "do i need level 2 for that": what the named one needs
		}
		if t == "apply" && i == len(w)-1 {
			return true // "… where do I apply?": for what was named before
		}
	}
	return false
}

// pointingWords and paperWords make a phrase that points at a paper or a
// procedure named before ("this paper", "that certificate"):
// refersBackEnglish.
var (
	pointingWords = map[string]bool{"this": true, "that": true, "these": true, "those": true}
	paperWords    = map[string]bool{"paper": true, "papers": true, "document": true, "documents": true, "certificate": true,
		"form": true, "procedure": true, "one": true, "card": true, "confirmation": true}
)

// emptySubjectLeads are the words after which "it" is the sentence's empty
// subject or "one" a number (refersBackEnglish).
var emptySubjectLeads = map[string]bool{"is": true, "was": true, "does": true, "did": true, "will": true, "would": true, "can": true,
	"could": true, "should": true, "make": true, "makes": true, "take": true, "takes": true, "isn": true, "doesn": true, "only": true,
	"no": true, "any": true, "every": true, "each": true, "which": true, "than": true, "this": true, "that": true}

// namedLead is the English lead of an answer to a question that names
// topic t of the glossary: what it is about, and p's Vietnamese title.
func namedLead(t knowledge.EnglishTopic, p knowledge.Procedure) string {
	return "Your question is about " + t.Gloss + ": in Vietnamese, “" + p.Title + "”. "
}

// translatedLead is the English lead of an answer found by reading the
// question's words in Vietnamese (translatedGuide): the procedure it seems
// to be about, by its Vietnamese title.
func translatedLead(p knowledge.Procedure) string {
	return "Your question seems to be about the procedure called, in Vietnamese, “" + p.Title + "”. "
}

// answerInEnglish answers m with section of guide p in Vietnamese, in one
// reply that opens with an English lead (what the question is about, that
// the answer is in Vietnamese, and where to get help in person): a client that shows only the
// first reply (`reply` in /api/chat) shows both, with the section's buttons.
func (e *Engine) answerInEnglish(ctx context.Context, s *Session, m Message, p knowledge.Procedure, section, about string) Response {
	resp := e.answerGuide(ctx, s, m, p, section, SearchResult{}, false)
	lead := about + "The answer below is in Vietnamese; a phone translator or a Vietnamese-speaking friend can help you read it. " + inPersonHelp
	resp.Replies[0].Text = lead + "\n\n" + resp.Replies[0].Text
	resp.Language = "en"
	return resp
}

// translatedGuide reads an English question through the Vietnamese of its
// words (English.Translate) and returns the guide the search is confident of
// for them, alone and without an uncovered subject, with one of its names
// standing whole in them or sure of it (sureReading), or else the guide its
// glossary words alone name (knownWordsGuide), unless the glossary's topic
// for that guide says the question is about something else
// (English.Excludes). A guide an English-speaking asker means as another
// (a marriage, one with a foreigner) is that other (English.EnglishFor, which
// reads message, the whole message text stands in, for who the asker is).
func (e *Engine) translatedGuide(ctx context.Context, text, message string) (knowledge.Procedure, bool) {
	p, _, ok := e.translatedChoice(ctx, text, message)
	return p, ok
}

// translatedChoice is translatedGuide that also returns, when the guide the
// words find is one an English-speaking asker may mean as another and
// nothing in text or message says which (English.Choose: a marriage without
// a foreigner named may be two Vietnamese citizens'), the two guides to ask
// between; ok is false then.
func (e *Engine) translatedChoice(ctx context.Context, text, message string) (p knowledge.Procedure, either []knowledge.EnglishTopic, ok bool) {
	vi := e.cfg.English.Translate(text)
	if vi == "" {
		return knowledge.Procedure{}, nil, false
	}
	r, err := e.searchWithin(ctx, vi, vi)
	if err != nil || len(r.Hits) == 0 {
		return knowledge.Procedure{}, nil, false
	}
	if !namesOneGuide(r) && !sureReading(r) {
		k, ok := e.knownWordsGuide(ctx, text, vi, r)
		if !ok {
			return knowledge.Procedure{}, nil, false
		}
		r = k
	}
	found := r.Hits[0].ID
	if e.cfg.English.Excludes(found, text) {
		return knowledge.Procedure{}, nil, false
	}
	id, either := e.cfg.English.Choose(found, text, message)
	if id == "" {
		return knowledge.Procedure{}, either, false
	}
	p, err = e.cfg.Procedures.Procedure(ctx, id)
	return p, nil, err == nil
}

// sureReading reports whether r answers alone with a guide the search is
// sure of (sureConfidence) whose text uses every word of the reading: it
// names its guide though no name stands whole ("add … into VNeID" is the
// integration of papers).
func sureReading(r SearchResult) bool {
	return answersAlone(r) && !r.Hits[0].Official && r.Hits[0].Confidence >= sureConfidence && r.Hits[0].Evidence.Residual == 0
}

// knownWordsConfidence is the confidence from which the reading of an
// English question's glossary words alone, resting on three syllables or
// more and using no word its guide does not, answers (knownWordsGuide):
// below the sure one (sureConfidence), as only words the glossary knows
// are read, measured on the English question sets (from 0.85, 0.8 answers
// six more of them rightly for one more wrong; 0.75 only adds a wrong one).
const knownWordsConfidence = 0.8

// knownWordsGuide reads only the glossary's words of an English question
// (English.TranslateKnown) and returns their search result when they name
// the best hit of whole, the search result of the whole reading vi, with
// nothing against it, whole and alone (a reading that is all glossary
// words is whole itself). Words the glossary does not know count as another
// subject, and an everyday sentence has many ("both of us are vietnamese
// citizens living in different provinces, where do we register our
// marriage?"): they then only tell the asker's story. Two glossary words or
// more must say it, with a name of three syllables or more ("register …
// marriage": "đăng ký kết hôn") or a reading the search is sure or nearly
// sure of (knownWordsConfidence) that rests on three syllables or more
// ("foreigner tam tru declaration"), and the guide's text must use every word of
// the reading: one word ("passport", "wedding") names what many questions
// only mention, and a word the guide never uses ("social insurance" beside
// "enroll") is another subject.
func (e *Engine) knownWordsGuide(ctx context.Context, text, vi string, whole SearchResult) (SearchResult, bool) {
	known, n := e.cfg.English.TranslateKnown(text)
	top := whole.Hits[0]
	if n < 2 || top.Official || top.Evidence.OffTopic || top.Evidence.Excluded {
		return SearchResult{}, false
	}
	k := whole
	if known != vi {
		var err error
		if k, err = e.searchWithin(ctx, known, known); err != nil {
			return SearchResult{}, false
		}
	}
	if !answersAlone(k) || k.Hits[0].Official || k.Hits[0].ID != top.ID {
		return SearchResult{}, false
	}
	ev := k.Hits[0].Evidence
	if ev.Residual != 0 {
		return SearchResult{}, false
	}
	// Sure readings (sureReading) are among these: the checks above are
	// its own, and knownWordsConfidence is below sureConfidence.
	if ev.Anchor >= 3 && k.Hits[0].Confidence >= knownWordsConfidence {
		return k, true
	}
	if namesProcedure(k) && ev.NameFit >= 0.99 && ev.Anchor >= 3 {
		return k, true
	}
	// English puts a noun's words the other way round ("BHYT card" is "thẻ
	// BHYT"): a name of three syllables or more standing in the reading in
	// any order names its guide too.
	p, err := e.cfg.Procedures.Procedure(ctx, top.ID)
	return k, err == nil && namedInAnyOrder(p, known)
}

// namedInAnyOrder reports whether every syllable of one of p's names (its
// title or an alias) of three syllables or more is among text's syllables, as
// many times as the name holds it, in any order.
func namedInAnyOrder(p knowledge.Procedure, text string) bool {
	have := map[string]int{}
	for _, w := range strings.Fields(vntext.Fold(strings.ToLower(text))) {
		have[w]++
	}
	for _, name := range append([]string{p.Title}, p.Aliases...) {
		words := strings.Fields(vntext.Fold(strings.ToLower(name)))
		if len(words) < 3 {
			continue
		}
		need := map[string]int{}
		ok := true
		for _, w := range words {
			need[w]++
			if need[w] > have[w] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// shortAsking is the most words an asking sentence may have and still be
// only an afterthought to the question before it ("… what do I need to bring
// to the ward office? just the passport?").
const shortAsking = 3

// withAskedBefore returns qs, the sentence of text that asks, with the
// sentence before it when qs is that short an afterthought and the one
// before it asks too (ends in "?"); qs as given otherwise.
func withAskedBefore(text, qs string) string {
	if qs == "" || len(strings.Fields(qs)) > shortAsking {
		return qs
	}
	at := strings.LastIndex(text, qs)
	if at < 0 {
		return qs
	}
	before := strings.TrimSpace(text[:at])
	if !strings.HasSuffix(before, "?") {
		return qs
	}
	start := 0
	if ends := sentenceEnd.FindAllStringIndex(strings.TrimRight(before, "?"), -1); len(ends) > 0 {
		start = ends[len(ends)-1][1]
	}
	return strings.TrimSpace(before[start:]) + " " + qs
}
