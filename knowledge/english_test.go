package knowledge_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge"
)

func TestParseEnglishRejectsIncompleteEntries(t *testing.T) {
	for name, doc := range map[string]string{
		"topic without id":               "topics:\n  - gloss: x\n    phrases: [a b]\n",
		"topic without phrases or hints": "topics:\n  - id: x\n    gloss: x\n",
		"section without phrase":         "sections:\n  - section: fees\n",
		"unknown key":                    "topic:\n  - id: x\n",
		"country place-holder, no list":  "not_covered: [back in <country>]\n",
		"nationality, no list":           "topics:\n  - id: x\n    gloss: x\n    phrases: [a b]\n    excluded_by: [<nationality> pension]\n",
		"class that is not listed":       "classes:\n  lost: [lost]\n\nnot_covered: [<stolen> phone]\n",
		"class with an empty list":       "classes:\n  lost: []\n\nnot_covered: [<lost> phone]\n",
	} {
		_, err := knowledge.ParseEnglish("english.yaml", []byte(doc))
		var fe *knowledge.FieldError
		if !errors.As(err, &fe) || fe.File != "english.yaml" {
			t.Errorf("%s: err = %v, want a FieldError naming the file", name, err)
		}
	}
}

// TestSeedEnglishReadsQuestions checks the bundled glossary on the kinds of
// English questions foreigners ask: a named procedure with its section, a
// subject the guides do not cover, a foreigner's own passport, a hint.
// TestParseEnglishWritesOutPlaces: a phrase with a place-holder stands for
// one phrase per country or nationality listed, wherever phrases are read.
func TestParseEnglishWritesOutPlaces(t *testing.T) {
	doc := `countries: [korea, the uk]
nationalities: [korean, british]
not_covered: [back in <country>, <nationality> passport]
topics:
  - id: bhxh-mot-lan
    gloss: a lump sum
    phrases: [lump sum]
    excluded_by: [paid in <country>]
  - id: ly-hon
    gloss: a divorce
    phrases: [divorce]
    excluded_by: [property]
words:
  - {en: [<nationality>], vi: người nước ngoài}
`
	g, err := knowledge.ParseEnglish("english.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	checkNotCovered(t, g, []notCoveredCase{
		{"we registered our marriage back in the uk", "back in the uk"},
		{"can i renew my korean passport here", "korean passport"},
		{"my british passport expired", "british passport"},
		{"lump sum for my korean husband", ""},
	})
	if !g.Excludes("bhxh-mot-lan", "a lump sum of the insurance I paid in korea") || g.Excludes("bhxh-mot-lan", "a lump sum of the insurance I paid") {
		t.Error("excluded_by 'paid in <country>' should exclude 'paid in korea' and nothing else")
	}
	// A thing named only to say there is none excludes nothing.
	if g.Excludes("ly-hon", "we agree to divorce, no property fight") || !g.Excludes("ly-hon", "divorce and the property, no lawyer") {
		t.Error("excluded_by 'property' should exclude a property named, not one named only to say there is none")
	}
	if got := g.Translate("my british wife"); !strings.Contains(got, "người nước ngoài") {
		t.Errorf("Translate(my british wife) = %q, want the nationality read", got)
	}
}

// TestParseEnglishWritesOutClasses: a phrase with a class's place-holder
// stands for one phrase per word of the class, and reads each.
func TestParseEnglishWritesOutClasses(t *testing.T) {
	doc := `classes:
  lost: [lost, stolen, snatched]
  kin: [wife, mother in law]
topics:
  - id: trinh-bao-mat-ho-chieu
    gloss: a lost passport
    phrases: [<kin> s passport ... <lost>]
`
	g, err := knowledge.ParseEnglish("english.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]bool{
		"my wife's passport got snatched at the market":    true,
		"mother in law's passport was stolen, what now":    true,
		"my wife's passport expired, what now":             false,
		"my sister's passport was lost, what do we do now": false,
	} {
		if got := g.Read(q).Named; knowledge.HasTopic(got, "trinh-bao-mat-ho-chieu") != want {
			t.Errorf("Read(%q).Named = %+v, want the lost passport named: %v", q, got, want)
		}
	}
}

