package knowledge

import (
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// English is the glossary that reads questions asked in English (see
// seed/english.yaml): the subjects the guides do not cover, the words that ask
// for a section, and the English phrases that name a covered procedure.
type English struct {
	NotCovered []string `yaml:"not_covered"`
	// AsksElse are phrases that say what is asked rather than what about:
	// a fine, what someone else will decide or may refuse, whether a paper
	// is accepted elsewhere, an opinion, a prediction ("what's the fine",
	// "can they refuse", "accepted in"). No how-to guide answers them,
	// whatever procedure the question names.
	AsksElse []string         `yaml:"asks_else"`
	Sections []EnglishSection `yaml:"sections"`
	Topics   []EnglishTopic   `yaml:"topics"`
	Words    []EnglishWord    `yaml:"words"`
	// Story are phrases that only tell who the asker is ("I was born in
	// Vietnam", "I never renounced"): they are read as no word at all, so
	// they neither name a subject nor count against a guide.
	Story []string `yaml:"story"`
	// Countries and Nationalities are written out for "<country>" and
	// "<nationality>" in the phrases of not_covered, asks_else, story, words
	// and the topics (expandPlaces): "back in <country>" stands for "back in
	// korea", "back in japan", ….
	Countries     []string `yaml:"countries"`
	Nationalities []string `yaml:"nationalities"`
	// Classes are lists of words that say one thing in many ways ("lost",
	// "stolen", "snatched", "pickpocketed"), each written out for
	// "<name>" wherever a place-holder may stand, like Countries: a phrase
	// names the class once and reads every word of it.
	Classes map[string][]string `yaml:"classes"`
	// Chat are the chat spellings of English words typed on a phone
	// ("pls", "wat", "cert", "didnt") and common misspellings, each with
	// the words it stands for (Expand).
	Chat []EnglishChat `yaml:"chat"`
	// chat maps each chat spelling of Chat to the words it stands for.
	chat map[string]string
	// spelled holds every word of minRepaired letters or more that the
	// glossary's phrases use, and dropped each of them with one letter left
	// out (repairTypo), both built once by ParseEnglish.
	spelled map[string]bool
	dropped map[string][]string
	// single maps each one-word English entry of Words to its Vietnamese,
	// for the -ing forms the glossary does not list (inflectedWord).
	single map[string]string
	// holdingNotCovered are the phrases of Words that hold a not-covered
	// subject inside them ("visa card"), found once by ParseEnglish.
	holdingNotCovered []string
	// situated are the not-covered phrases that can tell only the asker's
	// situation, split into words once by ParseEnglish (maskSituation).
	situated []situatedPhrase
	// plainTopicPhrases are the phrases of Topics without gaps, gathered
	// once by ParseEnglish: those maskPurposes can find opened by "for".
	plainTopicPhrases []string
	// standing are situated and the papers an asker may be "on", go "with"
	// or be "holding" (heldStandings): their situation only when the
	// question then names a covered topic (Read).
	standing []situatedPhrase
	// places are the not-covered phrases that name a place where something
	// may happen (situationPlaces: "hospital", "taxi"), gathered once by
	// ParseEnglish (read).
	places []string
}

// situatedPhrase is a not-covered phrase that a word among leads, at most
// two words before it, makes the asker's situation (maskSituation).
type situatedPhrase struct {
	words []string
	leads map[string]bool
}

// EnglishWord is a word or phrase of English, or of Vietnamese typed inside
// an English question ("sang ten"), and the Vietnamese words the search reads
// for it (Translate).
type EnglishWord struct {
	EN []string `yaml:"en"`
	VI string   `yaml:"vi"`
	// words holds each of EN split into words, once, by ParseEnglish.
	words [][]string
}

// EnglishChat is one way of writing English words on a phone: the chat
// spellings (single words, lowercase) and the words they stand for ("" drops
// a filler such as "lol").
type EnglishChat struct {
	Short []string `yaml:"short"`
	Full  string   `yaml:"full"`
}

// EnglishSection is one section and the English phrases that ask for it.
type EnglishSection struct {
	Section string   `yaml:"section"`
	Phrases []string `yaml:"phrases"`
	// Ends are words that ask for the section when a message ends on them
	// and no phrase asks for another: a query typed as keywords
	// ("death registration grandma documents", "vneid level 2 activate
	// steps"). Inside a sentence they are often only an object ("submit
	// documents online").
	Ends []string `yaml:"ends"`
	// Leading sections are read first, in the glossary's order: asked at
	// all, one is the section, wherever the others stand (Read).
	Leading bool `yaml:"leading"`
	// Weak sections are read last, in the glossary's order, when no other
	// section is asked (Read).
	Weak bool `yaml:"weak"`
}

// EnglishTopic names one guide in English. Phrases establish it; Hints only
// make it worth offering; ExcludedBy phrases say the question is about
// something else (a foreigner's own passport is not a Vietnamese passport).
type EnglishTopic struct {
	ID         string   `yaml:"id"`
	Gloss      string   `yaml:"gloss"`
	Phrases    []string `yaml:"phrases"`
	Hints      []string `yaml:"hints"`
	ExcludedBy []string `yaml:"excluded_by"`
	// ReadFor are guides that the Vietnamese reading of an English
	// question may find when an English-speaking asker means this one:
	// a marriage asked about in English is, unless the question says both
	// are Vietnamese, one with a foreigner (EnglishFor).
	ReadFor []string `yaml:"read_for"`
	// ReadForWhen, when given, are the phrases of which the question must
	// hold one for ReadFor to apply (a foreigner named, a nationality): a
	// marriage asked about in English without one may be two Vietnamese
	// citizens' as well ("marriage register follow which law", typed
	// through a translation app), and is asked (EnglishFor).
	ReadForWhen []string `yaml:"read_for_when"`
	// Needs, when given, are phrases of which the question must hold one
	// for a phrase of the topic to name it; without one the phrase only
	// hints at it. A merger is the guide's subject when papers are asked
	// about ("after the merger … do I have to change my can cuoc"), not
	// when the question only dates something by it ("who is the new
	// chairman after the merger", "certified copies at the ward after the
	// merger").
	Needs []string `yaml:"needs"`
	// Names are the guide's own Vietnamese names (its title and aliases)
	// of three syllables or more, as englishText gives them (SetNames).
	// Typed whole in an English question ("how long after quitting do i
	// have to nop ho so tro cap that nghiep") they name the guide
	// (EnglishReading.NamedInVietnamese).
	Names []string `yaml:"-"`
}

// EnglishReading is what the glossary finds in one English question.
type EnglishReading struct {
	// NotCovered is the first not-covered subject the question names, if any,
	// or else the first AsksElse phrase it holds.
	NotCovered string
	// AsksElse is set to NotCovered when that is an AsksElse phrase: the
	// question asks what no guide answers about a topic it may name.
	AsksElse string
	// Named are the topics the question establishes, Hinted those it only
	// hints at, each once, in glossary order.
	Named, Hinted []EnglishTopic
	// Section is the section asked for ("" for none).
	Section string
	// EndsHow is set when the message ends on "how" ("… need update?
	// how"): it asks the steps, whatever its sentences say before, or how
	// to do it online when it asks about that ("… thru VNeID? how").
	EndsHow bool
	// Purpose is a not-covered subject named only as what something is
	// for ("a criminal record for my work permit renewal"): the asker's
	// reason, not what is asked. It does not make the question
	// NotCovered.
	Purpose string
	// Asked is the question's text (as englishText gives it) without its
	// Purpose: what the words of the question are read from
	// (Translate).
	Asked string
	// StandingAsked is set when the only uncovered subject the question
	// names is a visa, a card, a permit or a passport the asker is "on",
	// goes "with" or is "holding", and no topic is named: it is Asked with
	// that subject read as the asker's situation, for a reading of its
	// words in Vietnamese.
	StandingAsked string
	// NamedInVietnamese are the topics whose Vietnamese name (Names) the
	// question types whole outside a purpose clause and a paper it only
	// has, that Named does not hold and that the question does not exclude.
	// They are kept apart from Named, which decides whether an unaccented
	// message is English at all (a Vietnamese question typed without marks
	// names its guide in Vietnamese too).
	NamedInVietnamese []EnglishTopic
}

// ParseEnglish reads an English glossary. Every topic needs an id, a gloss and
// a phrase or a hint; every section entry a section and a phrase. Phrases are
// kept in the form Read matches them in.
func ParseEnglish(name string, data []byte) (English, error) {
	var g English
	if err := decodeStrict(name, data, &g); err != nil {
		return English{}, err
	}
	if err := g.expandPlaces(name); err != nil {
		return English{}, err
	}
	g.NotCovered, g.AsksElse = englishPhrases(g.NotCovered), englishPhrases(g.AsksElse)
	g.chat = map[string]string{}
	for i, c := range g.Chat {
		if len(c.Short) == 0 {
			return English{}, &FieldError{File: name, Field: fmt.Sprintf("chat[%d]", i), Msg: "needs its chat spellings"}
		}
		for _, sh := range c.Short {
			if f := strings.Fields(englishText(sh)); len(f) != 1 || f[0] != sh {
				return English{}, &FieldError{File: name, Field: fmt.Sprintf("chat[%d]", i), Msg: fmt.Sprintf("chat spelling %q must be one lowercase word", sh)}
			}
			if _, dup := g.chat[sh]; dup {
				return English{}, &FieldError{File: name, Field: fmt.Sprintf("chat[%d]", i), Msg: fmt.Sprintf("chat spelling %q given twice", sh)}
			}
			g.chat[sh] = strings.TrimSpace(c.Full)
		}
	}
	if g.Story = englishPhrases(g.Story); slices.ContainsFunc(g.Story, func(p string) bool { return strings.Contains(p, gapMark) }) {
		return English{}, &FieldError{File: name, Field: "story", Msg: "needs phrases without gaps"}
	}
	// The longest first: "i was born in" before "i was born".
	slices.SortStableFunc(g.Story, func(a, b string) int { return len(b) - len(a) })
	for _, p := range g.NotCovered {
		pw := strings.Fields(p)
		last := pw[len(pw)-1]
		switch {
		case situationPlaces[last]:
			g.situated = append(g.situated, situatedPhrase{pw, placePrepositions})
			g.places = append(g.places, p)
		case situationStandings[last]:
			g.situated = append(g.situated, situatedPhrase{pw, standingVerbs})
		}
		if leads := heldStandings[last]; leads != nil {
			g.standing = append(g.standing, situatedPhrase{pw, leads})
		}
	}
	// Read masks both where a phrase is in both lists.
	g.standing = append(g.standing, g.situated...)
	// The longest first: "temporary residence card" before "residence card".
	for _, list := range [][]situatedPhrase{g.situated, g.standing} {
		slices.SortStableFunc(list, func(a, b situatedPhrase) int { return len(b.words) - len(a.words) })
	}
	for i := range g.Sections {
		s := &g.Sections[i]
		s.Ends = englishPhrases(s.Ends)
		if slices.ContainsFunc(s.Ends, func(w string) bool { return strings.Contains(w, " ") }) {
			return English{}, &FieldError{File: name, Field: fmt.Sprintf("sections[%d]", i), Msg: "ends must be single words"}
		}
		if s.Phrases = englishPhrases(s.Phrases); s.Section == "" || len(s.Phrases) == 0 {
			return English{}, &FieldError{File: name, Field: fmt.Sprintf("sections[%d]", i), Msg: "needs a section and phrases"}
		}
	}
	for i := range g.Topics {
		t := &g.Topics[i]
		t.Hints, t.ExcludedBy = englishPhrases(t.Hints), englishPhrases(t.ExcludedBy)
		t.ReadForWhen, t.Needs = englishPhrases(t.ReadForWhen), englishPhrases(t.Needs)
		if t.Phrases = englishPhrases(t.Phrases); t.ID == "" || t.Gloss == "" || len(t.Phrases)+len(t.Hints) == 0 {
			return English{}, &FieldError{File: name, Field: fmt.Sprintf("topics[%d]", i), Msg: "needs an id, a gloss and phrases or hints"}
		}
	}
	g.single = map[string]string{}
	for i := range g.Words {
		w := &g.Words[i]
		if w.EN = englishPhrases(w.EN); len(w.EN) == 0 || strings.TrimSpace(w.VI) == "" || slices.ContainsFunc(w.EN, func(p string) bool { return strings.Contains(p, gapMark) }) {
			return English{}, &FieldError{File: name, Field: fmt.Sprintf("words[%d]", i), Msg: "needs English phrases without gaps and their Vietnamese"}
		}
		w.words = make([][]string, len(w.EN))
		for k, p := range w.EN {
			w.words[k] = strings.Fields(p)
			if _, ok := g.single[p]; !ok && len(w.words[k]) == 1 {
				g.single[p] = w.VI
			}
			if firstPhrase(" "+p+" ", g.NotCovered) != "" {
				g.holdingNotCovered = append(g.holdingNotCovered, p)
			}
		}
		// The Vietnamese of a word, typed without its marks inside an
		// English question ("apply for tro cap that nghiep", "any thai san
		// leave"), reads as that word: it competes with the English phrases
		// as one of them, so "thai san" is read before "thai". One syllable
		// alone ("xe", "con") is too often an English word or a typo.
		if folded := vntext.FoldedTokens(w.VI); len(folded) >= 2 && !slices.ContainsFunc(w.words, func(ws []string) bool { return slices.Equal(ws, folded) }) {
			w.words = append(w.words, folded)
		}
	}
	for _, t := range g.Topics {
		for _, p := range t.Phrases {
			if !strings.Contains(p, gapMark) {
				g.plainTopicPhrases = append(g.plainTopicPhrases, p)
			}
		}
	}
	g.indexSpellings()
	return g, nil
}

// minRepaired is the length from which a glossary word is repaired when typed
// with one letter dropped, doubled, added or two swapped (repairTypo): in
// shorter words one edit too often makes another word ("form", "from").
const minRepaired = 7

// indexSpellings builds the spellings repairTypo knows: the words of the
// glossary's phrases of minRepaired letters or more.
func (g *English) indexSpellings() {
	g.spelled, g.dropped = map[string]bool{}, map[string][]string{}
	add := func(phrases ...string) {
		for _, p := range phrases {
			for _, w := range strings.Fields(strings.ReplaceAll(p, gapMark, " ")) {
				if len(w) < minRepaired || g.spelled[w] || !asciiLetters(w) {
					continue
				}
				g.spelled[w] = true
				for i := range len(w) {
					d := w[:i] + w[i+1:]
					if !slices.Contains(g.dropped[d], w) {
						g.dropped[d] = append(g.dropped[d], w)
					}
				}
			}
		}
	}
	add(g.NotCovered...)
	add(g.AsksElse...)
	add(g.Story...)
	for _, sec := range g.Sections {
		add(sec.Phrases...)
		add(sec.Ends...)
	}
	for _, t := range g.Topics {
		add(t.Phrases...)
		add(t.Hints...)
		add(t.ExcludedBy...)
		add(t.Needs...)
	}
	for _, w := range g.Words {
		add(w.EN...)
	}
	for _, c := range g.Chat {
		add(englishText(c.Full))
	}
}

// repairTypo returns the glossary word that w (lowercase) is a typing slip
// of — one letter dropped ("mispelled"), doubled or added ("regisstration"),
// or two neighbours swapped ("certifciate") — when exactly one glossary word
// of minRepaired letters or more is that close and w is neither a glossary
// word nor a Vietnamese syllable typed without marks. A letter typed for
// another is left alone, and so are a dropped first letter and any slip in
// the last three letters: they too often make another real word ("carried"
// and "married", "hanging" and "changing", "courts" and "court", "retires"
// and "retirees"). ok is false when w is left as typed.
func (g English) repairTypo(w string) (string, bool) {
	if len(w) < minRepaired || g.spelled[w] || !asciiLetters(w) || vntext.UnmarkedSyllable(w) {
		return "", false
	}
	// Slips in a word's last letters are left alone: there English inflects
	// ("retires", "retirees").
	const ending = 3
	found := map[string]bool{}
	for _, c := range g.dropped[w] { // a letter dropped
		if i := firstDiff(c, w); i > 0 && i < len(c)-ending {
			found[c] = true
		}
	}
	for i := range len(w) - ending { // a letter added or doubled
		if d := w[:i] + w[i+1:]; g.spelled[d] {
			found[d] = true
		}
	}
	b := []byte(w)
	for i := 0; i < len(b)-ending; i++ { // two neighbours swapped
		if b[i] == b[i+1] {
			continue
		}
		b[i], b[i+1] = b[i+1], b[i]
		if g.spelled[string(b)] {
			found[string(b)] = true
		}
		b[i], b[i+1] = b[i+1], b[i]
	}
	if len(found) != 1 {
		return "", false
	}
	for c := range found {
		return c, true
	}
	return "", false
}

// firstDiff returns the index of the first byte where a and b differ, or the
// length of the shorter.
func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// asciiLetters reports whether w is made of the letters a to z only.
func asciiLetters(w string) bool {
	for i := range len(w) {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}

// Expand writes out the chat spellings of English words in q (English.Chat:
// "pls" → "please", "didnt" → "didn't", "cert" → "certificate") and repairs
// the typing slips of the glossary's long words (repairTypo: "mispelled" →
// "misspelled"), word by word, case aside, and leaves everything else as
// typed, punctuation included, so that the sentences of q stay where they
// were. sure counts the chat spellings written out that no Vietnamese
// syllable typed without marks can be and that are longer than one letter
// ("pls", "wat", "govt", not "u", "r" or "doc"): they tell that q is written
// in English; a repaired slip does not count.
func (g English) Expand(q string) (expanded string, sure int) {
	if len(g.chat) == 0 {
		return q, 0
	}
	var b strings.Builder
	rs := []rune(q)
	prev := "" // the word before, for a unit after a number
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) && !unicode.IsDigit(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
			j++
		}
		word := string(rs[i:j])
		before := prev
		prev = word
		full, ok := g.chat[strings.ToLower(word)]
		if unit, isUnit := unitsAfterNumber[strings.ToLower(word)]; isUnit && isNumber(before) {
			// "a 2 yr card" is two years, not "your".
			full, ok = unit, true
		}
		if !ok {
			if fixed, ok := g.repairTypo(strings.ToLower(word)); ok {
				word = fixed
			}
			b.WriteString(word)
			i = j
			continue
		}
		// A filler ("lol") is dropped: nothing is written in its place.
		b.WriteString(full)
		if lw := strings.ToLower(word); len(lw) > 1 && !vntext.UnmarkedSyllable(lw) {
			sure++
		}
		i = j
	}
	return takesNotLoses.ReplaceAllString(b.String(), "takes${2}${3}"), sure
}

