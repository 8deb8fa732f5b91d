package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/internal/config"
	"github.com/dvcbot/dvcbot/knowledge/catalog/catalogtest"
)

// TestSecondInstanceFollowsEdits runs two instances on one database (the second
// connects to the first one's server over MONGODB_URI, taking the external-store
// code paths) and checks that an edit made through one is searchable on the
// other within a few seconds.
// startTwoInstances runs instance A on its own embedded store and instance B
// on A's database over MONGODB_URI (the external-store code paths), both with
// the bootstrap admin token; adjust changes both configurations. A stops
// after B.
func startTwoInstances(t *testing.T, adjust func(*config.Config)) (baseA, baseB string) {
	t.Helper()
	cfgA := testConfig(t, t.TempDir())
	cfgA.AdminToken = adminToken
	if adjust != nil {
		adjust(&cfgA)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := New(ctx, cfgA, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	lnA, _ := net.Listen("tcp", "127.0.0.1:0")
	doneA := make(chan error, 1)
	go func() { doneA <- a.Serve(ctx, lnA) }()
	// Registered first, so it runs last: A (which hosts the store) stops after B.
	t.Cleanup(func() {
		cancel()
		if err := <-doneA; err != nil {
			t.Errorf("instance A shutdown: %v", err)
		}
	})
	cfgB := testConfig(t, t.TempDir())
	cfgB.MongoURI = a.DB().EmbeddedURI()
	cfgB.SeedImport = false
	cfgB.AdminToken = adminToken
	if adjust != nil {
		adjust(&cfgB)
	}
	baseB, _ = startApp(t, cfgB)
	return "http://" + lnA.Addr().String(), baseB
}

func TestSecondInstanceFollowsEdits(t *testing.T) {
	baseA, baseB := startTwoInstances(t, nil)
	cA := client{t: t, base: baseA}

	_, p := cA.do("GET", "/api/procedures/cap-ho-chieu", "", "", nil)
	p["aliases"] = append(p["aliases"].([]any), "sổ thông hành màu xanh lá")
	delete(p, "updated_at")
	body, _ := json.Marshal(p)
	if code, out := cA.do("PUT", "/api/admin/procedures/cap-ho-chieu", adminToken, "application/json", body); code != 200 {
		t.Fatalf("edit on A = %d %v", code, out)
	}
	start := time.Now()
	for {
		resp, err := http.Get(baseB + "/api/procedures/search?q=so+thong+hanh+mau+xanh+la&limit=1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var res struct {
			Results []struct{ ID string } `json:"results"`
		}
		_ = json.Unmarshal(b, &res)
		if len(res.Results) > 0 && res.Results[0].ID == "cap-ho-chieu" {
			t.Logf("instance B follows the edit after %v", time.Since(start).Round(100*time.Millisecond))
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("instance B did not follow the edit: %s", b)
		}
		time.Sleep(200 * time.Millisecond)
	}
	cB := client{t: t, base: baseB}
	if r := cB.chat("b1", map[string]string{"text": "làm hộ chiếu mất bao lâu"}); r["procedure_id"] != "cap-ho-chieu" {
		t.Fatalf("chat on B: %v", r)
	}
	if r := cB.chat("b1", map[string]string{"text": "lệ phí bao nhiêu"}); r["section"] != "fees" {
		t.Fatalf("follow-up on B: %v", r)
	}
}

// TestSecondInstanceFollowsACatalogueImport: a catalogue imported through
// instance A (hundreds of records) reaches instance B's index by one rebuild,
// and every record is served there.
func TestSecondInstanceFollowsACatalogueImport(t *testing.T) {
	baseA, baseB := startTwoInstances(t, nil)
	var buf bytes.Buffer
	sum, err := catalogtest.Generate(&buf, catalogtest.Options{N: 150, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	cA := client{t: t, base: baseA}
	if code, out := cA.do("POST", "/api/admin/catalog?filename=c.jsonl", adminToken, "", buf.Bytes()); code != 200 {
		t.Fatalf("import on A = %d %v", code, out)
	}
	want := "tthc-" + strings.ReplaceAll(sum.Codes[len(sum.Codes)-1], ".", "-")
	start := time.Now()
	for {
		if code, _ := get(t, baseB+"/api/procedures/"+want); code == 200 {
			t.Logf("instance B serves the imported records after %v", time.Since(start).Round(100*time.Millisecond))
			return
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("instance B does not serve %s a minute after the import", want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