func TestSeedEnglishReadsQuestions(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	seed, err := knowledge.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	guides := map[string]bool{}
	for _, p := range seed.Procedures {
		guides[p.ID] = true
	}
	for _, tp := range g.Topics {
		if !guides[tp.ID] {
			t.Errorf("english.yaml names %q, which is no guide", tp.ID)
		}
	}
	ids := func(ts []knowledge.EnglishTopic) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.ID)
		}
		return out
	}
	for _, c := range []struct {
		q                      string
		named, hinted, section string
		notCovered             bool
	}{
		{q: "How do I pay a traffic fine online?", named: "nop-phat-vi-pham-giao-thong", section: "online"},
		// Where the asker is while something lapses, a passport still held
		// and a language learned are the asker's story; another country's
		// pension refund is no Vietnamese pension.
		{q: "my driving licence expires while i am in korea, can i renew it when i get home?", named: "doi-giay-phep-lai-xe", section: "conditions"},
		{q: "lost my can cuoc in osaka, i still have my passport. how do i get a new can cuoc?", named: "cap-doi-cap-lai-the-can-cuoc", section: "steps"},
		{q: "how do i get a copy of my birth record from the commune?", named: "trich-luc-ho-tich", section: "steps"},
		{q: "korea pension refund when i go home, how long?", section: "time"},
		// A tax or a closing with a household business named anywhere in
		// the message is the household business's (needs).
		{q: "My mum runs a noodle stall registered as a household business. When is the tax declared and paid?", named: "thue-ho-kinh-doanh", section: "time"},
		{q: "Our ho kinh doanh sells phone cases. We are moving to Da Nang, how do we close the business?", named: "thay-doi-ho-kinh-doanh", section: "steps"},
		{q: "How do we close the business?", hinted: "thay-doi-ho-kinh-doanh", section: "steps"},
		{q: "I want to swap my Thai licence for a Vietnamese one, what papers?", named: "doi-giay-phep-lai-xe", section: "documents"},
		{q: "My brother passed away last year and his name is still on the ho khau. How do we take him off?", named: "xoa-dang-ky-thuong-tru", section: "steps"},
		{q: "Which paper proves my husband lives at our flat? The school asks for it.", named: "xac-nhan-thong-tin-cu-tru", section: "documents"},
		// A merger names its guide when papers are asked about (needs), and
		// only hints at it when it dates something else.
		{q: "after the merger my can cuoc still shows the old ward, do i have to change it?", named: "giay-to-sau-sap-xep-dia-gioi", section: "conditions"},
		{q: "Who is the new chairman of the province after the merger?", hinted: "giay-to-sau-sap-xep-dia-gioi"},
		{q: "can i get certified copies at the ward after the merger?", named: "chung-thuc-ban-sao", hinted: "giay-to-sau-sap-xep-dia-gioi", section: "conditions"},
		{q: "Can I convert my UK driving licence to a Vietnamese one?", named: "doi-giay-phep-lai-xe", section: "conditions"},
		{q: "I lost my driver's license, what documents do I need?", named: "cap-lai-giay-phep-lai-xe", section: "documents"},
		{q: "I want to marry my Vietnamese fiancée. How long does it take?", named: "ket-hon-co-yeu-to-nuoc-ngoai", section: "time"},
		{q: "Where do I apply for a work permit?", notCovered: true},
		{q: "I married a Vietnamese woman, how do I get a temporary residence card?", notCovered: true},
		{q: "I lost my Australian passport in Hanoi, where should I go?", section: "agency", notCovered: true},
		{q: "Is my driving licence valid here?", hinted: "doi-giay-phep-lai-xe"},
		{q: "Where do I get a birth certificate for my baby?", hinted: "dang-ky-khai-sinh", section: "agency"},
		{q: "How do I get a VAT tax refund at the airport?", section: "steps"},
		{q: "I lost my Vietnamese driving licence. How do I get a replacement?", named: "cap-lai-giay-phep-lai-xe", section: "steps"},
		{q: "Can I request a copy of my Vietnamese wife's birth certificate online?", named: "trich-luc-ho-tich", section: "online"},
		{q: "Where can I get a certified copy of my birth certificate?", named: "chung-thuc-ban-sao", section: "agency"},
		{q: "I have a foreign friend staying at my house, do I need to report it?", named: "khai-bao-tam-tru-nguoi-nuoc-ngoai", section: "conditions"},
		{q: "My landlord says my temporary residence must be declared. Who does it?", named: "khai-bao-tam-tru-nguoi-nuoc-ngoai"},
		{q: "Hello, I am Japanese, married to a Vietnamese woman. Can I exchange my Japanese driver's license for a Vietnamese one?", named: "doi-giay-phep-lai-xe", hinted: "ket-hon-co-yeu-to-nuoc-ngoai", section: "conditions"},
		{q: "How do I check the status of an application my wife submitted at the commune?", named: "huong-dan-tra-cuu-ho-so", section: "steps"},
		{q: "My son is not on his birth certificate as mine. How can I recognize my son officially?", named: "dang-ky-nhan-cha-me-con", section: "steps"},
		{q: "I was off work with the flu for a week. Where do I claim the sickness benefit?", named: "che-do-om-dau", section: "agency"},
		{q: "How long is maternity leave for my wife and who pays it?", named: "che-do-thai-san", section: "time"},
		{q: "I'm leaving Vietnam for good. Can I withdraw my social insurance as a lump sum?", named: "bhxh-mot-lan", section: "conditions"},
		{q: "I worked in Korea, can I withdraw my social insurance there?", section: "conditions"},
		// a foreign father registers the birth at the same commune
		{q: "I am Canadian and my Vietnamese wife gave birth in Hue. How do we register our baby's birth?", named: "dang-ky-khai-sinh", section: "steps"},
		{q: "Our aunt left her house and land to my mother. What papers are needed to register the inheritance?", named: "thua-ke-dat", section: "documents"},
		{q: "Where do we get a disability certificate for our daughter?", named: "xac-dinh-khuyet-tat", section: "agency"},
		{q: "I want to buy land in Da Nang as a foreigner, is it possible?", notCovered: true},
		{q: "Can my mother register permanent residence at my house in Hanoi?", named: "dang-ky-thuong-tru", section: "conditions"},
		{q: "How do I get a permanent residence card? I am British.", notCovered: true},
		{q: "How do I get a divorce in Vietnam? My husband agrees.", named: "ly-hon", section: "steps"},
		// a topic named only in a purpose clause is why, not what is asked
		{q: "How much does it cost to change our rice field to residential land so we can build a house?", named: "chuyen-muc-dich-su-dung-dat", section: "fees"},
		{q: "There is a mistake on my son's birth certificate, how can I correct it?", named: "thay-doi-cai-chinh-ho-tich", section: "steps"},
		// a topic "for" opens as a purpose beside another one named is the
		// asker's reason; named alone, it is what is asked
		{q: "Need the giay xac nhan cu tru for my kid's school enrolment. how many days does it take?", named: "xac-nhan-thong-tin-cu-tru", hinted: "tuyen-sinh-dau-cap", section: "time"},
		{q: "how long for my son's school enrolment?", named: "tuyen-sinh-dau-cap", section: "time"},
		{q: "Where can I certify my signature on a power of attorney?", named: "chung-thuc-chu-ky", section: "agency"},
		{q: "My phone was stolen. How do I lock my VNeID?", named: "khoa-mo-khoa-can-cuoc-dien-tu", section: "steps"},
		{q: "How much does a new electricity connection cost for my house?", named: "cap-dien-moi", section: "fees"},
		{q: "We want to enrol our son in first grade at the public school near us. What documents?", named: "tuyen-sinh-dau-cap", section: "documents"},
		{q: "My wife and I want to open a coffee shop. What do we need to register?", named: "dang-ky-ho-kinh-doanh", section: "documents"},
		{q: "My employer asks for a police certificate. How long does it take?", named: "ly-lich-tu-phap", section: "time"},
		{q: "Does my small noodle shop need a food safety certificate?", named: "an-toan-thuc-pham", section: "conditions"},
		{q: "lost my vn passport, how to report", named: "trinh-bao-mat-ho-chieu", section: "steps"},
		{q: "how much speeding fine motorbike", notCovered: true},
		{q: "convert foreign driving licence to vietnamese one", named: "doi-giay-phep-lai-xe"},
		{q: "I'm an American living in Da Nang with a US driver's license. Can I exchange it for a Vietnamese license?", named: "doi-giay-phep-lai-xe", section: "conditions"},
		// a residence card the asker has is the situation
		{q: "I have a temporary residence card. Can I convert my UK driving licence?", named: "doi-giay-phep-lai-xe", hinted: "khai-bao-tam-tru-nguoi-nuoc-ngoai", section: "conditions"},
		// a subject not covered named only as what a paper is for, or
		// inside a longer known word ("visa card"), is not what is asked
		{q: "I need a criminal record for my work permit renewal, how long?", named: "ly-lich-tu-phap", section: "time"},
		{q: "What documents do I need for my work permit?", section: "documents", notCovered: true},
		{q: "Can I pay the fee with a Visa card?", section: "fees"},
		// English as a second language asks for sections in its own words
		{q: "I want marry with Vietnamese girl, what paper I need prepare?", named: "ket-hon-co-yeu-to-nuoc-ngoai", section: "documents"},
		{q: "criminal record how many time to get?", named: "ly-lich-tu-phap", section: "time"},
		// the law a procedure rests on
		{q: "Which decree covers converting a foreign driving licence?", named: "doi-giay-phep-lai-xe", section: "legal"},
		// the five guides last given English phrases
		{q: "We lost the so do of our house in the flood. How do we get a new one?", named: "cap-doi-cap-lai-so-do", section: "steps"},
		{q: "My family has farmed this plot for 40 years but never had a so do. What documents do we need?", named: "cap-so-do-lan-dau", section: "documents"},
		{q: "My parents are selling a plot in Binh Duong to a neighbour, where do they sign?", named: "chuyen-nhuong-dat", section: "agency"},
		{q: "Our homestay needs a security and order certificate from the police. How long does it take?", named: "chung-nhan-an-ninh-trat-tu", section: "time"},
		{q: "The commune's birth records were destroyed in the storm. Can my wife re-register her birth?", named: "dang-ky-lai-khai-sinh", section: "conditions"},
		// the paper that still carries the old ID number is the one updated;
		// the old number's confirmation is another paper
		{q: "My tax registration still shows my old CMND, how do I update it?", named: "thay-doi-thong-tin-dang-ky-thue", section: "steps"},
		{q: "my so bhxh has the old cmnd number, not my can cuoc. how to update?", named: "cap-lai-so-bhxh", section: "steps"},
		{q: "The bank wants a paper confirming my old CMND number. Where do I get it?", named: "xac-nhan-so-cmnd", section: "agency"},
		// a misspelt name is the correction of the paper it is on
		{q: "They spelled my name wrong on our marriage certificate. How do we fix it?", named: "thay-doi-cai-chinh-ho-tich", hinted: "ket-hon-co-yeu-to-nuoc-ngoai", section: "steps"},
		{q: "can we do the baby's khai sinh, ho khau and bhyt card in one go?", named: "lien-thong-khai-sinh", section: "conditions"},
		{q: "Her ho khau book was taken away last year; what paper proves her address now?", named: "xac-nhan-thong-tin-cu-tru", section: "documents"},
		// a replacement card, a new cavet or plate, a wrecked bike's plate
		{q: "Can she apply for a replacement can cuoc online?", named: "cap-doi-cap-lai-the-can-cuoc", section: "online"},
		{q: "The cavet was stolen with the bike. How do we get a new cavet?", named: "cap-lai-dang-ky-bien-so-xe", section: "steps"},
		{q: "My licence plate fell off on the highway, what papers for a new bien so?", named: "cap-lai-dang-ky-bien-so-xe", section: "documents"},
		{q: "My bike was wrecked in a crash. Do I hand the plate back to the police?", named: "thu-hoi-dang-ky-bien-so-xe"},
		// complaints about an officer or a fine, a katana on the wall
		{q: "How can I officially complain about the fine? The light was yellow.", named: "khieu-nai-to-cao", section: "steps"},
		{q: "I have a katana hanging on the wall. Must I declare it?", named: "khai-bao-vu-khi-tho-so", section: "conditions"},
		// a foreign boyfriend staying, a landlord who never registered a tenant
		{q: "My Canadian boyfriend is staying at my house. Do I report him to the cong an?", named: "khai-bao-tam-tru-nguoi-nuoc-ngoai"},
		// a power of attorney to sell a flat is notarised; a letter
		// authorising a friend has its signature certified; a foreigner
		// moving flats declares the new address
		{q: "She needs a power of attorney so her sister can sell the flat, where is that done?", named: "cong-chung-hop-dong", section: "agency"},
		{q: "Does my authorization letter need to be certified?", named: "chung-thuc-chu-ky", section: "conditions"},
		{q: "Do I have to declare my new address with the police when I change flats?", named: "khai-bao-tam-tru-nguoi-nuoc-ngoai", section: "conditions"},
		// a number joined to words by a hyphen stands apart; "registering"
		// the birth; a pupil moved mid-year; a child's sick days
		{q: "Passport for a 6-month-old: what documents?", named: "cap-ho-chieu", section: "documents"},
		{q: "Which decree applies when registering the birth of a child with one foreign parent?", named: "dang-ky-khai-sinh", section: "legal"},
		{q: "How do I transfer my 2nd grader to a public school in Hanoi?", named: "chuyen-truong", section: "steps"},
		{q: "I took 5 days off to stay with my sick son in hospital. Does social insurance pay me for those days?", named: "che-do-om-dau", section: "conditions"},
		// what a fine is for is no how-to guide's; documents certified
		{q: "The police fined me for not declaring my stay, how do I pay?", notCovered: true},
		{q: "Is the fine for no residence registration paid at the ward?", notCovered: true},
		{q: "Can the ward certify my documents on Saturday?", named: "chung-thuc-ban-sao", section: "conditions"},
		// a household business paused; social insurance cashed out; a
		// copy's Vietnamese name
		{q: "Can she suspend the ho kinh doanh for 6 months?", named: "thay-doi-ho-kinh-doanh", section: "conditions"},
		{q: "I want to cash out my so bao hiem before I leave. What paper do I need?", named: "bhxh-mot-lan", section: "documents"},
		{q: "Where can I get sao y ban chinh done?", named: "chung-thuc-ban-sao", section: "agency"},
		// a hospital's records, a body donation and a DNA clinic are no
		// procedure of the guides
		{q: "How do I get a copy of my medical records from the hospital?", notCovered: true},
		{q: "My aunt wants to donate her body to science. Who registers that?", notCovered: true},
		{q: "Is there a DNA clinic in Hanoi that does it cheaply?", notCovered: true},
		// a bank card frozen, an airline's rules, a licence's points
		{q: "My bank card was in the stolen wallet. Which bank hotline do I call to freeze it?", notCovered: true},
		{q: "Her can cuoc got lost. Can she still fly tomorrow with VNeID?", notCovered: true},
		{q: "Who loses the license points for a camera ticket, me or my wife?", notCovered: true},
		// a cracked card, a translation certified, a stolen Vietnamese
		// passport, telling the police one is away, a shop moved or paused
		{q: "His can cuoc is cracked in half. What does he bring to get another?", named: "cap-doi-cap-lai-the-can-cuoc", section: "documents"},
		{q: "Where do I get my translation of the diploma certified?", named: "chung-thuc-chu-ky", section: "agency"},
		{q: "My son's vietnamese passport got stolen on the bus, how do we report it?", named: "trinh-bao-mat-ho-chieu", section: "steps"},
		{q: "Going to Seoul for a year. Do I tell the police I'm away?", named: "khai-bao-tam-vang"},
		{q: "We moved our shop to the next street, what do we file?", named: "thay-doi-ho-kinh-doanh"},
		{q: "Can I pay the driving licence fee with an e-wallet?", named: "huong-dan-thanh-toan-truc-tuyen", hinted: "doi-giay-phep-lai-xe", section: "fees"},
		{q: "The ward kept asking my wife for extra papers that aren't required. Is there somewhere to send feedback?", named: "phan-anh-kien-nghi"},
		{q: "An old tenant is still registered at my house. How do I get him removed?", named: "xoa-dang-ky-thuong-tru", section: "steps"},
		{q: "Which documents to get a certificate on security and order for a karaoke bar?", named: "chung-nhan-an-ninh-trat-tu", section: "documents"},
		{q: "I keep an antique crossbow and a couple of swords on the wall. Do I need to declare them to the police?", named: "khai-bao-vu-khi-tho-so", section: "conditions"},
		{q: "My Vietnamese in-laws are coming to stay with us for a week. Do we report them to the police?", named: "thong-bao-luu-tru"},
		{q: "We are both Vietnamese citizens living in Da Nang now. Where do we register our marriage?", named: "dang-ky-ket-hon", section: "agency"},
		{q: "My mother turned 60 last month, how does she start getting her pension?", named: "huong-luong-huu", section: "steps"},
		{q: "Leaving Vietnam for good. Can I take my social insurance money out in one go?", named: "bhxh-mot-lan", section: "conditions"},
		{q: "My wife wants to open a small noodle stand in her name, ho kinh doanh right? How do we register?", named: "dang-ky-ho-kinh-doanh", section: "steps"},
		{q: "I want make passport for my trip to Japan, how much?", named: "cap-ho-chieu", section: "fees"},
		{q: "My husband needs a paper proving where he lives for his Schengen visa. Where do we get it?", named: "xac-nhan-thong-tin-cu-tru", section: "agency"},
		{q: "I'm Canadian and we want to marry in Vietnam next spring. What papers?", named: "ket-hon-co-yeu-to-nuoc-ngoai", section: "documents"},
	} {
		r := g.Read(c.q)
		if (r.NotCovered != "") != c.notCovered || (!c.notCovered || c.named != "") && (strings.Join(ids(r.Named), ",") != c.named || strings.Join(ids(r.Hinted), ",") != c.hinted || r.Section != c.section) {
			t.Errorf("%q: %+v, want named %q hinted %q section %q not covered %v", c.q, r, c.named, c.hinted, c.section, c.notCovered)
		}
	}
}