// takesNotLoses is "lose" where it says what a procedure takes, as
// translation apps render the Vietnamese "mất" of "mất bao lâu", "mất bao
// nhiêu tiền" ("report death at commune lose how many days", "make again
// lose money or not"): it is followed by how long, how much or money. "Lost"
// stays a loss ("card lost how many days to reissue" is a card that was lost).
var takesNotLoses = regexp.MustCompile(`(?i)\b(lose|loses|losing)(\s+)(how long|how many|how much|money|any money|much money|time|fees?|any fees?)\b`)

// Translate returns the Vietnamese words of the glossary's words that an
// English question holds, in the question's order, a longer phrase before the
// shorter ones inside it ("driving licence" before "licence"), with the other
// words that say something kept as typed; "" when it holds no glossary word.
// It is a reading for the search, not a translation to show.
func (g English) Translate(q string) string {
	vi, _ := g.translateCount(q, true)
	return vi
}

// TranslateKnown is Translate without the words the glossary does not know:
// the Vietnamese of the glossary's words alone, in the question's order ("" when
// it holds none), and how many distinct glossary entries the question holds,
// an entry read from a phrase of two English words or more counting twice
// ("register my company" says as much as "register … company").
func (g English) TranslateKnown(q string) (string, int) {
	return g.translateCount(q, false)
}

