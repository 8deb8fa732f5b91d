// Package deploy holds the compose file for running several dvcbot instances
// on a MongoDB replica set; this test keeps it in step with the configuration.
package deploy

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/dvcbot/dvcbot/internal/config"
)

// knownVariables are the environment variables config.FromEnv reads.
func knownVariables() map[string]bool {
	known := map[string]bool{}
	_, _ = config.FromEnv(func(name string) string { known[name] = true; return "" }, nil)
	return known
}

func TestComposeUsesOnlyVariablesConfigKnows(t *testing.T) {
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Build       any               `yaml:"build"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	known := knownVariables()
	instances := 0
	for name, s := range c.Services {
		if s.Build == nil {
			continue // not dvcbot
		}
		instances++
		for v, val := range s.Environment {
			if !known[v] {
				t.Errorf("service %s sets %s, which config does not read", name, v)
			}
			if v == "MONGODB_URI" && (!strings.Contains(val, "w=majority") || !strings.Contains(val, "replicaSet=")) {
				t.Errorf("service %s: MONGODB_URI %q must name the replica set and write concern majority", name, val)
			}
		}
		if s.Environment["MONGODB_URI"] == "" {
			t.Errorf("service %s runs on the embedded store: several instances need MONGODB_URI", name)
		}
	}
	if instances < 2 {
		t.Fatalf("%d dvcbot instances in compose.yaml, want at least 2", instances)
	}
}