// Translate reads an English question as the Vietnamese of its glossary
// words, a longer phrase first, with the other words that say something kept
// and the grammar dropped; a question with no glossary word reads as nothing.
func TestSeedEnglishTranslate(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, want string }{
		{"How do I register my baby's birth?", "đăng ký con đăng ký khai sinh"},
		// the words that only build a second-language sentence are dropped
		{"my wife want put her driving licence inside VNeID app. how she do?", "vợ giấy phép lái xe tích hợp giấy tờ vào vneid app"},
		{"lost my driving licence, can I get a new one", "mất cấp lại giấy phép lái xe cấp lại"},
		{"which hospital is best for giving birth", "hospital best đăng ký khai sinh"},
		{"what is the weather like", ""},
		// a place says where, not what: it is left out
		{"lost my driving licence on the Ha Giang loop", "mất cấp lại giấy phép lái xe"},
		// "correct" of an amount and "stay" of a paper are no correction and
		// no guest's stay
		{"is that the correct amount", "đúng không"},
		{"does my licence stay valid", "giấy phép lái xe còn giá trị"},
	} {
		if got := g.Translate(c.q); got != c.want {
			t.Errorf("Translate(%q) = %q, want %q", c.q, got, c.want)
		}
	}
	// A purpose that names an uncovered subject is left out of what is read.
	r := g.Read("I need a criminal record for my work permit renewal")
	if r.Purpose != "work permit" || r.NotCovered != "" || g.Translate(r.Asked) != "lý lịch tư pháp" {
		t.Errorf("purpose: %+v reads %q", r, g.Translate(r.Asked))
	}
	// One word may say whose purpose it is.
	if r := g.Read("we need copy of our marriage certificate for wife visa"); r.Purpose != "visa" || r.NotCovered != "" {
		t.Errorf("purpose after one word: %+v", r)
	}
	// Two may, after a determiner or without one.
	for _, q := range []string{"For the UK spouse visa my wife needs a police certificate from Vietnam", "Need ly lich tu phap so 2 for a Japanese work visa"} {
		if r := g.Read(q); r.Purpose == "" || r.NotCovered != "" {
			t.Errorf("purpose after two words: %q: %+v", q, r)
		}
	}
	// A covered topic opened as a purpose is left out of what is read.
	if r := g.Read("Need the giay xac nhan cu tru for my kid's school enrolment"); strings.Contains(r.Asked, "school") {
		t.Errorf("topic purpose kept in what is asked: %q", r.Asked)
	}
	// TranslateKnown drops the words the glossary does not know and counts
	// the glossary entries read.
	for _, c := range []struct {
		q, want string
		n       int
	}{
		{"which hospital is best for giving birth", "đăng ký khai sinh", 1},
		{"where do we register our marriage?", "đăng ký đăng ký kết hôn", 2},
		{"what is the weather like", "", 0},
		// Vietnamese words among English ones are read as they stand, each
		// run one entry, when two or more build no English sentence; typed
		// with their marks they read as typed without them, here the
		// glossary's "so do", a phrase of two words.
		{"our sổ đỏ is torn", "sổ đỏ bị rách hỏng", 3},
		{"our so do is torn", "sổ đỏ bị rách hỏng", 3},
		{"ho ba lam cai giay", "ho ba lam cai giay", 1},
		// a glossary word's Vietnamese typed without marks is that word
		{"how long does it take to get the ly lich tu phap", "lý lịch tư pháp", 2},
		{"a hot pin for my son", "con", 1},
		// a phrase of two English words or more counts as two
		{"can i register my company online", "đăng ký doanh nghiệp", 2},
		// who the asker is (story) is read as no word; a birth asked about
		// is still read
		{"I was born in Saigon, I want to marry my girlfriend", "đăng ký kết hôn", 1},
		{"we were both born in Vietnam, where do we register our marriage", "đăng ký đăng ký kết hôn", 2},
		{"our baby was born last week, how to register the birth", "con đăng ký khai sinh đăng ký đăng ký khai sinh", 3},
	} {
		if got, n := g.TranslateKnown(c.q); got != c.want || n != c.n {
			t.Errorf("TranslateKnown(%q) = %q, %d; want %q, %d", c.q, got, n, c.want, c.n)
		}
	}
}