// translateCount reads q's glossary words in Vietnamese, keeping the other
// words that say something as typed when keepUnknown is set, and counts the
// distinct glossary entries read.
func (g English) translateCount(q string, keepUnknown bool) (string, int) {
	toks := strings.Fields(englishText(g.maskStory(" " + englishText(q) + " ")))
	var out []string
	// entries are the glossary entries read; phrased those read from a
	// phrase of two English words or more, which count twice.
	entries, phrased := map[string]bool{}, map[string]bool{}
	for i := 0; i < len(toks); {
		best, vi, folded := 0, "", false
		for _, w := range g.Words {
			for k, pt := range w.words {
				if len(pt) > best && i+len(pt) <= len(toks) && slices.Equal(toks[i:i+len(pt)], pt) {
					best, vi, folded = len(pt), w.VI, k >= len(w.EN)
				}
			}
		}
		if folded && vietnameseRun(toks[i:]) > best {
			// A word's Vietnamese that starts a longer run of Vietnamese
			// ("khai bao tam tru") is part of what the run says.
			best = 0
		}
		if n := placeAt(toks[i:]); n > best {
			// A place says where, never what is asked ("Thai Binh" is no
			// Thai national).
			i += n
			continue
		}
		if n := vietnameseRun(toks[i:]); best == 0 && n > 0 {
			// Vietnamese words among English ones are already what the
			// glossary would give: a run of them reads as it stands, as one
			// entry.
			vi := strings.Join(toks[i:i+n], " ")
			entries[vi] = true
			out = append(out, vi)
			i += n
			continue
		}
		if best == 0 && !englishStop[toks[i]] && (i == 0 || !doneLeads[toks[i-1]]) {
			// A word the glossary lists as a verb, typed as its -ing form
			// ("notarizing", "reporting"), reads as that verb, unless "after"
			// or "since" makes it what was done before the question ("after
			// reporting her lost passport, how long until …").
			if v, ok := g.inflectedWord(toks[i]); ok {
				best, vi = 1, v
			}
		}
		if best == 0 {
			// A word the glossary does not know is kept as typed, unless it
			// only builds the sentence: the search then counts it as a word
			// about something else ("which hospital is best for giving
			// birth").
			if keepUnknown && !englishStop[toks[i]] && !isNumber(toks[i]) {
				out = append(out, toks[i])
			}
			i++
			continue
		}
		entries[vi] = true
		if best >= 2 {
			phrased[vi] = true
		}
		if len(out) == 0 || out[len(out)-1] != vi {
			out = append(out, vi)
		}
		i += best
	}
	if len(entries) == 0 {
		return "", 0
	}
	return strings.Join(out, " "), len(entries) + len(phrased)
}

