package bot

import (
	"slices"
	"testing"
)

// The greeting or thanks a message opens with is left out of the question;
// a message that is all greeting, or leaves too little, is kept whole.
func TestWithoutPleasantry(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"chào ad, làm căn cước cho bé cần giấy tờ gì", "làm căn cước cho bé cần giấy tờ gì"},
		{"Dạ chào chị, em muốn đăng ký tạm trú", "muốn đăng ký tạm trú"},
		{"alo ad oi dang ky ket hon can giay to gi", "dang ky ket hon can giay to gi"},
		{"xin chào, đăng ký khai sinh ở đâu", "đăng ký khai sinh ở đâu"},
		{"em muốn làm căn cước cho bé", "em muốn làm căn cước cho bé"}, // no greeting: kept whole
		{"chào ad nhé", "chào ad nhé"},                             // nothing asked after it
		{"chào ad, làm gì", "chào ad, làm gì"},                     // too little left
		{"chảo chống dính mua ở đâu", "chảo chống dính mua ở đâu"}, // marked otherwise: not a greeting
	} {
		if got := withoutPleasantry(c.in); got != c.want {
			t.Errorf("withoutPleasantry(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Residence nouns that say where someone lives are left out; those that name
// the procedure asked about are kept.
func TestCutStatus(t *testing.T) {
	for _, c := range []struct {
		in, want   string
		ok, rental bool
	}{
		{"bé sinh ở bệnh viện tỉnh, hộ khẩu ở xa thì khai sinh ở đâu", "bé sinh ở bệnh viện tỉnh, ở xa thì khai sinh ở đâu", true, false},
		{"ho khau van o que, lam ho chieu o day dc ko", "van o que, lam ho chieu o day dc ko", true, false},
		{"em hộ khẩu Nghệ An, đăng ký kết hôn ở đâu", "em Nghệ An, đăng ký kết hôn ở đâu", true, false},
		{"làm hộ chiếu ở Bình Dương được không, hộ khẩu em ở Thanh Hóa", "làm hộ chiếu ở Bình Dương được không, em ở Thanh Hóa", true, false},
		{"khai sinh ở nơi tạm trú được không", "khai sinh ở nơi được không", true, false},
		{"đăng ký biển số ở nơi đang tạm trú được không", "đăng ký biển số ở nơi đang được không", true, false},
		{"gần chỗ thường trú, có trường nào", "gần chỗ, có trường nào", true, false},
		// a benefit someone draws is what they live on
		{"xin mai táng phí cho bà đang hưởng trợ cấp người cao tuổi thì nộp ở đâu", "xin mai táng phí cho bà thì nộp ở đâu", true, false},
		{"đăng ký người phụ thuộc cho mẹ, mẹ có lương hưu thì có được không", "đăng ký người phụ thuộc cho mẹ, mẹ thì có được không", true, false},
		{"muốn đóng bảo hiểm để sau này có lương hưu", "muốn đóng bảo hiểm để sau này có lương hưu", false, false},
		// an insurance benefit drawn for a while is where its procedures start
		{"đang hưởng trợ cấp thất nghiệp, muốn học nghề thì làm gì", "đang hưởng trợ cấp thất nghiệp, muốn học nghề thì làm gì", false, false},
		// an action makes the noun the procedure asked about
		{"nhập hộ khẩu ở nhà chồng cần giấy gì", "nhập hộ khẩu ở nhà chồng cần giấy gì", false, false},
		{"đăng ký thường trú tại nhà con trai được không", "đăng ký thường trú tại nhà con trai được không", false, false},
		// where to register, not where one lives
		{"tạm trú ở đâu", "tạm trú ở đâu", false, false},
		{"thủ tục tạm trú cần gì", "thủ tục tạm trú cần gì", false, false},
		// a rented room someone lives in, where it is read at all
		{"Hai đứa thuê trọ chung muốn đăng ký kết hôn", "Hai đứa chung muốn đăng ký kết hôn", true, true},
		{"con người thuê phòng trọ cần chuyển trường", "con người cần chuyển trường", true, true},
		{"Hai đứa thuê trọ chung muốn đăng ký kết hôn", "Hai đứa thuê trọ chung muốn đăng ký kết hôn", false, false},
		{"làm khai sinh cho cháu ở phường chỗ trọ được không", "làm khai sinh cho cháu ở phường được không", true, true},
		{"nhà cho trọ thì khai báo gì", "nhà cho trọ thì khai báo gì", false, true},
		// a landlord's rooms are a business
		{"cho thuê trọ thì khai báo gì", "cho thuê trọ thì khai báo gì", false, true},
		{"mở nhà trọ cần giấy phép gì", "mở nhà trọ cần giấy phép gì", false, true},
	} {
		got, ok := cutStatus(c.in, c.rental)
		if got != c.want || ok != c.ok {
			t.Errorf("cutStatus(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// A message is split into clauses at sentence ends and commas, but the items
// of a list stay together.
func TestClausesKeepListsTogether(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Ông nội mất rồi, làm khai tử ở đâu?", []string{"Ông nội mất rồi", "làm khai tử ở đâu"}},
		{"sáp nhập tỉnh, giấy tờ như căn cước, sổ đỏ, bằng lái có phải đổi không", []string{"sáp nhập tỉnh", "giấy tờ như căn cước", "sổ đỏ, bằng lái có phải đổi không"}},
		{"mất ví. Căn cước, bằng lái", []string{"mất ví", "Căn cước, bằng lái"}},
	} {
		if got := clauses(c.in); !slices.Equal(got, c.want) {
			t.Errorf("clauses(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// The office the citizen goes to, after "ở", "lên" … or as the one that does
// the work ("công an xã làm được không"), is left out of what is searched;
// an office named otherwise stays.
func TestStripSectionCuesDropsOffices(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"làm lại căn cước ở công an phường", "làm lại căn cước"},
		{"căn cước công an xã làm được không", "căn cước làm"},
		{"căn cước công an cấp xã làm được không", "căn cước làm"},
		{"căn cước ủy ban xã có nhận không", "căn cước có nhận không"},
		{"giấy xác nhận của công an xã", "giấy xác nhận của công an xã"},
	} {
		if got := stripSectionCues(splitWords(c.in)); got != c.want {
			t.Errorf("stripSectionCues(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A short asking sentence after another question is read with it; a longer
// one, or one after a statement, stands alone.
func TestWithAskedBefore(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"I need copies of my passport certified. What do I bring to the ward? just the passport?", "What do I bring to the ward? just the passport?"},
		{"What do I bring to the ward? just the passport?", "What do I bring to the ward? just the passport?"},
		{"I need copies certified. Just the passport?", "Just the passport?"},
		{"What do I bring? Is the passport alone enough for them?", "Is the passport alone enough for them?"},
		{"one sentence only?", ""},
	} {
		if got := withAskedBefore(c.in, questionSentence(c.in)); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}
