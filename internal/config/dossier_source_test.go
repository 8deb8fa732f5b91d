package config

import "testing"

// DVCBOT_DOSSIER_SOURCE is read, and the environment it came from is kept
// for the ${VAR} references of the file it names.
func TestDossierSourceSetting(t *testing.T) {
	env := map[string]string{"DVCBOT_DOSSIER_SOURCE": "/etc/dvcbot/dossier-source.yaml", "PROVINCE_API_KEY": "k"}
	c, err := FromEnv(func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DossierSource != "/etc/dvcbot/dossier-source.yaml" || c.Getenv == nil || c.Getenv("PROVINCE_API_KEY") != "k" {
		t.Fatalf("config %+v", c)
	}
	if c, _ := FromEnv(func(string) string { return "" }, nil); c.DossierSource != "" {
		t.Fatalf("default DossierSource = %q", c.DossierSource)
	}
}
