package bot

import "testing"

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