// A not-covered subject that only tells where something happened or what the
// asker has is the situation, not what is asked; asking to get it is still
// asking about it.
func TestSeedEnglishReadSituation(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	checkNotCovered(t, g, []notCoveredCase{
		{"Our baby born in Tu Du hospital last week. what paper we must bring for birth certificate?", ""},
		{"lost my driving licence in a taxi, how much to make again?", ""},
		{"son turn 17, he has vietnamese and korean passport both. he must register military service?", ""},
		{"I have a TRC, can I exchange my licence for a Vietnamese one?", ""},
		{"how do I renew my TRC", "trc"},
		{"which hospital is best for giving birth", "hospital"},
		// A hospital beside a topic the question names is where its story
		// happens; without one it is what is asked.
		{"can we put grandma's bhyt card into her can cuoc / vneid so the hospital just scans the chip?", ""},
		{"the hospital refused my BHYT card because the birth year is wrong. how do we get it corrected", ""},
		{"how long can a body stay in the hospital morgue", "morgue"},
		{"how can my son get vietnamese nationality", "nationality"},
		// A paper one is on, goes with or holds is the situation only when
		// the question then names a covered topic.
		{"As a foreigner with a temporary residence card, can I get a VNeID account?", ""},
		{"Can a foreigner on a tourist visa have a motorbike registered in their own name?", ""},
		{"my husband is on an e-visa, how long can he stay", "e-visa"},
		{"My Vietnamese wife wants to change her surname on her Australian passport. How?", "australian passport"},
	})
}