// doneLeads before an -ing form make it what the asker already did.
var doneLeads = map[string]bool{"after": true, "since": true}

// inflectedWord returns the Vietnamese of the one-word entry of the
// glossary that w is the -ing form of ("notarizing", "reporting"); ok is
// false when w is no such form. Other forms are left out: a past
// participle mostly tells what is already so ("my Vietnamese registered
// bike", "a marriage registered in California"), and plurals too often name
// something else ("gifts" beside "gift").
func (g English) inflectedWord(w string) (vi string, ok bool) {
	s, cut := strings.CutSuffix(w, "ing")
	if !cut || len(s) < 3 {
		return "", false
	}
	stems := []string{s, s + "e"}
	// A doubled last consonant is the spelling's ("planning": "plan").
	if n := len(s); s[n-1] == s[n-2] && !strings.ContainsRune("aeiouls", rune(s[n-1])) {
		stems = append(stems, s[:n-1])
	}
	for _, stem := range stems {
		if vi, ok := g.single[stem]; ok {
			return vi, true
		}
	}
	return "", false
}

// Excludes reports whether an English question names something a topic of
// guide id says the guide is not about (its excluded_by: a Korean pension is
// not the Vietnamese lump sum). A thing named only to say there is none ("no
// property fight", "without a lawyer") excludes nothing.
func (g English) Excludes(id, q string) bool {
	text := " " + englishText(q) + " "
	for _, t := range g.Topics {
		if t.ID != id {
			continue
		}
		for _, p := range t.ExcludedBy {
			if containsPhrase(text, p) && !onlyNegated(text, p) {
				return true
			}
		}
	}
	return false
}

// EnglishFor returns the guide an English question means when the reading
// of its words in Vietnamese found guide id: the topic that is read for id
// (ReadFor) unless the question names id itself or says the topic is not
// what it is about (Excludes); id otherwise. It returns "" when the question
// could mean either: the topic's ReadForWhen phrases are given and neither q
// nor message, the whole message q was read from (its story says who the
// asker is: "My visa runs out in 5 weeks"), holds one of them.
func (g English) EnglishFor(id, q, message string) string {
	for _, t := range g.Topics {
		if !slices.Contains(t.ReadFor, id) || g.Excludes(t.ID, q) {
			continue
		}
		if HasTopic(g.Read(q).Named, id) {
			return id
		}
		if len(t.ReadForWhen) > 0 && firstPhrase(" "+englishText(q)+" "+englishText(message)+" ", t.ReadForWhen) == "" {
			return ""
		}
		return t.ID
	}
	return id
}

// Choose returns the guide an English question means (EnglishFor), or, when
// it could mean either, "" and the topic of guide id and the topic read for
// it, the guide the words found first (nil when id has no topic of its own
// or none is read for it).
func (g English) Choose(id, q, message string) (string, []EnglishTopic) {
	if got := g.EnglishFor(id, q, message); got != "" {
		return got, nil
	}
	var own, other *EnglishTopic
	for i, t := range g.Topics {
		switch {
		case t.ID == id && own == nil:
			own = &g.Topics[i]
		case slices.Contains(t.ReadFor, id) && other == nil:
			other = &g.Topics[i]
		}
	}
	if own == nil || other == nil {
		return "", nil
	}
	return "", []EnglishTopic{*own, *other}
}

// onlyNegated reports whether every place text (padded with spaces, as
// englishText gives it) holds phrase p, a phrase without gaps, follows a word
// that says there is none of it ("no", "not", "without", "never").
func onlyNegated(text, p string) bool {
	if strings.Contains(p, gapMark) {
		return false
	}
	rest, found := text, false
	for {
		i := strings.Index(rest, " "+p+" ")
		if i < 0 {
			return found
		}
		before := strings.Fields(rest[:i])
		if len(before) == 0 || !negations[before[len(before)-1]] {
			return false
		}
		found, rest = true, rest[i+len(p)+1:]
	}
}

// negations say there is none of what follows (onlyNegated).
var negations = map[string]bool{"no": true, "not": true, "without": true, "never": true}

// vietnameseRun returns how many Vietnamese words toks (as englishText gives
// them, without marks) starts with: two or more that can be Vietnamese
// syllables (vntext.UnmarkedSyllable) and are none of the words that build
// an English sentence (englishStop) or everyday English words of that shape
// (englishSyllables) first or last ("a ho kinh doanh", "the ly lich tu
// phap", "our sổ đỏ is torn"); 0 for none.
func vietnameseRun(toks []string) int {
	n := 0
	// An everyday English word of that shape may stand inside a run ("tro
	// cap hang thang"), never first or last.
	for n < len(toks) && !englishStop[toks[n]] && (n > 0 || !englishSyllables[toks[n]]) && vntext.UnmarkedSyllable(toks[n]) {
		n++
	}
	for n > 0 && englishSyllables[toks[n-1]] {
		n--
	}
	if n < 2 {
		return 0
	}
	return n
}

// englishSyllables are everyday English words shaped like an unmarked
// Vietnamese syllable.
var englishSyllables = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`son sons man men ban bin pin tin hot cut got lot nut hat bat cat net pet set bet let sit hit kit
		hung hang sing ring long tong thin then than that chin chat nap cap tap map hip tip top pop shop chip ship ha hi
		on in an ten pen hen den rob mob job sob mom`) {
		m[w] = true
	}
	return m
}()

// englishPlaces are Vietnamese places as English speakers type them, without
// marks ("Ha Giang", "Hoi An"): the setting of a question, never its subject.
var englishPlaces = func() [][]string {
	var out [][]string
	for _, p := range strings.Split(`ha noi|ha giang|ha long|ha tinh|ha nam|hoi an|da nang|da lat|phu quoc|nha trang|vung tau|can tho|mui ne|sa pa|`+
		`ho chi minh city|ho chi minh|binh duong|dong nai|hai phong|quang ninh|quang nam|quang ngai|nghe an|thanh hoa|ninh binh|`+
		`bac ninh|long an|tay ninh|khanh hoa|lam dong|kien giang|lao cai|phu yen|quy nhon|buon ma thuot|bien hoa|thu duc|`+
		`ben tre|tien giang|an giang|dong thap|ca mau|bac giang|thai nguyen|vinh phuc|hai duong|hung yen|nam dinh|thai binh|`+
		`gia lai|kon tum|dak lak|quang binh|quang tri|thua thien hue|cat ba|con dao|tam coc|phong nha`, "|") {
		out = append(out, strings.Fields(p))
	}
	slices.SortFunc(out, func(a, b []string) int { return len(b) - len(a) })
	return out
}()

