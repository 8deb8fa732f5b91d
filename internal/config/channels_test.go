package config

import (
	"strings"
	"testing"
)

func TestChannelVariables(t *testing.T) {
	env := map[string]string{
		"ZALO_APP_ID": "123", "ZALO_OA_SECRET_KEY": "sk", "ZALO_APP_SECRET": "as", "ZALO_ACCESS_TOKEN": "a", "ZALO_REFRESH_TOKEN": "r",
		"ZALO_API_ENDPOINT": "http://127.0.0.1:1", "ZALO_OAUTH_ENDPOINT": "http://127.0.0.1:2",
		"MESSENGER_PAGE_TOKEN": "p", "MESSENGER_APP_SECRET": "s", "MESSENGER_VERIFY_TOKEN": "v", "MESSENGER_API_ENDPOINT": "http://127.0.0.1:3/v21.0",
		"DVCBOT_WIDGET_ORIGINS": "https://dichvucong.danang.gov.vn, http://localhost:3000/",
	}
	c, err := FromEnv(func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.ZaloEnabled() || !c.MessengerEnabled() || c.ZaloAppSecret != "as" || c.ZaloOAuthEndpoint != "http://127.0.0.1:2" || c.MessengerAPIEndpoint != "http://127.0.0.1:3/v21.0" {
		t.Fatalf("%+v", c)
	}
	if len(c.WidgetOrigins) != 2 || c.WidgetOrigins[1] != "http://localhost:3000" {
		t.Fatalf("origins %q", c.WidgetOrigins)
	}
	for name, bad := range map[string]map[string]string{
		"ZALO_OA_SECRET_KEY":     {"ZALO_APP_ID": "1"},
		"MESSENGER_VERIFY_TOKEN": {"MESSENGER_PAGE_TOKEN": "p"},
		"ZALO_APP_SECRET":        {"ZALO_APP_SECRET": "as"},
		"ZALO_API_ENDPOINT":      {"ZALO_APP_ID": "1", "ZALO_OA_SECRET_KEY": "s", "ZALO_API_ENDPOINT": "ftp://x"},
		"DVCBOT_WIDGET_ORIGINS":  {"DVCBOT_WIDGET_ORIGINS": "https://a.vn/path"},
	} {
		_, err := FromEnv(func(k string) string { return bad[k] }, nil)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