// A paper the asker only has is their situation: its topic is a hint, not
// named; a paper said with "have to" or a friend one is "with" are not held.
func TestSeedEnglishReadHeld(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	named := func(q, id string) bool {
		for _, tp := range g.Read(q).Named {
			if tp.ID == id {
				return true
			}
		}
		return false
	}
	if named("Parents want to gift me their land. I live in Japan with a Vietnamese passport. What papers do we need?", "cap-ho-chieu") {
		t.Error("a passport the asker lives with is named")
	}
	if !named("How do I renew my Vietnamese passport?", "cap-ho-chieu") {
		t.Error("a passport asked about is not named")
	}
	if !named("My Korean friend is staying in my room. Does my landlord need to register her with the police?", "khai-bao-tam-tru-nguoi-nuoc-ngoai") {
		t.Error("'with the police' hides the foreigner's stay")
	}
	// a foreign passport the asker has excludes no topic
	if !named("I have an American passport, can I get a Vietnamese passport too?", "cap-ho-chieu") {
		t.Error("a foreign passport the asker has excludes the Vietnamese one")
	}
	// four words may stand between the verb and the paper
	if named("I still have my old VN passport. Can I register permanent residence at my brother's house?", "cap-ho-chieu") {
		t.Error("a passport the asker still has, four words on, is named")
	}
	if named("I came back from Canada but kept my VN passport. How much is the marriage registration?", "cap-ho-chieu") {
		t.Error("a passport the asker kept is named")
	}
	// a paper the asker does not have is what is asked for
	for _, q := range []string{
		"Want to ride my motorbike over to Laos but I don't have a passport yet (I'm Vietnamese). Can I apply for it online?",
		"I still have no passport and I am Vietnamese, how do I get one?",
		"I do not have a passport yet, I'm Vietnamese. How long does it take?",
	} {
		if !named(q, "cap-ho-chieu") {
			t.Errorf("%q: a passport the asker lacks is not named", q)
		}
	}
}

