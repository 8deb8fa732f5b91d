package offices

import (
	"strings"
	"testing"
	"time"
)

func sampleDir(t *testing.T) *Directory {
	t.Helper()
	list, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	return NewDirectory(list)
}

func TestCommuneKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Phường Hòa Sơn", "hoa son"},
		{"phuong hoa son", "hoa son"},
		{"P. Hòa Sơn", "hoa son"},
		{"P.Hòa Sơn", "hoa son"},
		{"Xã Đồng Tiến", "dong tien"},
		{"TT. Đồng Tiến", "dong tien"},
		{"Thị trấn Đồng Tiến", "dong tien"},
		{"Phường 05", "phuong 5"},
		{"P.5", "phuong 5"},
		{"P5", "phuong 5"},
		{"F.5", "phuong 5"},
		{"Q.1", "quan 1"},
		{"5", ""},
		{"Phường", "phuong"}, // nothing after the type word: the word is the name
		{"Phường Tân An (cũ)", "tan an"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := CommuneKey(tt.in); got != tt.want {
			t.Errorf("CommuneKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFindCommune(t *testing.T) {
	d := sampleDir(t)
	tests := []struct {
		text   string
		want   []string // current names, best first
		former bool
	}{
		{"Phường Hòa Sơn", []string{"Phường Hòa Sơn"}, false},
		{"hoa son", []string{"Phường Hòa Sơn"}, false},
		{"P. Hoà Sơn", []string{"Phường Hòa Sơn"}, false}, // "oà" spelled the old way
		{"tôi ở phường hòa sơn ạ", []string{"Phường Hòa Sơn"}, false},
		{"TT Đồng Tiến", []string{"Xã Đồng Tiến"}, false}, // the former township shares the name
		{"thi tran dong tien", []string{"Xã Đồng Tiến"}, false},
		{"xa dong tam", []string{"Xã Đồng Tiến"}, true},
		{"P.2", []string{"Phường Hòa Sơn"}, true},
		{"phuong 05", []string{"Phường Ngọc Lâm"}, true},
		{"xã Ngọc Thạch cũ", []string{"Phường Ngọc Lâm"}, true},
		{"phuong hao son", []string{"Phường Hòa Sơn"}, false},  // two letters swapped
		{"phuong hoa sonn", []string{"Phường Hòa Sơn"}, false}, // one letter too many
		{"dongtien", []string{"Xã Đồng Tiến"}, false},          // no space
		{"son thuy", []string{"Xã Sơn Thủy"}, false},
		{"phường 9", nil, false},
		{"Hà Nội", nil, false},
		{"làm căn cước ở đâu", nil, false},
	}
	for _, tt := range tests {
		got := d.FindCommune(tt.text)
		var names []string
		for _, m := range got {
			names = append(names, m.Commune)
		}
		if strings.Join(names, "|") != strings.Join(tt.want, "|") {
			t.Errorf("FindCommune(%q) = %v, want %v", tt.text, names, tt.want)
			continue
		}
		if len(got) > 0 && got[0].Former != tt.former {
			t.Errorf("FindCommune(%q).Former = %v, want %v", tt.text, got[0].Former, tt.former)
		}
	}
}

func TestMentionedCommunesNeedsATypeWord(t *testing.T) {
	d := sampleDir(t)
	for text, want := range map[string]string{
		"mình ở phường Tân An, làm căn cước ở đâu": "Phường Tân An",
		"nhà ở TT Đồng Tiến":                       "Xã Đồng Tiến",
		"tan an":                                   "",
		"lên xã nộp hồ sơ":                         "",
	} {
		got := d.MentionedCommunes(text)
		if (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0].Commune != want)) {
			t.Errorf("MentionedCommunes(%q) = %v, want %q", text, got, want)
		}
	}
}

func TestAmbiguousFormerName(t *testing.T) {
	d := NewDirectory([]Office{
		{ID: "a", Name: "A", Level: LevelCommune, Communes: []string{"Xã Bình Minh", "Xã An Lạc"}, Address: "x"},
		{ID: "b", Name: "B", Level: LevelCommune, Communes: []string{"Xã Bình Yên", "Xã An Lạc"}, Address: "x"},
	})
	if got := d.FindCommune("xa an lac"); len(got) != 2 {
		t.Fatalf("a former name split between two communes should match both, got %v", got)
	}
}