// placeAt returns how many tokens of toks a place of englishPlaces takes at
// their start (0 for none).
func placeAt(toks []string) int {
	for _, p := range englishPlaces {
		if len(p) <= len(toks) && slices.Equal(toks[:len(p)], p) {
			return len(p)
		}
	}
	return 0
}

// isNumber reports whether t is written with digits only.
func isNumber(t string) bool {
	return t != "" && strings.Trim(t, "0123456789") == ""
}

// englishStop are the words that build an English sentence without saying
// what it is about.
var englishStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but if then so of to in on at by for from with without into onto about
		as than that this these those there here it its i me my mine we us our you your he him his she her they them their
		is are was were be been being am do does did done doing have has had having will would can could shall should may
		might must need needs needed want wants wanted get gets got getting go goes going went make made take takes took
		how what when where which who whom whose why yes no not any some all every each both either much many more most
		very too also just only still already again now today yesterday tomorrow ago please pls thanks thank thx hi hello
		hey dear sir madam anyone someone something anything one ones im i'm ive i've dont don't doesnt doesn't cant can't
		isnt isn't wont won't u ur ok okay well really actually maybe since after before while during until up down out
		over under same other another new old first last next few little long short days day weeks week months
		month years year time times way ways help know tell say said says let lets like mean
		m s t d re ll ve vietnamese vietnam viet vn hanoi hcmc saigon
		fee fees cost costs charge price free documents document papers paperwork bring online office apply application
		request within allowed legally officially ward commune phuong district province good carry
		city town village island loop trip street hue sapa dalat
		paper put puts through ask asks asking asked myself
		yourself himself herself themselves show shows instead together step steps procedure
		procedures process requirements requirement required conditions condition deadline deadlines hour hours
		possible impossible place people person guy guys man woman girl boy lady somebody anybody everybody
		thing things stuff kind lots lot even everything nothing finish finished find see read told thinks think
		thought hear heard call called side part end list enough often exactly quickly asap fast soon late
		later right true sorry answer question info information whats aren isn hasn didn wasn yet whether anymore
		different same between become became come came coming gone arrive arrives arrived sure family friend
		friends girlfriend boyfriend partner colleague colleagues english language speak speaking citizen citizens
		teacher engineer employee employees staff manager director hr worker workers freelancer housewife student
		students live lives living work works worked working sleep sign signed open opening opened submit
		submitted submitting pay paid pays paying
		actually currently recently already exactly really
		send sends sent sending start starts started starting begin begins began give gives gave given giving
		comes agree agrees agreed both each either neither anything something someone anyone everyone
		set sets rule rules issue issues issued issuing
		besides except including member members male female local hire hired new due expect expected expecting
		wonder wondering wondered plan plans planning planned hope hoping confused confusing able unable
		let allow allows own
		doesn couldn wouldn shouldn haven weren`) {
		m[w] = true
	}
	return m
}()

// durationWords say how long a paper runs ("a 2 year visa").
var durationWords = map[string]bool{"year": true, "years": true, "month": true, "months": true, "day": true, "days": true}

// unitsAfterNumber are chat abbreviations that, after a number, are a unit
// of time rather than what the chat list makes of them ("2 yr": years, not
// "your").
var unitsAfterNumber = map[string]string{"yr": "year", "yrs": "years"}

// Topic returns the glossary's first topic for guide id; ok is false when
// the glossary has none.
func (g English) Topic(id string) (t EnglishTopic, ok bool) {
	if i := slices.IndexFunc(g.Topics, func(t EnglishTopic) bool { return t.ID == id }); i >= 0 {
		return g.Topics[i], true
	}
	return EnglishTopic{}, false
}

// HasTopic reports whether topics hold a topic of guide id.
func HasTopic(topics []EnglishTopic, id string) bool {
	return slices.ContainsFunc(topics, func(t EnglishTopic) bool { return t.ID == id })
}

// seedGuides are the bundled guides, read once per process for their names
// (LoadSeedEnglish runs for every engine built); callers only read them.
var seedGuides = sync.OnceValues(func() ([]Procedure, error) {
	res, err := LoadSeed()
	return res.Procedures, err
})

// LoadSeedEnglish reads the bundled English glossary, its topics named in
// Vietnamese by the bundled guides (SetNames).
func LoadSeedEnglish() (English, error) {
	data, err := fs.ReadFile(SeedFS(), "english.yaml")
	if err != nil {
		return English{}, err
	}
	g, err := ParseEnglish("english.yaml", data)
	if err != nil {
		return English{}, err
	}
	guides, err := seedGuides()
	if err != nil {
		return English{}, err
	}
	g.SetNames(guides)
	return g, nil
}

// minNameSyllables is the length from which a guide's Vietnamese name names
// it in an English question: shorter ones ("ly hon", "so do") are also
// parts of other names and of stories.
const minNameSyllables = 3

// SetNames gives every topic the Vietnamese names of its guide among procs
// (Names): the title and aliases of minNameSyllables syllables or more, as
// englishText gives them, each once.
func (g *English) SetNames(procs []Procedure) {
	byID := make(map[string]Procedure, len(procs))
	for _, p := range procs {
		byID[p.ID] = p
	}
	for i := range g.Topics {
		p, ok := byID[g.Topics[i].ID]
		if !ok {
			continue
		}
		var names []string
		for _, n := range append([]string{p.Title}, p.Aliases...) {
			if n = englishText(n); len(strings.Fields(n)) >= minNameSyllables && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		g.Topics[i].Names = names
	}
}

// Read finds what an English question names. Phrases match whole words,
// case and punctuation aside. A visa, a residence card or a passport the
// asker is "on", goes "with" or is "holding" is their situation when, read
// so, the question names a covered topic and no other uncovered subject ("a
// foreigner with a temporary residence card, can I get a VNeID account?");
// otherwise it is what is asked about ("my husband is on an e-visa, how long
// can he stay"). When, read so, the question names neither an uncovered
// subject nor a topic, StandingAsked holds what it asks, for the caller to
// read in Vietnamese.
func (g English) Read(q string) EnglishReading {
	r := g.read(q, g.situated)
	if r.NotCovered == "" || len(g.standing) == 0 {
		return r
	}
	soft := g.read(q, g.standing)
	if soft.NotCovered == "" && len(soft.Named) > 0 {
		return soft
	}
	if soft.NotCovered == "" {
		// Read as the asker's situation, the question names no uncovered
		// subject but no topic either: what it asks may still be read in
		// Vietnamese ("I'm a foreigner with a TRC. What papers to register
		// it and get plates?").
		r.StandingAsked = soft.Asked
	}
	return r
}

// read is Read with the subjects that are the asker's situation where they
// stand (situated: g.situated, or g.standing as well).
func (g English) read(q string, situated []situatedPhrase) EnglishReading {
	text := g.maskStory(" " + englishText(q) + " ")
	has := func(phrases []string) bool { return firstPhrase(text, phrases) != "" }
	r := EnglishReading{Asked: strings.TrimSpace(text)}
	// A subject named as where something happened ("born in Tu Du
	// hospital", "lost … in a taxi") or as what the asker has ("she has
	// Vietnamese nationality", "I have a TRC") is the asker's situation.
	settled := maskSituation(text, situated)
	// unpurposed is settled without the uncovered subjects named only as
	// what something is for (Purpose).
	unpurposed := settled
	if firstPhrase(text, g.NotCovered) != "" {
		// A known word that holds a not-covered subject is another thing
		// ("a Visa card" pays a fee); a subject named as what something is
		// for is the asker's reason ("… for my work permit renewal").
		words := g.maskWords(settled)
		if r.NotCovered = g.uncovered(words); r.NotCovered == "" {
			if r.Purpose = firstPhrase(words, g.NotCovered); r.Purpose != "" {
				unpurposed = maskPurposes(settled, g.NotCovered)
			}
			r.Asked = strings.TrimSpace(unpurposed)
		}
	}
	r.Section = g.askedSection(text)
	if f := strings.Fields(text); r.Section == "" && len(f) > 0 {
		for _, s := range g.Sections {
			if slices.Contains(s.Ends, f[len(f)-1]) {
				r.Section = s.Section
				break
			}
		}
	}
	// "… online? how" asks how to do it online: the online section says so.
	if r.EndsHow = strings.HasSuffix(text, " how "); r.EndsHow && r.Section != "online" {
		r.Section = "steps"
	}
	// A topic named only in a purpose clause ("… to residential so we can
	// build a house") is why, not what is asked: it is a hint.
	main := text
	if at := purposeAt(text); at >= 0 {
		main = text[:at] + " "
	}
	// A paper the asker only has ("I live in Japan with a Vietnamese
	// passport", "i only have tam tru") is their situation: it is a hint.
	held := maskHeld(main)
	// A topic named only as what something is for ("the giay xac nhan cu
	// tru for my kid's school enrolment") is the asker's reason when the
	// question names another topic outside it (purposed).
	forHeld := maskPurposes(held, g.plainTopicPhrases)
	seen := map[string]bool{}
	var purposed []EnglishTopic
	// What an uncovered subject is for excludes nothing either, when the
	// topic is named outside it ("a paper proving where she lives for her
	// UK visa" is no visa question; in "safe for a foreigner to buy land"
	// the land is named only inside it).
	excludes := func(t EnglishTopic) bool {
		if firstPhrase(settled, t.ExcludedBy) == "" {
			return false
		}
		return r.Purpose == "" || firstPhrase(unpurposed, t.ExcludedBy) != "" || firstPhrase(unpurposed, t.Phrases) == ""
	}
	for _, t := range g.Topics {
		// The asker's situation excludes no topic ("I have an American
		// passport, can I get a Vietnamese passport too").
		if seen[t.ID] || excludes(t) {
			continue
		}
		needed := len(t.Needs) == 0 || has(t.Needs)
		switch {
		case needed && firstPhrase(forHeld, t.Phrases) != "":
			r.Named = append(r.Named, t)
			seen[t.ID] = true
		case needed && firstPhrase(held, t.Phrases) != "":
			purposed = append(purposed, t)
			seen[t.ID] = true
		case has(t.Phrases) || has(t.Hints):
			r.Hinted = append(r.Hinted, t)
			seen[t.ID] = true
		}
	}
	for _, t := range g.Topics {
		if len(t.Names) == 0 || firstPhrase(forHeld, t.Names) == "" || HasTopic(r.Named, t.ID) || HasTopic(purposed, t.ID) || HasTopic(r.NamedInVietnamese, t.ID) || excludes(t) {
			continue
		}
		r.NamedInVietnamese = append(r.NamedInVietnamese, t)
		r.Hinted = slices.DeleteFunc(r.Hinted, func(h EnglishTopic) bool { return h.ID == t.ID })
	}
	if len(r.Named) > 0 && slices.Contains(g.places, r.NotCovered) {
		// A hospital or a taxi beside a topic the question names is where
		// its story happens ("the hospital refused it", "before his
		// hospital visit"), not what is asked: the question is not-covered
		// only for another subject it names.
		if r.NotCovered = g.uncovered(maskPhrases(g.maskWords(settled), g.places)); r.NotCovered == "" {
			r.Asked = strings.TrimSpace(settled)
		}
	}
	// A question that names no uncovered subject may still ask what no guide
	// answers (AsksElse).
	if r.NotCovered == "" {
		if a := firstPhrase(settled, g.AsksElse); a != "" {
			r.NotCovered, r.AsksElse = a, a
		}
	}
	if len(r.Named) == 0 {
		// Nothing else named: the purpose is what is asked ("how long for
		// a school enrolment").
		r.Named = purposed
	} else if len(purposed) > 0 {
		r.Hinted = append(r.Hinted, purposed...)
		var phrases []string
		for _, t := range purposed {
			phrases = append(phrases, t.Phrases...)
		}
		r.Asked = strings.TrimSpace(maskPurposes(" "+r.Asked+" ", phrases))
	}
	return r
}

// uncovered returns the first not-covered subject words (padded with
// spaces, as englishText gives it) names other than as what something is
// for (Purpose), "" for none.
func (g English) uncovered(words string) string {
	return firstPhrase(maskPurposes(words, g.NotCovered), g.NotCovered)
}

// maskStory blanks out of text (padded with spaces, as englishText gives it)
// every phrase of Story: who the asker is, not what is asked.
func (g English) maskStory(text string) string {
	return maskPhrases(text, g.Story)
}

// maskWords blanks out of text (padded with spaces, as englishText gives
// it) the glossary's words that hold a not-covered subject inside them ("visa
// card" holds "visa"): the longer phrase is what the question says.
func (g English) maskWords(text string) string {
	return maskPhrases(text, g.holdingNotCovered)
}

// maskPhrases replaces each of phrases standing whole in text (padded with
// spaces, as englishText gives it) by "#", in the order given.
func maskPhrases(text string, phrases []string) string {
	for _, p := range phrases {
		text = strings.ReplaceAll(text, " "+p+" ", " # ")
	}
	return text
}

// askedSection returns the section text (as read holds it) asks by its
// phrases, "" for none. A leading section wins when it is asked at all, in
// the glossary's order ("can I pay it online" asks how to do it online); of
// the others the one asked first ("how much does it cost and how many
// days"), and of phrases starting at the same word the one listed first
// ("how can i" asks the steps, not whether one can). A weak section's
// phrases ("can i", "does the") open many questions that ask something
// else: they count only when no other section is asked, in the glossary's
// order.
func (g English) askedSection(text string) string {
	for _, s := range g.Sections {
		if s.Leading && firstPhrase(text, s.Phrases) != "" {
			return s.Section
		}
	}
	section, at := "", -1
	for _, s := range g.Sections {
		if s.Leading || s.Weak {
			continue
		}
		for _, p := range s.Phrases {
			if i := phraseAt(text, p); i >= 0 && (at < 0 || i < at) {
				section, at = s.Section, i
			}
		}
	}
	if section != "" {
		return section
	}
	for _, s := range g.Sections {
		if s.Weak && firstPhrase(text, s.Phrases) != "" {
			return s.Section
		}
	}
	return ""
}

// maskPurposes blanks out of text (padded with spaces, as englishText gives
// it) every not-covered subject of phrases that "for" opens as a purpose
// ("a criminal record for my work permit renewal"; one word may stand between:
// "for wife visa", "for my country embassy"), with the word after it
// that only says which step ("renewal", "application"). After a verb or a
// noun that takes "for" ("apply for a visa", "documents for my work permit")
// the subject is what is asked and stays.
func maskPurposes(text string, phrases []string) string {
	words := strings.Fields(text)
	if !slices.Contains(words, "for") {
		// No purpose is opened: nothing to look for among the phrases.
		return " " + strings.Join(words, " ") + " "
	}
	for _, p := range phrases {
		pw := strings.Fields(p)
		for i := 0; i+len(pw) <= len(words); i++ {
			if !slices.Equal(words[i:i+len(pw)], pw) {
				continue
			}
			lead := i - 1
			// Two words may say whose or which ("for wife visa", "for my
			// country embassy", "for my kid's school enrolment", "for the
			// UK spouse visa").
			for skipped := 0; skipped < 2 && lead >= 1 && !purposeDeterminers[words[lead]] && words[lead] != "for"; skipped++ {
				lead--
			}
			if lead >= 0 && purposeDeterminers[words[lead]] {
				lead--
			}
			// "for" after a verb that takes it ("apply for a visa") opens
			// the thing asked, not a purpose.
			if lead < 0 || words[lead] != "for" || lead > 0 && forVerbs[words[lead-1]] {
				continue
			}
			end := i + len(pw)
			if end < len(words) && purposeTails[words[end]] {
				end++
			}
			for k := lead; k < end; k++ {
				words[k] = "#"
			}
		}
	}
	return " " + strings.Join(words, " ") + " "
}

// maskSituation blanks out of text (padded with spaces, as englishText gives
// it) every phrase of situated that one of its leads, at most two words
// before it, makes the asker's situation. English.situated holds a place
// where something happened, after "in", "at", "on", "inside" or "from" ("in
// Tu Du hospital", "in a taxi"), and a nationality, a foreign passport, a
// residence card or a TRC the asker has, after "has", "have", "hold" or
// "holds" ("has Vietnamese and Korean passport", "I have a TRC");
// English.standing adds a visa one is "on" and papers one goes "with" or is
// "holding". Asking to get one ("how can he get Vietnamese nationality",
// "how do I renew my TRC") keeps it.
func maskSituation(text string, situated []situatedPhrase) string {
	words := strings.Fields(text)
	for _, p := range situated {
		for i := 0; i+len(p.words) <= len(words); i++ {
			if !slices.Equal(words[i:i+len(p.words)], p.words) {
				continue
			}
			// Up to three words may stand between, and a duration besides
			// ("with a 2 year temporary residence card").
			for k, left := i-1, 3; k >= 0 && left > 0; k-- {
				if isNumber(words[k]) || durationWords[words[k]] {
					continue
				}
				left--
				if p.leads[words[k]] {
					for j := i; j < i+len(p.words); j++ {
						words[j] = "#"
					}
					break
				}
			}
		}
	}
	return " " + strings.Join(words, " ") + " "
}

// maskHeld blanks out of text (padded with spaces, as englishText gives it)
// the papers the asker has or goes with, named within four words after a
// word that says so ("with a vietnamese passport", "still have my old VN
// passport", "only have tam tru"), and the papers joined to them by "and" or
// "or" ("a vn passport and tam tru"); "have to" says what must be done and
// keeps them, and so does a word that says the paper is not had ("I don't
// have a passport yet", "still have no passport").
func maskHeld(text string) string {
	words := strings.Fields(text)
	// lastPaper returns the index of the last paper word of words[from:to]
	// (to capped at the end), or -1.
	lastPaper := func(from, to int) int {
		last := -1
		for j := from; j < min(to, len(words)); j++ {
			if heldPaperWords[words[j]] {
				last = j
			}
		}
		return last
	}
	for k := 0; k+1 < len(words); k++ {
		held := heldVerbs[words[k]] || k > 0 && words[k-1] == "already" && alreadyHeldVerbs[words[k]]
		if !held || words[k+1] == "to" {
			continue
		}
		// A paper the asker does not have is what is asked for ("I don't
		// have a passport yet, can I apply online"), not held.
		if words[k+1] == "no" || k > 0 && heldNegators[words[k-1]] {
			continue
		}
		// A paper named in Vietnamese ("once my child has the giay xac nhan
		// khuyet tat") is held whole.
		j := k + 1
		if heldDeterminers[words[j]] {
			j++
		}
		if j < len(words) && words[j] == "giay" {
			if n := vietnameseRun(words[j:]); n > 0 {
				for i := k + 1; i < j+n; i++ {
					words[i] = "#"
				}
				continue
			}
		}
		end := lastPaper(k+1, k+5)
		if end < 0 {
			continue // "with the police", "have a foreign friend"
		}
		for end+1 < len(words) && (words[end+1] == "and" || words[end+1] == "or") {
			next := lastPaper(end+2, end+5)
			if next < 0 {
				break
			}
			end = next
		}
		for j := k + 1; j <= end; j++ {
			words[j] = "#"
		}
	}
	return " " + strings.Join(words, " ") + " "
}

// heldVerbs say what the asker has or goes with, heldDeterminers may stand
// between one and a paper named in Vietnamese, heldPaperWords are the words
// of the papers that can be held (maskHeld).
var (
	heldVerbs = map[string]bool{"with": true, "has": true, "have": true, "hold": true, "holds": true, "kept": true}
	// alreadyHeldVerbs say the asker has a paper after "already" ("she
	// already got her giay xac nhan doc than"); alone they may tell how it
	// went missing ("got her passport stolen").
	alreadyHeldVerbs = map[string]bool{"got": true, "received": true, "obtained": true, "gotten": true}
	heldDeterminers  = map[string]bool{"a": true, "an": true, "the": true, "my": true, "his": true, "her": true, "our": true, "their": true}
	heldPaperWords   = map[string]bool{"passport": true, "passports": true, "cccd": true, "tam": true, "tru": true, "card": true, "licence": true, "license": true, "khau": true, "certificate": true, "certificates": true}
	// heldNegators before a held verb say the paper is not had: "t" is
	// what is left of "don't" and "doesn't" (englishText).
	heldNegators = map[string]bool{"not": true, "t": true, "dont": true, "doesnt": true, "didnt": true, "never": true, "no": true}
)

// heldStandings are the last words of the papers an asker may be "on", go
// "with" or be "holding" (a visa, a work permit, a residence card, a
// passport), each with the words that say so (English.standing).
// A passport is not one the asker is "on" here: "change her surname on her
// Australian passport" asks about that passport.
var (
	heldLeads     = withWords(heldVerbs, "holding", "only")
	visaLeads     = withWords(heldLeads, "on")
	heldStandings = map[string]map[string]bool{"visa": visaLeads, "e-visa": visaLeads, "permit": visaLeads, "card": heldLeads, "trc": heldLeads, "passport": heldLeads}
)

// withWords returns a new set of the words of set and more.
func withWords(set map[string]bool, more ...string) map[string]bool {
	out := maps.Clone(set)
	for _, w := range more {
		out[w] = true
	}
	return out
}

// The not-covered subjects that can be where something happened or what an
// asker has, and the words that make them so (maskSituation). standingVerbs
// are heldVerbs but "with": a visa or a card one is "on" or "with" is as
// often what is asked about ("my husband is on an e-visa, how long can he
// stay"), and masking it always lost more questions than it gained; it is
// masked only when the question then names a covered topic (heldStandings,
// English.standing).
var (
	situationPlaces    = map[string]bool{"hospital": true, "taxi": true}
	placePrepositions  = map[string]bool{"in": true, "at": true, "on": true, "inside": true, "from": true, "to": true}
	situationStandings = map[string]bool{"nationality": true, "citizenship": true, "passport": true, "card": true, "trc": true}
	standingVerbs      = map[string]bool{"has": true, "have": true, "hold": true, "holds": true}
)

// purposeDeterminers may stand between "for" and the subject it opens;
// purposeTails say which step of it ("for my work permit renewal").
var (
	purposeDeterminers = map[string]bool{"a": true, "an": true, "my": true, "our": true, "the": true, "his": true, "her": true, "their": true, "your": true}
	purposeTails       = map[string]bool{"application": true, "applications": true, "renewal": true, "extension": true, "file": true, "papers": true, "process": true}
	forVerbs           = map[string]bool{"apply": true, "applying": true, "applied": true, "ask": true, "asking": true, "asked": true, "look": true, "looking": true,
		"pay": true, "paying": true, "paid": true, "wait": true, "waiting": true, "qualify": true, "eligible": true, "register": true, "registering": true,
		"request": true, "requesting": true, "sponsor": true, "sponsoring": true, "fee": true, "fees": true, "cost": true, "price": true, "documents": true,
		"papers": true, "requirements": true, "procedure": true, "process": true, "need": true, "needs": true, "needed": true, "require": true,
		"required": true, "requires": true, "necessary": true, "prepare": true, "ready": true}
)

// englishPurposes open a purpose clause ("so we can marry").
var englishPurposes = []string{" so we can ", " so i can ", " so she can ", " so he can ", " so they can ", " so that ", " in order to "}

// purposeAt returns where the first purpose clause of text (padded with
// spaces, as englishText gives it) starts, or -1.
func purposeAt(text string) int {
	at := -1
	for _, p := range englishPurposes {
		if i := strings.Index(text, p); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	return at
}

// firstPhrase returns the first of phrases that text holds (containsPhrase),
// "" for none.
func firstPhrase(text string, phrases []string) string {
	for _, p := range phrases {
		if containsPhrase(text, p) {
			return p
		}
	}
	return ""
}

// englishText lowercases s, drops Vietnamese marks (a "căn cước card" reads
// as a "can cuoc card", as most foreigners type it) and turns everything but
// letters, digits and hyphens into single spaces. A number joined by a
// hyphen to the words after it stands apart ("a 6-month-old" reads as "a 6
// month-old", as "a six month-old" would).
func englishText(s string) string {
	// "security & order" is "security and order".
	s = strings.ReplaceAll(s, "&", " and ")
	fields := strings.FieldsFunc(vntext.Fold(strings.ToLower(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		if num, rest, ok := strings.Cut(f, "-"); ok && isNumber(num) && startsWithLetter(rest) {
			out = append(out, num, rest)
			continue
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}

// startsWithLetter reports whether s begins with a letter.
func startsWithLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && unicode.IsLetter(r)
}

// englishPhrases puts phrases in the form englishText gives, dropping empty
// ones. A phrase may hold "..." between words: there the question may say a
// few words more ("lost my ... driving licence" reads "I lost my Vietnamese
// driving licence").
func englishPhrases(list []string) []string {
	var out []string
	for _, p := range list {
		var parts []string
		for _, part := range strings.Split(p, "...") {
			if part = englishText(part); part != "" {
				parts = append(parts, part)
			}
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, gapMark))
		}
	}
	return out
}

// Place-holders in the glossary's phrases for another country and its
// people (English.Countries, English.Nationalities).
const (
	countryMark     = "<country>"
	nationalityMark = "<nationality>"
)

// unknownMark finds the place-holders a phrase holds, for expandPlaces to
// check each names a list.
var unknownMark = regexp.MustCompile(`<[a-z_]+>`)

// expandPlaces writes out every phrase of the glossary that holds
// countryMark, nationalityMark or a class's "<name>" once per word of its
// list, in place. A place-holder without its list, and a "<name>" that
// names no class, are errors.
func (g *English) expandPlaces(name string) error {
	type mark struct {
		mark  string
		names []string
	}
	marks := []mark{{countryMark, g.Countries}, {nationalityMark, g.Nationalities}}
	for _, c := range slices.Sorted(maps.Keys(g.Classes)) {
		marks = append(marks, mark{"<" + c + ">", g.Classes[c]})
	}
	known := func(u string) bool { return slices.ContainsFunc(marks, func(m mark) bool { return m.mark == u }) }
	var err error
	expand := func(field string, list []string) []string {
		var out []string
		for _, p := range list {
			for _, u := range unknownMark.FindAllString(p, -1) {
				if !known(u) && err == nil {
					err = &FieldError{File: name, Field: field, Msg: fmt.Sprintf("%q uses %s, which names no class", p, u)}
				}
			}
			ps := []string{p}
			for _, m := range marks {
				if !strings.Contains(p, m.mark) {
					continue
				}
				if len(m.names) == 0 && err == nil {
					err = &FieldError{File: name, Field: field, Msg: fmt.Sprintf("uses %s but the glossary lists none", m.mark)}
				}
				var next []string
				for _, q := range ps {
					for _, n := range m.names {
						next = append(next, strings.ReplaceAll(q, m.mark, n))
					}
				}
				ps = next
			}
			out = append(out, ps...)
		}
		return out
	}
	g.NotCovered, g.Story = expand("not_covered", g.NotCovered), expand("story", g.Story)
	g.AsksElse = expand("asks_else", g.AsksElse)
	for i := range g.Topics {
		t := &g.Topics[i]
		field := fmt.Sprintf("topics[%d]", i)
		t.Phrases, t.Hints, t.ExcludedBy = expand(field, t.Phrases), expand(field, t.Hints), expand(field, t.ExcludedBy)
		t.ReadForWhen, t.Needs = expand(field, t.ReadForWhen), expand(field, t.Needs)
	}
	for i := range g.Words {
		g.Words[i].EN = expand(fmt.Sprintf("words[%d]", i), g.Words[i].EN)
	}
	return err
}

// gapMark stands between the parts of a phrase written with "..." (see
// englishPhrases); maxGap is how many words the question may put there.
const (
	gapMark = " ... "
	maxGap  = 4
)

// phraseAt returns where text (words between single spaces, padded with a
// space each side, as englishText gives it) first holds phrase p whole, or
// its parts in order, each part whole, with at most maxGap words between one
// part and the next where p has a gap; -1 when it does not.
func phraseAt(text, p string) int {
	if !strings.Contains(p, gapMark) {
		return strings.Index(text, " "+p+" ")
	}
	parts := strings.Split(p, gapMark)
	for from := 0; ; {
		at := strings.Index(text[from:], " "+parts[0]+" ")
		if at < 0 {
			return -1
		}
		start := from + at
		if restFollows(text, start+len(parts[0])+1, parts[1:]) {
			return start
		}
		from = start + 1
	}
}

// containsPhrase reports whether text holds phrase p, with the gaps p allows
// (phraseAt).
func containsPhrase(text, p string) bool {
	return phraseAt(text, p) >= 0
}

// restFollows reports whether parts follow in text from pos (just after a
// part, at its trailing space), each within maxGap words of the one before.
func restFollows(text string, pos int, parts []string) bool {
	if len(parts) == 0 {
		return true
	}
	for gap := 0; gap <= maxGap && pos < len(text); gap++ {
		if strings.HasPrefix(text[pos:], " "+parts[0]+" ") && restFollows(text, pos+len(parts[0])+1, parts[1:]) {
			return true
		}
		next := strings.IndexByte(text[pos+1:], ' ')
		if next < 0 {
			return false
		}
		pos += 1 + next
	}
	return false
}
