package search_test

import (
	"context"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/searchtest"
	"github.com/dvcbot/dvcbot/knowledge/search"
)

// TestNegativeEvidence: a question naming something a guide says it is not
// about, or a subject the knowledge base does not cover, is not answered with
// that guide; the same question without it is.
func TestNegativeEvidence(t *testing.T) {
	ix, err := search.NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	tests := []struct {
		q, id     string
		confident bool
	}{
		{"xin giấy phép xây dựng nhà ở riêng lẻ cần giấy tờ gì", "giay-phep-xay-dung", true},
		{"xin giấy phép xây dựng nhà xưởng trong khu công nghiệp cần giấy tờ gì", "", false},
		{"gia hạn visa cho người nước ngoài ở đâu", "", false},
		{"thuế sử dụng đất phi nông nghiệp hằng năm nộp ở đâu", "", false},
		{"chuyển mục đích sử dụng đất sang đất phi nông nghiệp cần giấy tờ gì", "chuyen-muc-dich-su-dung-dat", true},
		// A retiree's funeral allowance is not claiming a pension.
		{"ông đang lĩnh lương hưu thì mất, tiền mai táng nhận thế nào", "lien-thong-khai-tu", true},
		// Where an impounded vehicle is kept is not paying the fine.
		{"xe e bi csgt tam giu 7 ngay, bai giu xe vi pham o dau vay mn", "", false},
		// Another platform's account locked is no electronic ID locked.
		{"zalo bi khoa vi dang nhap may la, mo lai ntn", "", false},
		{"Chạy grab bị khóa tài khoản vì khách đánh giá thấp, khiếu nại ai", "", false},
		{"điện thoại bị mất, muốn khóa tài khoản vneid thì làm sao", "khoa-mo-khoa-can-cuoc-dien-tu", true},
		// An estate without a will is inherited, not sold; the inheritance
		// named whole is its own guide, though the sale's title lists it.
		{"bố mất không để lại di chúc, anh em muốn sang tên đất thì làm sao", "thua-ke-dat", true},
		{"hồ sơ đăng ký thừa kế quyền sử dụng đất gồm những gì", "thua-ke-dat", true},
		// A pupil changing streams changes no school.
		{"học sinh lớp 10 muốn đổi ban giữa năm được không", "", false},
		// A company's lost certificate is not founding one.
		{"giấy chứng nhận đăng ký doanh nghiệp bị mất thì xin cấp lại ở đâu", "", false},
	}
	for _, tt := range tests {
		res, err := ix.Search(ctx, tt.q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if res.Confident != tt.confident || (tt.confident && res.Hits[0].ID != tt.id) {
			t.Errorf("%q: confident %v, hits %+v", tt.q, res.Confident, res.Hits)
		}
		if !tt.confident && len(res.Hits) > 0 && !res.Hits[0].Evidence.OffTopic && !res.Hits[0].Evidence.Excluded {
			t.Errorf("%q: best hit %s has no negative evidence", tt.q, res.Hits[0].ID)
		}
	}
	// A number where the names number the same thing otherwise is another
	// subject ("lớp 9" against "lớp 1, lớp 6"); a number the names do not
	// number is a detail of the case.
	for _, c := range []struct {
		q     string
		other bool
	}{
		{"con học lớp 6", false},
		{"con học lớp 9", true},
		// A year dates the case, whatever year the names hold ("trước năm 1993").
		{"làm sổ đỏ lần đầu cho đất sử dụng từ năm 1990", false},
	} {
		res, _ := ix.Search(ctx, c.q, 5)
		if len(res.Hits) == 0 {
			t.Fatalf("%q: no hits", c.q)
		}
		if got := res.Hits[0].Evidence.Residual > 0; got != c.other {
			t.Errorf("%q: %s has residual %.2f, want a sign of another subject %v", c.q, res.Hits[0].ID, res.Hits[0].Evidence.Residual, c.other)
		}
	}
	// A vetoed guide is no rival and does not stay first: after a merger of
	// communes the question is the situation guide's, not re-issuing the card.
	res, _ := ix.Search(ctx, "phường mình mới sáp nhập thì thẻ căn cước có cần làm lại không", 5)
	if len(res.Hits) < 2 || res.Hits[0].ID != "giay-to-sau-sap-xep-dia-gioi" || res.Hits[0].Evidence.Margin <= 0 {
		t.Errorf("merger question: %+v, want the situation guide first with a positive margin", res.Hits)
	}
	// An uncovered subject that is one of the papers a guide asks for is
	// no sign of another subject there: a health certificate to renew a
	// driving licence.
	for q, off := range map[string]bool{
		"đổi bằng lái ô tô có cần giấy khám sức khỏe không": false,
		"đổi bằng lái ô tô xong thì khám chữa bệnh ở đâu":   true,
	} {
		res, _ := ix.Search(ctx, q, 5)
		if len(res.Hits) == 0 || res.Hits[0].ID != "doi-giay-phep-lai-xe" || res.Hits[0].Evidence.OffTopic != off {
			t.Errorf("%q: %+v, want doi-giay-phep-lai-xe first, off topic %v", q, res.Hits, off)
		}
	}
	res, _ = ix.Search(ctx, "gia hạn visa cho người nước ngoài ở đâu", 5)
	if res.NotCovered == nil || res.NotCovered.Help == "" {
		t.Errorf("visa question: no not-covered subject with help: %+v", res.NotCovered)
	}
	// What one guide is not about, found without a search, as the search
	// reads the question: a section cue may hide it from the search itself.
	for _, c := range []struct {
		id, q string
		want  bool
	}{
		{"giay-phep-xay-dung", "xin giay phep xay dung co thoi han mat bao lau", true},
		{"giay-phep-xay-dung", "xin giấy phép xây dựng nhà ở mất bao lâu", false},
		{"no-such-guide", "có thời hạn", false},
	} {
		if got := ix.Excludes(c.id, c.q); got != c.want {
			t.Errorf("Excludes(%s, %q) = %v, want %v", c.id, c.q, got, c.want)
		}
	}
	// The same subjects, found without a search, as the search reads them
	// (shorthand expanded).
	for q, named := range map[string]bool{
		"vượt đèn đỏ bị phạt bao nhiêu":      true,
		"gia han visa o dau":                 true,
		"nộp phạt vi phạm giao thông online": false,
		"lam lai cccd can j":                 false,
		// a subject denied is the citizen's situation
		"đất không tranh chấp với ai thì làm sổ đỏ lần đầu cần gì": false,
		"đất đang tranh chấp với hàng xóm thì làm sao":             true,
		// a "không" closing a "có … không" question denies nothing after it
		"chủ trọ có bị phạt không, phạt bao nhiêu": true,
		// studying at a university is a setting; applying to one is a subject
		"đang học đại học ở xa thì đăng ký nghĩa vụ quân sự ở đâu": false,
		"xét tuyển đại học năm nay thế nào":                        true,
		// one person's sum, worked out from figures they give, is the
		// paying office's to say; the rates a guide states are not
		"e dong bhxh 6 nam luong 8 trieu thi rut 1 lan dc bn":           true,
		"sinh con thứ 2 lương em 7tr thì được nhận tổng cộng bao nhiêu": true,
		"sinh con được nhận bao nhiêu tiền thai sản":                    false,
		"trợ cấp người khuyết tật mỗi tháng được bao nhiêu":             false,
		"đóng bảo hiểm 7 tháng thì thai sản được bao nhiêu tháng":       false,
	} {
		if got := ix.NotCovered(q) != nil; got != named {
			t.Errorf("NotCovered(%q) = %v, want %v", q, got, named)
		}
	}
}

// TestAboutOnly: a guide limited to a subject matter (complaints about the
// state) is not answered for a question about something else, and is for one
// that names that matter or says nothing beyond its name.
func TestAboutOnly(t *testing.T) {
	ix := searchtest.Index(t)
	tests := []struct {
		q, id   string
		outside bool
	}{
		{"mua điện thoại mới hỏng cửa hàng không chịu đổi tôi khiếu nại", "khieu-nai-to-cao", true},
		{"hàng xóm nuôi lợn gây mùi hôi thối phản ánh", "phan-anh-kien-nghi", true},
		{"không đồng ý quyết định xử phạt của ủy ban xã thì khiếu nại", "khieu-nai-to-cao", false},
		{"cán bộ một cửa hẹn lên hẹn xuống tôi muốn phản ánh", "phan-anh-kien-nghi", false},
		{"khiếu nại tố cáo", "khieu-nai-to-cao", false},
		// an old person's free bus is not the monthly allowance
		{"người già trên tám mươi tuổi thì có được đi xe bít miễn phí không hả cháu", "tro-cap-xa-hoi", true},
		{"toi 81 tuoi, vo mat roi, o mot minh, xin luong thang cua nguoi gia lam don o dau", "tro-cap-xa-hoi", false},
		{"mua điện thoại mới hỏng cửa hàng không chịu đổi", "dang-ky-khai-sinh", false}, // no limit set
	}
	for _, tt := range tests {
		if got := ix.Excludes(tt.id, tt.q); got != tt.outside {
			t.Errorf("Excludes(%s, %q) = %v, want %v", tt.id, tt.q, got, tt.outside)
		}
		res := mustSearch(t, ix, tt.q)
		if tt.outside && res.Confident && res.Hits[0].ID == tt.id {
			t.Errorf("%q: answered with %s", tt.q, tt.id)
		}
		if !tt.outside && tt.id != "dang-ky-khai-sinh" && (!res.Confident || res.Hits[0].ID != tt.id) {
			t.Errorf("%q: want %s answered, got confident %v hits %v", tt.q, tt.id, res.Confident, res.Hits)
		}
	}
}

// TestAboutOnlyReadInTheWholeMessage: the subject matter a guide is limited to
// may be told in the story around the clause that asks (SearchWithin); a
// clause searched alone, or a message that never names it, is outside.
func TestAboutOnlyReadInTheWholeMessage(t *testing.T) {
	ix := searchtest.Index(t)
	ctx := context.Background()
	const id = "khai-bao-tam-tru-nguoi-nuoc-ngoai"
	excluded := func(res bot.SearchResult) bool {
		for _, h := range res.Hits {
			if h.ID == id {
				return h.Evidence.Excluded
			}
		}
		return true // not found at all
	}
	clause := "báo tạm trú cho hai người đó qua mạng thế nào"
	alone, err := ix.Search(ctx, clause, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !excluded(alone) {
		t.Errorf("%q alone: %s not excluded: %+v", clause, id, alone.Hits)
	}
	within, err := ix.SearchWithin(ctx, clause, "khách sạn mini nhà tôi nhận hai khách Nhật ở một tuần, "+clause, 5)
	if err != nil {
		t.Fatal(err)
	}
	if excluded(within) {
		t.Errorf("%q within a story of Japanese guests: %s excluded: %+v", clause, id, within.Hits)
	}
	// A renter asking about their own stay names no foreigner anywhere.
	if got := ix.Excludes(id, "thuê nhà trọ ở quận 7, có cần khai báo tạm trú không"); !got {
		t.Errorf("a Vietnamese renter's own stay: %s not excluded", id)
	}
}

// TestSituationGuides: a question describing the life situation a situation
// guide is for is answered with that guide, before the single procedures it
// leads to; one that names only one of them is not.
func TestSituationGuides(t *testing.T) {
	ix := searchtest.Index(t)
	tests := []struct {
		q, id     string
		situation bool
	}{
		{"mk bị mất hộ chiếu với căn cước khi đi chợ đêm, giờ làm gì đầu tiên", "mat-giay-to-tuy-than", true},
		{"bi mat cccd va bang lai cung luc thi lam lai o dau", "mat-giay-to-tuy-than", true},
		// The card's own situation is described too: the life situation
		// guide comes first.
		{"Bị mất cả căn cước lẫn giấy khai sinh khi dọn nhà, giờ phải làm lại những gì?", "mat-giay-to-tuy-than", true},
		// A bank card lost with the wallet is one of the situation's papers,
		// not the bank's own subject.
		{"Tôi bị rớt nguyên cái ví: căn cước, bằng lái, thẻ ngân hàng. Giờ phải làm lại những gì trước?", "mat-giay-to-tuy-than", true},
		// Another copy of a registered paper is an extract from the register,
		// a certified photocopy of the paper in hand is not: that is the
		// certified copy's own situation (a copy, and its certification).
		{"cần thêm bản sao giấy khai sinh nộp hồ sơ nhập học cho con thì xin ở đâu", "trich-luc-ho-tich", true},
		{"chứng thực bản sao giấy khai sinh ở đâu", "chung-thuc-ban-sao", true},
		{"photo sổ hộ nghèo công chứng ở đâu nhanh nhất", "chung-thuc-ban-sao", true},
		// Sick or caring for a sick child, and asking what the insurance pays.
		{"con tôi bị sốt xuất huyết nằm viện 5 ngày, tôi nghỉ làm chăm con có được hưởng bảo hiểm không", "che-do-om-dau", true},
		// A plot cut into several certificates; a certificate gnawed by rats.
		{"tôi có 300m2, muốn tách ra 3 sổ cho 3 đứa con, làm ở đâu", "tach-hop-thua-dat", true},
		{"sổ đỏ nhà tôi bị chuột gặm rách một góc, có được làm lại cái mới không", "cap-doi-cap-lai-so-do", true},
		// A paper wanted in the VNeID app, told without "tích hợp"; a lost
		// licence still shown there is the licence's re-issue.
		{"giấy phép lái xe ô tô của tôi không thấy hiện trên ứng dụng vneid, đưa vào bằng cách nào", "tich-hop-giay-to-vao-can-cuoc", true},
		{"mất bằng lái mà trên vneid vẫn hiện thì có cần cấp lại không", "cap-lai-giay-phep-lai-xe", false},
		// A father not married to the mother who wants to be recognised.
		{"hồi đó không cưới, giấy khai sinh của bé chỉ có tên mẹ, giờ tôi muốn được công nhận là cha đẻ của bé thì làm sao", "dang-ky-nhan-cha-me-con", true},
		// A trader with no insurance wanting a pension.
		{"tôi bán hàng ở chợ, không có bảo hiểm gì, muốn đóng để sau này có lương hưu thì đăng ký ở đâu", "bhxh-tu-nguyen", true},
		// A vehicle done for, and its papers: they are handed back.
		{"xe bị cháy rụi rồi, giấy đăng ký xe với biển số giờ làm sao", "thu-hoi-dang-ky-bien-so-xe", true},
		{"Xã tôi vừa sáp nhập, có phải đổi lại căn cước không?", "giay-to-sau-sap-xep-dia-gioi", true},
		// A guide written for two situations: the head of the household
		// changes, or the residence record still shows the old name after a
		// civil-status change (the card's own record is another procedure).
		{"bố em là chủ hộ vừa mất, giờ mẹ đứng tên chủ hộ thì làm gì", "dieu-chinh-thong-tin-cu-tru", true},
		{"Đã đổi tên cho con trên giấy khai sinh rồi mà thông tin cư trú vẫn để tên cũ, giờ sửa sao ạ", "dieu-chinh-thong-tin-cu-tru", true},
		// A wrong detail in the police's records, told without the
		// procedure's name; a wrong birth certificate is its own correction
		// (the situation of a civil-status paper written wrong).
		{"he thong cong an luu sai ngay sinh cua e so voi giay to goc, sua ntn", "dieu-chinh-thong-tin-dan-cu", true},
		{"giấy khai sinh ghi sai ngày sinh so với hệ thống, sửa thế nào", "thay-doi-cai-chinh-ho-tich", true},
		// A first card for someone who cannot come to the police.
		{"lam the can cuoc cho ong noi 90 tuoi nam liet giuong, co can bo den nha lam khong", "cap-the-can-cuoc", true},
		// A phone lost with the VNeID app on it; a proxy letter to collect a
		// pension (selling land by proxy is a notarised contract).
		{"dien thoai bi mat, so ke gian vao app cong an, tam ngung sao", "khoa-mo-khoa-can-cuoc-dien-tu", true},
		{"app VNeID co doc trom tin nhan, danh ba tren dien thoai ko vay", "", false},
		{"ong ba gia yeu roi muon lam giay uy quyen cho con di nhan tien, ra xa lam duoc khong", "chung-thuc-chu-ky", true},
		// Land bought, to be put in the buyer's name; its registration fee
		// alone, or land never certified, is another procedure.
		{"Mua miếng đất 100m2 ở Long An, công chứng hợp đồng xong rồi, giờ sang tên sổ đỏ nộp hồ sơ ở đâu?", "chuyen-nhuong-dat", true},
		{"mua dat giay tay tu 2010 gio lam so dc ko", "cap-so-do-lan-dau", false},
		// A licence about to run out is exchanged; one long expired may be
		// re-issued.
		{"bang lai oto cua e sap het han, doi tren dvc dc ko hay phai len so gtvt", "doi-giay-phep-lai-xe", true},
		// A wedding and its papers: "còn" typed without marks is no child,
		// "nhà nước" no house; a couple's property is another matter.
		{"em o Ha Noi con ban gai o Nghe An, cuoi nhau thi ra xa nao dang ky, xa ben em hay ben co ay", "dang-ky-ket-hon", true},
		{"Sắp cưới vợ cùng xã thì cần lo những giấy tờ gì với nhà nước", "dang-ky-ket-hon", true},
		// A father recognised by a couple who never married, and a stall's
		// food paper ("cuoi" typed without marks may be "cười"), are no
		// wedding.
		{"hai đứa không cưới mà có con, giờ làm giấy nhận cha cho bé cần gì", "dang-ky-nhan-cha-me-con", false},
		{"ban xoi o cho, hang xom cuoi bao chua co giay, lam giay an toan thuc pham can gi", "an-toan-thuc-pham", false},
		{"Nhà bố mẹ cho riêng trước khi cưới, sau khi đăng ký kết hôn có thành tài sản chung không?", "", false},
		{"đưa bằng lái xe lên app để khỏi mang bản giấy theo người", "tich-hop-giay-to-vao-can-cuoc", true},
		// One paper, under two names, is not the situation of losing several.
		{"Giấy đăng ký xe máy (cà vẹt) bị rơi mất lúc đi chợ, cấp lại cần những gì?", "cap-lai-dang-ky-bien-so-xe", false},
		{"mất căn cước làm lại ở đâu", "cap-doi-cap-lai-the-can-cuoc", true}, // the card's own situation, not the lost wallet's
		// A card without which card it is names no card.
		{"bị mất thẻ thì làm lại ở đâu", "", false},
		// "rồi" typed without marks is not "rơi"; correcting a paper is not a change the merger brings.
		{"tich hop the bhyt vao can cuoc roi thi di kham co can mang the giay ko", "tich-hop-giay-to-vao-can-cuoc", false},
		{"giay khai sinh cua ba e ghi sai nam sinh, xa cu sap nhap roi thi gio nop ho so sua o dau", "thay-doi-cai-chinh-ho-tich", true},
		// A life event told without naming the procedure it calls for.
		{"Vợ em vừa sinh bé trai hôm qua, giờ em phải đi làm giấy tờ gì cho cháu?", "dang-ky-khai-sinh", true},
		{"Bố tôi vừa mất ở nhà tối qua, gia đình cần báo với xã thế nào?", "dang-ky-khai-tu", true},
		{"Tôi muốn mở quán bún bò nhỏ trước nhà, có phải đăng ký gì không?", "dang-ky-ho-kinh-doanh", true},
		// A foreigner staying with the family: the host's declaration.
		{"Con rể người Hàn về quê ăn Tết ở nhà, có phải báo công an không?", "khai-bao-tam-tru-nguoi-nuoc-ngoai", true},
		{"nhà nghỉ có khách Nhật thuê phòng, khai báo tạm trú cho họ thế nào", "khai-bao-tam-tru-nguoi-nuoc-ngoai", true},
		// A relative sleeping over: the host's stay notification.
		{"Em họ dưới quê lên nhà tôi chơi mấy hôm, có phải báo công an không?", "thong-bao-luu-tru", true},
		// Where a dossier stands, whatever procedure it was handed in for.
		{"Nộp hồ sơ đăng ký thường trú online 10 ngày rồi, xem hồ sơ đến đâu thì tra thế nào?", "huong-dan-tra-cuu-ho-so", true},
		{"nộp hồ sơ xin xác nhận độc thân rồi mà không biết xong chưa, tra cứu ở đâu", "huong-dan-tra-cuu-ho-so", true},
		// An office refused a procedure and the citizen wants to complain;
		// a decision with its own appeal (a trademark office) is not it.
		{"phường không chịu làm thủ tục đổi họ cho con mà không nêu lý do, tôi muốn khiếu nại thì làm thế nào", "khieu-nai-to-cao", true},
		{"đăng ký nhãn hiệu bị cục sở hữu trí tuệ từ chối, khiếu nại thế nào", "", false},
		// The old registration removed by itself after moving; the household
		// book gone, and what to hand in instead.
		{"đã đăng ký thường trú ở chỗ mới rồi thì thường trú ở quê có tự xóa không", "xoa-dang-ky-thuong-tru", true},
		{"công ty đòi bản sao hộ khẩu mà sổ bị thu rồi, giờ nộp giấy gì thay", "xac-nhan-thong-tin-cu-tru", true},
		// Land of someone who died put in the heirs' names.
		{"bố mất không để lại di chúc, sổ đỏ đứng tên bố, anh em muốn để mẹ đứng tên thì làm sao", "thua-ke-dat", true},
		// Land given while alive, told with "cho"; a change of use to build
		// the child a house, or a polite "cho cháu hỏi", is not a gift.
		{"ông bà muốn cho cháu nội miếng đất vườn thì làm giấy tờ thế nào", "tang-cho-dat", true},
		{"muốn chuyển đất lúa lên đất ở để cất nhà cho con thì xin ở đâu", "chuyen-muc-dich-su-dung-dat", false},
		{"cho cháu hỏi làm sổ đỏ lần đầu cần giấy gì", "cap-so-do-lan-dau", false},
		// Whether the registration fee is due on a gift of land.
		{"tặng cho đất cho con có phải nộp lệ phí trước bạ không", "le-phi-truoc-ba", true},
		// A thing of a None group tells another situation: the same birth with
		// the papers made at once is the joint registration's own situation.
		{"vừa sinh em bé, làm giấy tờ một lần có cả thẻ bhyt với hộ khẩu được không", "lien-thong-khai-sinh", true},
		{"Bé mới đẻ, muốn làm giấy khai sinh, nhập hộ khẩu với làm thẻ khám bệnh luôn một lần cho đỡ đi lại", "lien-thong-khai-sinh", true},
		{"Mẹ tôi mất tuần trước, làm khai tử với nhận tiền mai táng luôn một lần được không?", "lien-thong-khai-tu", true},
		// A child's first card told by age; an orphan and the relative who
		// steps up; a pupil moving with the family.
		{"con tôi 14 tuổi đang học lớp 8, trường bảo phải có căn cước, đi làm cho cháu cần giấy gì", "cap-the-can-cuoc", true},
		{"bố mẹ cháu mất cả trong tai nạn, ông bà nội đang nuôi cháu, cần giấy tờ gì để ông bà đứng ra lo cho cháu", "dang-ky-giam-ho", true},
		{"cả nhà vào Nam làm công nhân, muốn cho con lớp 4 học trường gần chỗ trọ", "chuyen-truong", true},
		// Registering the family's residence for the school, or moving a
		// bedridden mother's residence, is that procedure's question.
		{"cả nhà chuyển vào Bình Dương, đăng ký tạm trú cho con để xin học thì làm ở đâu", "dang-ky-tam-tru", false},
		{"mẹ tôi nằm một chỗ không đi được, muốn nhập khẩu mẹ về nhà tôi thì làm sao", "dang-ky-thuong-tru", false},
		// The household head changing; someone gone for good still registered.
		{"bố em là chủ hộ vừa mất, giờ mẹ em đứng tên chủ hộ thì phải làm thủ tục gì", "dieu-chinh-thong-tin-cu-tru", true},
		{"em trai định cư bên Úc mấy năm rồi mà hộ khẩu nhà vẫn còn tên, muốn xóa tên thì làm thế nào", "xoa-dang-ky-thuong-tru", true},
		// A used vehicle in the seller's name; a small seller's tax; a shop
		// pausing; a child's name changed; land never certified.
		{"mua lại chiếc Wave cũ của ông hàng xóm, cà vẹt vẫn đứng tên ông ấy, giờ muốn sang tên thì cần giấy gì", "sang-ten-xe", true},
		{"bán bánh mì doanh thu tầm 300 triệu một năm có phải đóng thuế không", "thue-ho-kinh-doanh", true},
		{"quán phở nhà mình muốn tạm nghỉ 6 tháng vì mẹ ốm, có phải báo ai không", "thay-doi-ho-kinh-doanh", true},
		{"muốn đổi tên cho con đang học lớp 3 vì tên cũ xấu thì có được không", "thay-doi-cai-chinh-ho-tich", true},
		{"đất ông bà để lại ở từ năm 1990 đến giờ mà chưa có sổ đỏ, muốn làm sổ thì cần giấy tờ gì", "cap-so-do-lan-dau", true},
		// A first passport told by the trip; an older person's VNeID account.
		{"được con gái bên Úc mời sang thăm, chưa làm hộ chiếu bao giờ, làm ở đâu", "cap-ho-chieu", true},
		{"ông tôi 75 tuổi dùng điện thoại bàn phím, không có smartphone thì làm VNeID được không", "tai-khoan-dinh-danh-dien-tu", true},
		// Another procedure done on the app is that procedure's question,
		// not the older person's account.
		{"đăng ký tạm trú trên vneid mà mẹ tôi không biết dùng điện thoại thì nhờ ai làm", "dang-ky-tam-tru", false},
		// A copy of the birth record or its re-registration named is that
		// paper's own procedure, whatever else the story lost or applied for.
		{"mất giấy khai sinh gốc, đi làm hộ chiếu bị đòi bản trích lục thì xin ở đâu", "trich-luc-ho-tich", false},
		// A father recognising a child born outside marriage.
		{"mình là mẹ đơn thân, khai sinh của bé để trống phần cha, giờ bố bé muốn nhận con thì cần giấy tờ gì", "dang-ky-nhan-cha-me-con", true},
		// A birth certificate lost with the commune's register.
		{"giấy khai sinh của bà nội mất từ hồi chiến tranh, sổ gốc ở xã cũng không còn, giờ làm lại được không", "dang-ky-lai-khai-sinh", true},
		// A complaint about how a named procedure is run; a couple parting.
		{"thủ tục làm sổ đỏ ở huyện tôi đòi thêm giấy tờ không có trong quy định, tôi muốn phản ánh thì gửi ở đâu", "phan-anh-kien-nghi", true},
		{"hai vợ chồng thỏa thuận chia tay nhẹ nhàng, nộp đơn ở đâu", "ly-hon", true},
		// A card already made, told by what happened to it.
		{"năm nay tôi tròn 40 tuổi, có phải đi đổi căn cước không", "cap-doi-cap-lai-the-can-cuoc", true},
		// Selling coins is not a shop; a buyer's quarrel is not the transfer.
		{"thu nhập từ bán coin có phải đóng thuế không", "", false},
		// A card already made is another situation.
		{"con tôi 15 tuổi làm mất thẻ căn cước, làm lại ở đâu", "cap-doi-cap-lai-the-can-cuoc", false},
	}
	for _, tt := range tests {
		res := mustSearch(t, ix, tt.q)
		if tt.id == "" {
			if res.Confident {
				t.Errorf("%q: answered with %s", tt.q, res.Hits[0].ID)
			}
			continue
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != tt.id || res.Hits[0].Evidence.Situation != tt.situation {
			t.Errorf("%q: hits %v, want %s first (situation %v)", tt.q, res.Hits, tt.id, tt.situation)
			continue
		}
		if tt.situation && !res.Confident {
			t.Errorf("%q: situation guide not answered (confidence %.2f)", tt.q, res.Hits[0].Confidence)
		}
	}
}

// TestAskingPhrasesVetoNamedGuides: a not-covered phrase that says what is
// asked (advice, a coming rise, a ranking) counts against a guide even when
// the question names it whole; a subject phrase does not (the guide named
// whole is the answer, the subject is the asker's purpose).
func TestAskingPhrasesVetoNamedGuides(t *testing.T) {
	ix := searchtest.Index(t)
	tests := []struct {
		q, id    string
		answered bool
	}{
		{"lương hưu năm 2026 có tăng không", "huong-luong-huu", false},
		{"có nên rút bảo hiểm xã hội một lần không", "bhxh-mot-lan", false},
		{"điều kiện hưởng lương hưu", "huong-luong-huu", true},
		{"xin giấy xác nhận tình trạng hôn nhân để vay ngân hàng", "xac-nhan-tinh-trang-hon-nhan", true},
		{"chia thừa kế đất đai thì giá thuê luật sư bao nhiêu", "thua-ke-dat", false},
		{"mẹ mất không để di chúc, anh cả đứng tên thừa kế đất hết, muốn chia lại thì kiện ở đâu", "thua-ke-dat", false},
		// A divorce by one side is a lawsuit: the guide says so.
		{"ly hôn đơn phương thì kiện ra tòa nào", "ly-hon", true},
		// What a court would decide, who is right, whether another country
		// accepts a paper: not how to do the procedure named.
		{"ly hôn thì con 3 tuổi tòa sẽ xử cho ai nuôi vậy ad", "ly-hon", false},
		{"Chủ trọ không cho em đăng ký tạm trú, chủ trọ làm vậy là đúng hay sai, em có kiện được không?", "dang-ky-tam-tru", false},
		{"đăng ký kết hôn ở Việt Nam rồi thì sang Mỹ bên đó có công nhận không", "dang-ky-ket-hon", false},
		{"bằng lái quốc tế của VN đem sang Nhật lái có hợp lệ không hay bị phạt", "giay-phep-lai-xe-quoc-te", false},
		// "dieu kien ho ngheo" typed without marks is no lawsuit ("kiện họ").
		{"dieu kien ho ngheo nam 2025 la gi", "ho-ngheo-can-ngheo", true},
	}
	for _, tt := range tests {
		res := mustSearch(t, ix, tt.q)
		got := res.Confident && len(res.Hits) > 0 && res.Hits[0].ID == tt.id
		if got != tt.answered {
			t.Errorf("%q: answered with %s = %v, want %v (hits %v)", tt.q, tt.id, got, tt.answered, res.Hits)
		}
	}
}

// mustSearch returns the first five hits for q, failing the test on an error.
func mustSearch(t *testing.T, ix *search.Index, q string) bot.SearchResult {
	t.Helper()
	res, err := ix.Search(context.Background(), q, 5)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestUncoveredPhraseInsideATermName: a not-covered phrase read inside a
// longer expansion term ("khám bệnh" in "thẻ khám bệnh", the health insurance
// card) counts against no guide that mentions what the term stands for; the
// same phrase alone still does.
func TestUncoveredPhraseInsideATermName(t *testing.T) {
	ix := searchtest.Index(t)
	tests := []struct {
		q, id    string
		offTopic bool
	}{
		{"nhà làm ruộng không ai đóng bảo hiểm, muốn mua thẻ khám bệnh cho cả nhà", "bhyt-ho-gia-dinh", false},
		{"đi khám bệnh trái tuyến thì bảo hiểm y tế hộ gia đình trả bao nhiêu", "bhyt-ho-gia-dinh", true},
	}
	for _, tt := range tests {
		res := mustSearch(t, ix, tt.q)
		var found bool
		for _, h := range res.Hits {
			if h.ID == tt.id {
				found = true
				if h.Evidence.OffTopic != tt.offTopic {
					t.Errorf("%q: %s off topic %v, want %v", tt.q, tt.id, h.Evidence.OffTopic, tt.offTopic)
				}
			}
		}
		if !found {
			t.Errorf("%q: %s not among %v", tt.q, tt.id, res.Hits)
		}
	}
}

// TestMarkedPhrasesCountOnlyWithTheirMarks: "chó" typed with its marks is a
// dog, which no guide covers; "cho" typed without marks is another word.
func TestMarkedPhrasesCountOnlyWithTheirMarks(t *testing.T) {
	ix := searchtest.Index(t)
	tests := []struct {
		q, id    string
		offTopic bool
	}{
		{"Khai sinh cho con chó nhà em thì đăng ký ở đâu", "dang-ky-khai-sinh", true},
		{"lam giay khai sinh cho con cho kip nhap hoc", "dang-ky-khai-sinh", false},
		{"tặng cho đất cho con cần giấy tờ gì", "tang-cho-dat", false},
		// Whether a gift can be claimed back is a dispute; "doi duoc" typed
		// without marks is as often "đổi được".
		{"Bố mẹ tặng cho đất cho con rồi mà giờ con bất hiếu, bố mẹ có đòi lại đất được không", "tang-cho-dat", true},
		// "doi tien" without marks is as often a bribe asked ("đòi tiền")
		// as money changed; "nha thuoc" is also "nhà thuộc (hộ nghèo)";
		// "xep hang" is also queueing.
		{"can bo xa lam kho doi tien, to cao o dau", "khieu-nai-to-cao", false},
		{"Đổi tiền lì xì Tết ở đâu", "", true},
		{"nha thuoc ho can ngheo, con hoc cap 3 truong cong co duoc giam hoc phi khong", "mien-giam-hoc-phi", false},
		{"khai sinh cho con tren vneid dc ko, e ngai ra phuong xep hang qua", "dang-ky-khai-sinh", false},
	}
	for _, tt := range tests {
		checkOffTopic(t, ix, tt.q, tt.id, tt.offTopic, tt.offTopic)
	}
}

// checkOffTopic asserts that id is the first hit for q and whether the
// question names a subject the guide is not about, and, when declined, that
// the search declines it with where to go. An empty id asks only for the
// decline.
func checkOffTopic(t *testing.T, ix *search.Index, q, id string, offTopic, declined bool) {
	t.Helper()
	res := mustSearch(t, ix, q)
	if id != "" {
		if len(res.Hits) == 0 || res.Hits[0].ID != id {
			t.Errorf("%q: hits %v, want %s first", q, res.Hits, id)
			return
		}
		if got := res.Hits[0].Evidence.OffTopic; got != offTopic {
			t.Errorf("%q: %s off topic %v, want %v", q, id, got, offTopic)
		}
	}
	if declined && (res.Confident || res.NotCovered == nil) {
		t.Errorf("%q: confident %v, not covered %v; want declined with where to go", q, res.Confident, res.NotCovered)
	}
}

// A not-covered phrase inside, or right after, one of its topic's except
// phrases tells who the asker is or what covered thing they hold, not the
// subject asked about.
func TestExceptPhrasesAreDetailsNotSubjects(t *testing.T) {
	ix := searchtest.Index(t)
	tests := []struct {
		q, id              string
		offTopic, declined bool
	}{
		// The bank asking for a paper is the scene; the bank's own matters
		// are the subject.
		{"ngân hàng đòi giấy xác nhận cư trú, xin ở đâu", "xac-nhan-thong-tin-cu-tru", false, false},
		{"ngân hàng không cho rút sổ tiết kiệm của ông tôi vì ông mất rồi, người thừa kế rút thế nào", "", true, true},
		// Nationality held is who the child is; regaining it is the subject.
		{"con em 14 tuổi, có quốc tịch Việt Nam, đã có khai sinh ở xã, làm căn cước cho cháu thế nào", "cap-the-can-cuoc", false, false},
		{"bố tôi có quốc tịch Mỹ, muốn xin trở lại quốc tịch Việt Nam để về quê", "", true, true},
		// A foreign licence is exchanged here; a foreign country's criminal
		// record certificate is not issued here (the guide is named whole:
		// the dialogue declines, as the part that asks does not name it).
		{"tôi có bằng lái xe của Hàn Quốc còn hạn, đổi sang bằng Việt Nam làm ở đâu", "doi-giay-phep-lai-xe", false, false},
		{"chồng em cần lý lịch tư pháp của bên Hàn để nộp ở Việt Nam, xin ở đâu", "ly-lich-tu-phap", true, false},
		// A pupil's health insurance is bought at school; a pupil's lost card
		// is re-issued like any other.
		{"bé nhà em học lớp 3, bảo hiểm y tế học sinh năm nay đóng ở trường hay ở xã", "", true, true},
		{"con làm mất thẻ bhyt học sinh thì cấp lại ở đâu", "cap-lai-the-bhyt", false, false},
		// Who the asker is (a war invalid) is not the invalids' benefits.
		{"bố tôi là thương binh, thẻ bảo hiểm y tế bị mất, xin cấp lại ở đâu", "cap-lai-the-bhyt", false, false},
		{"thương binh hạng 2 được trợ cấp bao nhiêu một tháng", "", true, true},
	}
	for _, tt := range tests {
		checkOffTopic(t, ix, tt.q, tt.id, tt.offTopic, tt.declined)
	}
}

// TestMarkedMessagePhrases: in a message typed with its marks, a
// not-covered phrase stands only with its own marks ("con nuôi cho đàng
// hoàng" is no "nuôi chó"); typed without marks, the same words may be.
func TestMarkedMessagePhrases(t *testing.T) {
	ix := searchtest.Index(t)
	if r := mustSearch(t, ix, "muốn nhận đứa cháu mồ côi về làm con nuôi cho đàng hoàng thì thủ tục thế nào"); r.NotCovered != nil {
		t.Errorf("marked message: not covered %q", r.NotCovered.Name)
	}
	if r := mustSearch(t, ix, "nuoi cho trong nha tro co phai dang ky ko"); r.NotCovered == nil {
		t.Error("unmarked message about keeping a dog: no uncovered subject")
	}
}
