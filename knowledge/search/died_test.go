package search

import "testing"

// TestDiedClause: a clause that says a relative died, "mất" at its end, says
// "khuất"; a loss ("bị mất", "làm mất"), a thing lost ("căn cước của bố mất")
// or "mất" before more words is left as typed.
func TestDiedClause(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"mẹ tôi mất", "mẹ tôi khuất"},
		{"bố vừa mất", "bố vừa khuất"},
		{"bo em mat roi", "bo em khuất roi"},
		{"chồng tôi mới mất được 2 năm", "chồng tôi mới khuất được 2 năm"},
		{"ông bà nội mất rồi", "ông bà nội khuất rồi"},
		{"mẹ em bị mất", "mẹ em bị mất"},
		{"bố làm mất", "bố làm mất"},
		{"căn cước của bố mất", "căn cước của bố mất"},
		{"bố mất căn cước", "bố mất căn cước"},
		{"mất bao lâu", "mất bao lâu"},
		{"giấy tờ mất rồi", "giấy tờ mất rồi"},
		{"người thân tôi vừa mất", "người thân tôi vừa khuất"},
		{"nguoi than moi mat", "nguoi than moi khuất"},
	} {
		if got := diedClause(c.in); got != c.want {
			t.Errorf("diedClause(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