func TestDeskPerField(t *testing.T) {
	d := sampleDir(t)
	tests := []struct {
		commune, field, level, want string
	}{
		{"Phường Hòa Sơn", "Hộ tịch", "xã", "sample-ttphvhcc-hoa-son"},
		{"P.2", "Hộ tịch", "xã", "sample-ttphvhcc-hoa-son"},
		{"Phường Hòa Sơn", "Cư trú", "xã", "sample-conganxa-hoa-son"},
		{"Xã Đồng Tiến", "Căn cước", "xã, tỉnh", "sample-conganxa-dong-tien"},
		{"Phường Tân An", "Đất đai", "xã, tỉnh", "sample-vpdkdd-hoa-son"},
		{"Xã Sơn Thủy", "Đất đai", "xã, tỉnh", "sample-vpdkdd-dong-tien"},
		{"Xã Sơn Thủy", "Giao thông", "tỉnh", "sample-csgt-tinh"},
		{"Xã Sơn Thủy", "Giao thông", "xã, tỉnh", "sample-conganxa-son-thuy"},
		{"Phường Ngọc Lâm", "Xuất nhập cảnh", "tỉnh, trung ương", "sample-xnc-tinh"},
		{"Phường Ngọc Lâm", "Lý lịch tư pháp", "tỉnh", "sample-ca-tinh-hanh-chinh"},
		{"Phường Ngọc Lâm", "Kinh doanh", "tỉnh", "sample-ttphvhcc-tinh"},
		{"Phường Ngọc Lâm", "Bảo hiểm", "", "sample-bhxh-hoa-son"},
		{"Phường Ngọc Lâm", "Tư pháp", "khu vực (Tòa án nhân dân khu vực)", ""},
		{"Phường Ngọc Lâm", "Giáo dục", "xã, tỉnh", ""},
	}
	for _, tt := range tests {
		o, ok := d.Desk(tt.commune, Need{Field: tt.field, Level: tt.level})
		if got := map[bool]string{true: o.ID}[ok]; got != tt.want {
			t.Errorf("Desk(%q, %q, %q) = %q, want %q", tt.commune, tt.field, tt.level, got, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	d := sampleDir(t)
	// A point in Xã Sơn Thủy, far from the city.
	o, km, ok := d.Nearest(14.9990, 108.6925, Need{Field: "Hộ tịch", Level: "xã"})
	if !ok || o.ID != "sample-ttphvhcc-son-thuy" || km > 1 {
		t.Fatalf("nearest civil-status desk = %s %.2f km %v", o.ID, km, ok)
	}
	// Land: the branch serving the area beats the closer general desk.
	o, _, ok = d.Nearest(14.9990, 108.6925, Need{Field: "Đất đai", Level: "xã, tỉnh"})
	if !ok || o.ID != "sample-vpdkdd-dong-tien" {
		t.Fatalf("nearest land desk = %s", o.ID)
	}
	if km := Haversine(10.7769, 106.7009, 21.0285, 105.8542); km < 1130 || km > 1150 {
		t.Fatalf("Saigon–Hanoi = %.0f km", km)
	}
}

func vn(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Vietnam)
	if err != nil {
		panic(err)
	}
	return t
}

func TestHours(t *testing.T) {
	h, err := ParseHours("T2-T6 07:30-11:30,13:30-17:00; T7 07:30-11:30")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-12-07 is a Monday.
	tests := []struct {
		at   string
		want string
	}{
		{"2026-12-07 08:00", "Đang mở cửa (đến 11:30)"},
		{"2026-12-07 07:29", "Đã đóng cửa, mở lại lúc 07:30 hôm nay"},
		{"2026-12-07 12:15", "Đã đóng cửa, mở lại lúc 13:30 hôm nay"},
		{"2026-12-07 16:59", "Đang mở cửa (đến 17:00)"},
		{"2026-12-07 17:00", "Đã đóng cửa, mở lại lúc 07:30 ngày mai (thứ Ba)"},
		{"2026-12-11 18:00", "Đã đóng cửa, mở lại lúc 07:30 ngày mai (thứ Bảy)"},
		{"2026-12-12 10:00", "Đang mở cửa (đến 11:30)"},
		{"2026-12-12 13:00", "Đã đóng cửa, mở lại lúc 07:30 thứ Hai, 14/12"},
		{"2026-12-13 09:00", "Đã đóng cửa, mở lại lúc 07:30 ngày mai (thứ Hai)"},
	}
	for _, tt := range tests {
		now := vn(tt.at)
		if got := h.At(now).Describe(now); got != tt.want {
			t.Errorf("at %s: %q, want %q", tt.at, got, tt.want)
		}
	}
	// The same instant in UTC reads the same (Vietnam time is UTC+7).
	utc := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
	if got := h.At(utc).Describe(utc); got != "Đang mở cửa (đến 11:30)" {
		t.Errorf("UTC input: %q", got)
	}
	if got, want := h.String(), "Thứ 2–Thứ 6: 07:30–11:30, 13:30–17:00; Thứ 7: 07:30–11:30"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func TestParseHoursForms(t *testing.T) {
	ok := []string{
		"T2-T6 07:30-11:30,13:30-17:00; T7 07:30-11:30",
		"Thứ 2 - Thứ 6 7h30-11h30, 13h30-17h",
		"T2,T4,T6 08:00-12:00",
		"T2-CN 00:00-24:00",
		"t2-t6 7:30-17:00; cn 8-11",
	}
	for _, s := range ok {
		if _, err := ParseHours(s); err != nil {
			t.Errorf("ParseHours(%q): %v", s, err)
		}
	}
	bad := []string{"", "sáng 7h30", "T8 07:00-11:00", "T2-T6 11:00-07:00", "T6-T2 07:00-11:00", "T2-T6 07:61-11:00", "T2-T6"}
	for _, s := range bad {
		if _, err := ParseHours(s); err == nil {
			t.Errorf("ParseHours(%q) accepted", s)
		}
	}
	h, _ := ParseHours("Thứ 2 - Thứ 6 7h30-11h30, 13h30-17h")
	if got := h.String(); got != "Thứ 2–Thứ 6: 07:30–11:30, 13:30–17:00" {
		t.Errorf("String = %q", got)
	}
}

func TestParseImport(t *testing.T) {
	csv := "id,name,level,communes,address,phone,hours,lat,lon,fields,map_url\n" +
		"ubnd-a,UBND phường A,xã,Phường A;Phường 7,1 Lê Lợi,0123,T2-T6 07:30-17:00,10.5,106.7,,https://maps.example/a\n" +
		"ca-a,Công an phường A,xa,Phường A,3 Lê Lợi,0124,,10.5,106.7,Cư trú; Căn cước,\n" +
		",no id,xã,Phường B,x,,,,,,\n" +
		"bad-hours,B,xã,Phường B,x,,sáng thứ hai,,,,\n" +
		"bad-lat,B,xã,Phường B,x,,,abc,,,\n" +
		"bad-level,B,huyện,Phường B,x,,,,,,\n"
	rows, err := Parse([]byte("\ufeff" + csv))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"", "", "id", "hours", "lat", "level"}
	if len(rows) != len(want) {
		t.Fatalf("%d rows", len(rows))
	}
	for i, r := range rows {
		field := ""
		if r.Err != nil {
			field = r.Reject().Field
		}
		if field != want[i] {
			t.Errorf("row %d: field %q (%v), want %q", i, field, r.Err, want[i])
		}
	}
	if o := rows[1].Office; o.Level != LevelCommune || strings.Join(o.Fields, "|") != "Cư trú|Căn cước" {
		t.Errorf("row 1 = %+v", o)
	}
	if o := rows[0].Office; strings.Join(o.Communes, "|") != "Phường A|Phường 7" || o.Lat != 10.5 {
		t.Errorf("row 0 = %+v", o)
	}

	js := `[{"id":"x1","name":"X","level":"tỉnh","communes":[],"address":"a","hours":"T2-T6 07:30-11:30","lat":10,"lon":106,"fields":["Đất đai"],"map_url":""},
		{"id":"x2","name":"X","level":"tỉnh","address":"a","colour":"red"}, 5]`
	rows, err = Parse([]byte(js))
	if err != nil || len(rows) != 3 || rows[0].Err != nil || rows[1].Err == nil || rows[2].Err == nil {
		t.Fatalf("json rows = %+v, %v", rows, err)
	}
	for _, in := range []string{"", "{}", "[", "id;name\n"} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
	// A CSV header with Vietnamese names.
	rows, err = Parse([]byte("Mã,Tên,Cấp,Xã phường,Địa chỉ,Điện thoại,Giờ làm việc\nm1,UBND,xã,Xã C,1 đường D,0200,T2-T6 07:30-17:00\n"))
	if err != nil || len(rows) != 1 || rows[0].Err != nil {
		t.Fatalf("vietnamese header: %+v %v", rows, err)
	}
}

func TestSampleIsMarked(t *testing.T) {
	list, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 10 {
		t.Fatalf("%d sample offices", len(list))
	}
	for _, o := range list {
		if !o.IsSample() || !strings.Contains(o.Address, "mẫu") || o.Hours == "" || !o.HasLocation() {
			t.Errorf("sample office %s is not marked or incomplete: %+v", o.ID, o)
		}
	}
}

func TestParseHoursEnglishAndUnaccentedDays(t *testing.T) {
	for in, want := range map[string]string{
		"Mon-Fri 07:30-11:30,13:30-17:00":      "Thứ 2–Thứ 6: 07:30–11:30, 13:30–17:00",
		"Mon-Thu 08:00-17:00; Sat 07:30-11:30": "Thứ 2–Thứ 5: 08:00–17:00; Thứ 7: 07:30–11:30",
		"thu 2 - thu 6 7h-11h":                 "Thứ 2–Thứ 6: 07:00–11:00",
		"Thu 08:00-11:00":                      "Thứ 5: 08:00–11:00",
	} {
		h, err := ParseHours(in)
		if err != nil || h.String() != want {
			t.Errorf("ParseHours(%q) = %q, %v; want %q", in, h.String(), err, want)
		}
	}
}
