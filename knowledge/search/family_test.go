package search

import (
	"context"
	"reflect"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge"
)

func TestRecordFamily(t *testing.T) {
	for _, c := range []struct {
		title, thing string
		actions      []string
		qualifier    []string
	}{
		{"Cấp giấy phép bán lẻ sản phẩm rượu", "giay phep ban le san pham ruou", []string{"cap"}, nil},
		{"Thủ tục cấp giấy phép bán lẻ sản phẩm rượu", "giay phep ban le san pham ruou", []string{"thu tuc", "cap"}, nil},
		{"Cấp lại giấy phép bán lẻ sản phẩm rượu trong trường hợp bị mất, hư hỏng", "giay phep ban le san pham ruou", []string{"cap lai"}, []string{"trong", "truong", "hop", "bi", "mat", "hu", "hong"}},
		{"Gia hạn chứng chỉ hành nghề dược đối với tổ chức", "chung chi hanh nghe duoc", []string{"gia han"}, []string{"doi", "voi", "to", "chuc"}},
		{"Đề nghị công nhận làng nghề", "lang nghe", []string{"de nghi", "cong nhan"}, nil},
		{"Đăng ký khai sinh", "khai sinh", []string{"dang ky"}, nil},
	} {
		f := recordFamily(c.title)
		if f.thing != c.thing || !reflect.DeepEqual(f.actions, c.actions) || !reflect.DeepEqual(f.qualifier, c.qualifier) {
			t.Errorf("recordFamily(%q) = %+v, want %q %v %v", c.title, f, c.thing, c.actions, c.qualifier)
		}
	}
}