// Phrases that only tell who the asker is are read as no word: they name no
// subject (their words are left out of TranslateKnown too, see
// TestSeedEnglishTranslate).
func TestSeedEnglishStory(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	if r := g.Read("I never gave up my Vietnamese nationality. Can I register permanent residence?"); r.NotCovered != "" {
		t.Errorf("a nationality never given up is read as the subject: %+v", r)
	}
	// a message that ends on "how" asks the steps
	if r := g.Read("my passport renew so passport number is different now. tax code information need update? how"); r.Section != "steps" || !r.EndsHow {
		t.Errorf("ending on how: section %q", r.Section)
	}
}

// notCoveredCase is a question and the not-covered subject Read should find
// in it ("" for none).
type notCoveredCase struct{ q, notCovered string }

// checkNotCovered reads each case's question with g and reports a subject
// other than the one wanted.
func checkNotCovered(t *testing.T, g knowledge.English, cases []notCoveredCase) {
	t.Helper()
	for _, c := range cases {
		if got := g.Read(c.q).NotCovered; got != c.notCovered {
			t.Errorf("Read(%q).NotCovered = %q, want %q", c.q, got, c.notCovered)
		}
	}
}

// A question that asks what no how-to guide answers about a topic it names
// (a fine, what someone else will decide, an opinion) reads as asking
// something else, while the topic stays named for the reply's buttons; in a
// story told before the sentence that asks, the same words are no such
// question.
func TestSeedEnglishAsksElse(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, asks, named string }{
		{"what's the fine if I register my baby's birth late?", "what s the fine", "dang-ky-khai-sinh"},
		{"Can my employer refuse to do my tax finalization if I quit in October?", "can my employer", "quyet-toan-thue-tncn"},
		{"Is a Vietnamese international driving permit accepted in California?", "accepted in", "giay-phep-lai-xe-quoc-te"},
		{"How do I register my baby's birth?", "", "dang-ky-khai-sinh"},
		{"Can you recommend a notary office that speaks English?", "can you recommend", "cong-chung-hop-dong"},
		{"Should I withdraw my social insurance now or keep paying into it?", "should i withdraw", "bhxh-mot-lan"},
		{"Household business or a company, which is better for me?", "which is better", "dang-ky-ho-kinh-doanh"},
	} {
		r := g.Read(c.q)
		var named []string
		for _, tp := range r.Named {
			named = append(named, tp.ID)
		}
		if r.AsksElse != c.asks || (c.asks != "" && r.NotCovered != c.asks) || strings.Join(named, ",") != c.named {
			t.Errorf("%q: asks %q not covered %q named %v, want asks %q named %s", c.q, r.AsksElse, r.NotCovered, named, c.asks, c.named)
		}
	}
}

