package search_test

import (
	"context"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/evalset"
	"github.com/dvcbot/dvcbot/knowledge/search"
)

func official(code, title, level string) knowledge.Procedure {
	return knowledge.Procedure{
		ID: search.OfficialID(code), Kind: knowledge.KindOfficial, NationalCode: code, Title: title, Level: level,
		Field: "Tài nguyên nước", Agency: "Sở Nông nghiệp và Môi trường", Summary: title + ".",
		Documents: []knowledge.Document{{Name: "Đơn đề nghị"}}, Steps: []string{"Nộp hồ sơ"}, ProcessingTime: "20 ngày làm việc",
		Fees: knowledge.Fees{Text: "Theo quy định"}, Online: knowledge.Online{Text: "Trực tuyến một phần"}, LegalBasis: []string{"Luật Tài nguyên nước 2023"},
	}
}

// TestOfficialRecordsLongTailAndCuratedFirst: an official record answers the
// questions no curated guide covers; a record a curated guide explains (by its
// national code) never competes with the guide, and stays reachable from it.
func TestOfficialRecordsLongTailAndCuratedFirst(t *testing.T) {
	ix, err := search.NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, p := range []knowledge.Procedure{
		official("1.004232", "Cấp giấy phép khai thác nước dưới đất", "Cấp tỉnh"),
		official("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Cấp xã"),
	} {
		if err := ix.Upsert(p); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	res, err := ix.Search(ctx, "xin giấy phép khai thác nước dưới đất cần giấy tờ gì", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != "tthc-1-004232" || !res.Confident {
		t.Fatalf("long-tail question: %+v, want tthc-1-004232 confidently", res.Hits)
	}
	res, _ = ix.Search(ctx, "cấp giấy xác nhận tình trạng hôn nhân", 5)
	for _, h := range res.Hits {
		if h.ID == "tthc-1-004873" {
			t.Errorf("official record competes with the curated guide that explains it: %+v", res.Hits)
		}
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != "xac-nhan-tinh-trang-hon-nhan" {
		t.Errorf("curated guide not first: %+v", res.Hits)
	}
	if id, ok := ix.CuratedFor("1.004873"); !ok || id != "xac-nhan-tinh-trang-hon-nhan" {
		t.Errorf("CuratedFor = %q %v", id, ok)
	}
	if id, ok := ix.OfficialFor("1.004873"); !ok || id != "tthc-1-004873" {
		t.Errorf("OfficialFor = %q %v", id, ok)
	}
	ask, err := evalset.EngineAsker(ix, ix)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ask(ctx, 1, "khai thác nước dưới đất phải xin phép ở đâu")
	if err != nil {
		t.Fatal(err)
	}
	if a.ProcedureID != "tthc-1-004232" || a.Section != "agency" {
		t.Errorf("engine answered %+v, want the official record's agency section", a)
	}
}

// TestOfficialTwinsAndWholeTitles: the same procedure published at two levels
// is one answer (the commune's first), not two rivals that cancel each other;
// and a question giving a record's whole title is answered with that record,
// not with a guide that only shares some of its words.
func TestOfficialTwinsAndWholeTitles(t *testing.T) {
	ix, err := search.NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, p := range []knowledge.Procedure{
		official("2.000101", "Cấp giấy phép bán lẻ sản phẩm rượu", "Cấp tỉnh"),
		official("2.000102", "Cấp giấy phép bán lẻ sản phẩm rượu", "Cấp xã"),
		official("2.000103", "Cấp giấy chứng nhận cơ sở an toàn dịch bệnh động vật", "Cấp tỉnh"),
	} {
		if err := ix.Upsert(p); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	res, _ := ix.Search(ctx, "cấp giấy phép bán lẻ sản phẩm rượu cần giấy tờ gì", 5)
	if !res.Confident || len(res.Hits) == 0 || res.Hits[0].ID != "tthc-2-000102" || res.Hits[0].Evidence.Margin < 0.3 {
		t.Errorf("twins: %+v, want the commune's record confidently, its twin no rival", res.Hits)
	}
	res, _ = ix.Search(ctx, "cấp giấy chứng nhận cơ sở an toàn dịch bệnh động vật cần giấy tờ gì", 5)
	if len(res.Hits) == 0 || res.Hits[0].ID != "tthc-2-000103" {
		t.Errorf("whole title: %+v, want the record, not the food-safety guide", res.Hits)
	}
}

// TestOfficialRecordBelowTheLimitFirst: a record the question names, ranked
// below the hits returned by guides that are all off the question's topic,
// takes the first place: every re-ranked hit is weighed, not only those
// returned.
func TestOfficialRecordBelowTheLimitFirst(t *testing.T) {
	ix, err := search.NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Upsert(official("2.000101", "Cấp giấy phép bán lẻ sản phẩm rượu", "Cấp tỉnh")); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), "Tiệm tạp hóa nhà tôi muốn bán thêm rượu chai thì xin giấy phép bán lẻ rượu ở phòng kinh tế huyện hả?", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != "tthc-2-000101" {
		t.Fatalf("hits %+v, want the retail alcohol licence record first", res.Hits)
	}
}