// TestFamilyOfRecords: a catalogue's records of one thing (every level, every
// action) answer as one procedure: the plain one at the commune when the
// question names no action, the one whose action it names otherwise; the
// others are no rivals, and are not offered beside it. A subject the guides
// do not cover vetoes a record unless its names (or what the expansion
// dictionary makes of the subject) use it.
func TestFamilyOfRecords(t *testing.T) {
	ix, err := NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rec := func(id, title, level string) knowledge.Procedure {
		return knowledge.Procedure{ID: id, Kind: knowledge.KindOfficial, NationalCode: id, Title: title, Level: level,
			Field: "Công thương", Summary: title + ".", Documents: []knowledge.Document{{Name: "Đơn đề nghị"}},
			Steps: []string{"Nộp hồ sơ"}, ProcessingTime: "15 ngày làm việc", Fees: knowledge.Fees{Text: "Theo quy định"}}
	}
	// Among a generated catalogue, as a province has it.
	catalogue := withCatalogue(t, 500)[ix.Len():]
	for _, p := range append(catalogue,
		rec("r-xa", "Cấp giấy phép khai thác nước dưới đất", "Cấp xã"),
		rec("r-tinh", "Cấp giấy phép khai thác nước dưới đất", "Cấp tỉnh"),
		rec("r-lai", "Cấp lại giấy phép khai thác nước dưới đất", "Cấp xã"),
		rec("r-han", "Gia hạn giấy phép khai thác nước dưới đất đối với tổ chức", "Cấp xã"),
		rec("r-tt", "Thủ tục cấp giấy phép khai thác nước dưới đất", "Cấp tỉnh"),
		rec("k-xa", "Cấp giấy phép xả nước thải vào nguồn nước", "Cấp xã"),
		rec("f-xa", "Cấp giấy phép khai thác thủy sản", "Cấp xã"),
	) {
		if err := ix.Upsert(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ q, want string }{
		{"xin giấy phép khai thác nước dưới đất cần giấy tờ gì", "r-xa"},
		{"cấp lại giấy phép khai thác nước dưới đất", "r-lai"},
		{"làm lại giấy phép khai thác nước dưới đất bị mất", "r-lai"},
		{"gia hạn giấy phép khai thác nước ngầm dưới đất thế nào", "r-han"},
	} {
		res, err := ix.Search(context.Background(), c.q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if c.want == "" {
			if res.Confident {
				t.Errorf("%q: answered %s, want no confident answer", c.q, res.Hits[0].ID)
			}
			continue
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != c.want || !res.Confident {
			t.Errorf("%q: %+v, want %s confidently", c.q, res.Hits, c.want)
			continue
		}
		for _, h := range res.Hits[1:] {
			if e := ix.procs[h.ID]; e.p.IsOfficial() && e.fam.thing == ix.procs[c.want].fam.thing {
				t.Errorf("%q: %s offered beside %s, of the same family", c.q, h.ID, c.want)
			}
		}
	}
	// The family's other procedures stay reachable from each record: one
	// record per variant, the first issue first, at the commune.
	for _, c := range []struct {
		id   string
		want []string
	}{
		{"r-xa", []string{"r-lai", "r-han"}},
		{"r-tt", []string{"r-lai", "r-han"}},
		{"r-lai", []string{"r-xa", "r-han"}},
		{"k-xa", nil},
		{"dang-ky-khai-sinh", nil},
	} {
		var got []string
		for _, p := range ix.Related(c.id, 5) {
			got = append(got, p.ID)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Related(%s) = %v, want %v", c.id, got, c.want)
		}
	}
	if got := ix.Related("r-xa", 1); len(got) != 1 || got[0].ID != "r-lai" {
		t.Errorf("Related(r-xa, 1) = %v, want r-lai only", got)
	}
	// A subject the guides do not cover ("nước ngầm") that a record's names
	// do not use is a sign the record is about something else; one its names
	// use through the expansion dictionary ("nước ngầm" → "nước dưới đất")
	// is not.
	for _, c := range []struct {
		q, id  string
		vetoed bool
	}{
		{"xin phép khai thác nước ngầm để tưới vườn", "f-xa", true},
		{"xin phép khai thác nước ngầm để tưới vườn", "r-xa", false},
	} {
		res, err := ix.Search(context.Background(), c.q, 50)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range res.Hits {
			if ix.procs[h.ID].fam.thing == ix.procs[c.id].fam.thing {
				found = true
				if h.Evidence.OffTopic != c.vetoed {
					t.Errorf("%q: %s off topic %v, want %v", c.q, h.ID, h.Evidence.OffTopic, c.vetoed)
				}
			}
		}
		if !found {
			t.Errorf("%q: no record of %s's family among %d hits", c.q, c.id, len(res.Hits))
		}
	}
}

// TestRecordMoreLikelyThanGuide: a guide that leads on score is not answered
// outright when an official record explains the question better and is the
// more likely answer on its own evidence; a record that is the guide's own
// procedure under another name does not stop the guide.
func TestRecordMoreLikelyThanGuide(t *testing.T) {
	ix, err := NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rec := func(id, title string) knowledge.Procedure {
		return knowledge.Procedure{ID: id, Kind: knowledge.KindOfficial, NationalCode: id, Title: title, Level: "Cấp xã",
			Field: "Văn hóa", Summary: title + ".", Documents: []knowledge.Document{{Name: "Đơn đề nghị"}},
			Steps: []string{"Nộp hồ sơ"}, ProcessingTime: "5 ngày làm việc", Fees: knowledge.Fees{Text: "Theo quy định"}}
	}
	procs := append(withCatalogue(t, 500),
		rec("r-karaoke", "Cấp giấy chứng nhận đủ điều kiện kinh doanh dịch vụ karaoke"),
		rec("r-thechap", "Đăng ký thế chấp quyền sử dụng đất"),
	)
	if err := ix.Replace(procs); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q, guide string
		answered bool
	}{
		{"giấy chứng nhận đủ điều kiện kinh doanh karaoke nộp ở sở văn hóa hay ủy ban", "chung-nhan-an-ninh-trat-tu", false},
		{"đăng ký thế chấp quyền sử dụng đất mất bao lâu", "dang-ky-the-chap", true},
		{"xin giấy chứng nhận đủ điều kiện về an ninh trật tự cho quán karaoke", "chung-nhan-an-ninh-trat-tu", true},
	} {
		res, err := ix.Search(context.Background(), c.q, 10)
		if err != nil {
			t.Fatal(err)
		}
		got := res.Confident && len(res.Hits) > 0 && res.Hits[0].ID == c.guide
		if got != c.answered {
			t.Errorf("%q: guide %s answered %v, want %v (confident %v, %+v)", c.q, c.guide, got, c.answered, res.Confident, res.Hits[:min(3, len(res.Hits))])
		}
	}
}

// namesRecord: a record is weighed against other records only when a run of
// three syllables or more of its names stands in the question and its text
// uses nearly every word of it, with nothing against it.
func TestNamesRecord(t *testing.T) {
	for _, c := range []struct {
		name string
		ev   bot.Evidence
		want bool
	}{
		{"giấy phép bán lẻ rượu", bot.Evidence{Anchor: 5, Residual: 0.25}, true},
		{"khôi phục mã số thuế", bot.Evidence{Anchor: 3, Residual: 0.25}, true},
		{"chuyển trường (two syllables) đại học", bot.Evidence{Anchor: 2, Residual: 0.1}, false},
		{"thay đổi người đại diện beside the founding", bot.Evidence{Anchor: 4, Residual: 0.35}, false},
		{"named but off topic", bot.Evidence{Anchor: 5, Residual: 0.1, OffTopic: true}, false},
		{"named but excluded", bot.Evidence{Anchor: 5, Residual: 0.1, Excluded: true}, false},
	} {
		if got := namesRecord(c.ev); got != c.want {
			t.Errorf("%s: namesRecord = %v, want %v", c.name, got, c.want)
		}
	}
}