// TestSeedEnglishExpand: chat spellings are written out word by word, case
// aside, everything else (punctuation, Vietnamese) left as typed; only those
// no Vietnamese syllable can be count as sure signs of English.
func TestSeedEnglishExpand(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q, want string
		sure    int
	}{
		{"pls help, lost my passport. wat do i do?", "please help, lost my passport. what do i do?", 2},
		{"Didnt get my birth cert yet lol", "didn't get my birth certificate yet ", 3},
		{"u know where 2 go for temp residence reg?", "you know where 2 go for temporary residence registration?", 2},
		{"làm lại căn cước cần gì", "làm lại căn cước cần gì", 0},
		// One letter, or a chat spelling that is also a Vietnamese
		// syllable, is written out but is no sign of English.
		{"r u ok", "are you ok", 0},
	} {
		got, sure := g.Expand(c.q)
		if got != c.want || sure != c.sure {
			t.Errorf("Expand(%q) = %q, %d; want %q, %d", c.q, got, sure, c.want, c.sure)
		}
	}
	for name, doc := range map[string]string{
		"two words":   "chat:\n  - {short: [thank you], full: thanks}\n",
		"uppercase":   "chat:\n  - {short: [PLS], full: please}\n",
		"given twice": "chat:\n  - {short: [pls], full: please}\n  - {short: [pls], full: pleased}\n",
		"no spelling": "chat:\n  - {full: please}\n",
	} {
		var fe *knowledge.FieldError
		if _, err := knowledge.ParseEnglish("english.yaml", []byte(doc)); !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want a FieldError", name, err)
		}
	}
}

