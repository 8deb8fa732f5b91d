package app

import (
	"net/url"
	"strings"
	"testing"
)

// TestOfficeDirectoryEndToEnd: the sample directory is there at first start,
// the chat names the desk once it knows the commune, and the province's import
// replaces the sample.
func TestOfficeDirectoryEndToEnd(t *testing.T) {
	c, _ := startTestApp(t)
	code, out := c.do("GET", "/api/offices?commune="+url.QueryEscape("phuong hoa son"), "", "", nil)
	if list, _ := out["offices"].([]any); code != 200 || len(list) == 0 {
		t.Fatalf("sample directory at first start: %d %v", code, out)
	}

	r := c.chat("o1", map[string]string{"text": "đăng ký khai sinh ở đâu"})
	if !strings.Contains(replyText(r), "Bạn ở xã/phường nào?") {
		t.Fatalf("no commune question: %s", replyText(r))
	}
	r = c.chat("o1", map[string]string{"text": "P. Hoà Sơn"})
	if text := replyText(r); !strings.Contains(text, "Trung tâm Phục vụ hành chính công phường Hòa Sơn") || !strings.Contains(text, "dữ liệu mẫu") || !strings.Contains(text, "📄 Nguồn:") {
		t.Fatalf("desk answer: %s", text)
	}

	csv := "id,name,level,communes,address,phone,hours,lat,lon,fields,map_url\n" +
		"ubnd-an-binh,Trung tâm Phục vụ hành chính công phường An Bình,xã,Phường An Bình;Phường 7,1 Lê Lợi,0251 3800 111,\"T2-T6 07:30-11:30,13:30-17:00; T7 07:30-11:30\",10.95,106.82,,\n"
	code, out = c.do("POST", "/api/admin/offices", adminToken, "text/csv", []byte(csv))
	if code != 200 || out["upserted"] != float64(1) {
		t.Fatalf("import: %d %v", code, out)
	}
	_, out = c.do("GET", "/api/offices", "", "", nil)
	if list, _ := out["offices"].([]any); len(list) != 1 {
		t.Fatalf("after import: %v", out)
	}
	r = c.chat("o2", map[string]string{"text": "tôi ở phường 7, đăng ký kết hôn ở đâu"})
	if text := replyText(r); !strings.Contains(text, "Trung tâm Phục vụ hành chính công phường An Bình") || strings.Contains(text, "dữ liệu mẫu") {
		t.Fatalf("desk after import: %s", text)
	}
}