// TestEnglishRepairsTypos: a long glossary word typed with one letter
// dropped, added or two swapped is read as the word; a real word one slip
// from a glossary word in its last letters (an inflection), a letter typed
// for another, a short word and a Vietnamese syllable stay as typed.
func TestEnglishRepairsTypos(t *testing.T) {
	g, err := knowledge.ParseEnglish("english.yaml", []byte(`chat:
  - {short: [pls], full: please}
words:
  - {en: [misspelled, certificate, registration, retirees, nights, married, birth, changing], vi: x}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, want string }{
		{"my name is mispelled pls", "my name is misspelled please"},
		{"Birth certifciate", "Birth certificate"},
		{"regisstration paper", "registration paper"},
		{"she retires soon", "she retires soon"},             // "retirees": an inflection
		{"stayed two night", "stayed two night"},             // shorter than seven letters
		{"they carried it", "they carried it"},               // a letter for another ("married")
		{"hanging on the wall", "hanging on the wall"},       // a first letter dropped ("changing")
		{"dang ky thuong tru", "dang ky thuong tru"},         // Vietnamese syllables
		{"misspelled certificate", "misspelled certificate"}, // already right
	} {
		if got, _ := g.Expand(c.q); got != c.want {
			t.Errorf("Expand(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}

// TestSeedEnglishSectionEnds: a keyword query that ends on a section's word
// asks for that section; inside a sentence such a word is an object, and a
// phrase that asks for another section wins, in the order Read reads them.
func TestSeedEnglishSectionEnds(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"death registration grandma documents": "documents",
		"vneid level 2 activate steps":         "steps",
		"pit finalization deadline":            "time",
		"can i submit documents online":        "online",
		"documents for the birth registration": "documents",
		"how much are the documents":           "fees",
		// Leading sections win when asked at all; of time, fees, where and
		// how the one asked first; the weak cues of conditions only when
		// nothing else is.
		"got a camera fine, can i pay it online?":                    "online",
		"how much does it cost and how many days does it take":       "fees",
		"how long does it take and how much does it cost":            "time",
		"Can I pay the fee with a Visa card?":                        "fees",
		"can kids even get a can cuoc card? what age":                "conditions",
		"our driver wants his own household. tach ho possible?":      "conditions",
		"cant log into dichvucong with vneid, it keeps looping back": "steps",
		"do we register at ubnd phuong or somewhere else?":           "agency",
		"what documents do we need and how much is the fee":          "documents",
		"which decree sets the fee":                                  "legal",
	} {
		if got := g.Read(q).Section; got != want {
			t.Errorf("Read(%q).Section = %q, want %q", q, got, want)
		}
	}
}

// A marriage the Vietnamese reading of an English question finds is, for an
// English-speaking asker, one with a foreigner when the message names one
// (a foreigner, a nationality, a visa, even in its story), two Vietnamese
// citizens' when it says both are Vietnamese, and either (asked) when it
// says nothing of who marries, as a question typed through a translation
// app does.
func TestSeedEnglishFor(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ id, q, message, want string }{
		{"dang-ky-ket-hon", "Do I really need a medical paper to register the marriage?", "I'm British. Do I really need a medical paper to register the marriage?", "ket-hon-co-yeu-to-nuoc-ngoai"},
		{"dang-ky-ket-hon", "How long does it take to get the marriage certificate?", "How long does it take to get the marriage certificate? My visa runs out in 5 weeks.", "ket-hon-co-yeu-to-nuoc-ngoai"},
		{"dang-ky-ket-hon", "we are both vietnamese, where do we register our marriage?", "we are both vietnamese, where do we register our marriage?", "dang-ky-ket-hon"},
		{"dang-ky-ket-hon", "register marriage pay fee or free", "register marriage pay fee or free", ""},
		{"dang-ky-khai-sinh", "how do we register our baby's birth?", "how do we register our baby's birth?", "dang-ky-khai-sinh"},
	} {
		if got := g.EnglishFor(c.id, c.q, c.message); got != c.want {
			t.Errorf("EnglishFor(%s, %q, %q) = %q, want %q", c.id, c.q, c.message, got, c.want)
		}
	}
	_, either := g.Choose("dang-ky-ket-hon", "marriage register follow which law", "marriage register follow which law")
	if len(either) != 2 || either[0].ID != "dang-ky-ket-hon" || either[1].ID != "ket-hon-co-yeu-to-nuoc-ngoai" {
		t.Errorf("Choose(marriage, no foreigner named) = %v, want both marriage topics", either)
	}
	if _, got := g.Choose("dang-ky-ket-hon", "marry my Korean fiance", "marry my Korean fiance"); got != nil {
		t.Errorf("Choose(marriage, a Korean named) = %v, want nil", got)
	}
}

// "Lose" followed by how long or how much is what a procedure takes, as
// translation apps render "mất bao lâu"; "lost" stays a loss.
func TestSeedEnglishExpandTakes(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"tach ho lose how many days have result":      "tach ho takes how many days have result",
		"BHYT card lost make again lose money or not": "BHYT card lost make again takes money or not",
		"divorce agree both side Lose how long":       "divorce agree both side takes how long",
		"card lost how many days to reissue":          "card lost how many days to reissue",
		"i lose my wallet":                            "i lose my wallet",
	} {
		if got, _ := g.Expand(q); got != want {
			t.Errorf("Expand(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestSeedEnglishNamesInVietnamese: a guide's Vietnamese name typed whole in
// an English question names it, apart from Named; one the asker only has
// does not. A duration after a number is a duration, and a residence card
// held for one is the asker's situation.
func TestSeedEnglishNamesInVietnamese(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	has := func(ts []knowledge.EnglishTopic, id string) bool {
		return slices.ContainsFunc(ts, func(t knowledge.EnglishTopic) bool { return t.ID == id })
	}
	r := g.Read("left my job in may, when is the deadline to nop ho so tro cap that nghiep?")
	if !has(r.NamedInVietnamese, "tro-cap-that-nghiep") || has(r.Named, "tro-cap-that-nghiep") {
		t.Errorf("Vietnamese name typed whole: in Vietnamese %v, named %v", r.NamedInVietnamese, r.Named)
	}
	if r := g.Read("now that my son has the giay xac nhan khuyet tat, what support can he get?"); has(r.NamedInVietnamese, "xac-dinh-khuyet-tat") {
		t.Errorf("a paper the asker has named the procedure that issues it: %v", r.NamedInVietnamese)
	}
	e, _ := g.Expand("with a 3 yr temp residence card, can i register a motorbike in my own name?")
	if !strings.Contains(e, "3 year") {
		t.Errorf("Expand: %q, want the years written out", e)
	}
	if r := g.Read(e); r.NotCovered != "" || !has(r.Named, "dang-ky-xe") {
		t.Errorf("a residence card held for years: not covered %q, named %v", r.NotCovered, r.Named)
	}
}

// TestTranslateReadsIngForms: a verb the glossary lists reads in its -ing
// form too, unless "after" or "since" makes it what was already done.
func TestTranslateReadsIngForms(t *testing.T) {
	g, err := knowledge.LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Translate("how long does notarizing a house purchase contract take"); !strings.Contains(got, "công chứng") {
		t.Errorf("Translate(notarizing …) = %q, want it read as notarize", got)
	}
	if got, plain := g.Translate("after reporting her lost passport, how long"), g.Translate("report her lost passport"); !strings.Contains(got, "reporting") || strings.Contains(plain, "report") {
		t.Errorf("Translate(after reporting …) = %q (report alone: %q), want the -ing form after 'after' kept as typed", got, plain)
	}
}
