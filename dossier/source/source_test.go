package source_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier/source"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// The contract's example file is valid; every problem of a wrong file is
// reported at once, each naming its field.
func TestParseConfig(t *testing.T) {
	example := `url: "http://igate.example.gov.vn/api/hoso?ma={code}"
method: GET
headers: {X-Api-Key: "${PROVINCE_API_KEY}"}
timeout: 3s
phone: whole
fields:
  code: data.maHoSo
  status: data.trangThai
  procedure_name: data.tenThuTuc
  applicant_name: data.chuHoSo
  applicant_phone: data.soDienThoai
  received_at: data.ngayTiepNhan
  due_at: data.ngayHenTra
statuses:
  "Đã tiếp nhận": received
  "Đang xử lý": processing
  "Đã trả kết quả": returned
not_found: {status: 404}
`
	cfg, err := source.Parse([]byte(example), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Headers["X-Api-Key"] != testAPIKey || cfg.Timeout != 3*time.Second || cfg.CacheTTL != 5*time.Minute || cfg.NotFound.Status[0] != 404 {
		t.Fatalf("parsed %+v", cfg)
	}
	if got := cfg.Redact("key=" + testAPIKey); got != "key=***" {
		t.Fatalf("Redact = %q", got)
	}

	// A missing environment variable is a start-up error naming the header and the variable.
	_, err = source.Parse([]byte(example), func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "headers.X-Api-Key: environment variable PROVINCE_API_KEY is not set") {
		t.Fatalf("missing variable: %v", err)
	}

	bad := `url: "ftp://x/{code}"
method: DELETE
headers: {Authorization: "Bearer abc123"}
timeout: 0s
phone: partial
fields:
  status: data.trangThai
  nickname: data.x
  due_at: data..ngay
statuses:
  "Đang xử lý": procesing
cache: -1s
breaker: {failures: 0}
recheck: {rate: 0}
`
	_, err = source.Parse([]byte(bad), testEnv)
	var ce *source.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("bad file: %v", err)
	}
	for _, want := range []string{"url: must be an http(s) URL", "method: must be GET or POST", "headers.Authorization: holds a secret",
		"timeout: must be", "phone: must be whole, masked or last4", "fields.nickname: is not a dossier field", "fields.due_at: must be a dotted path",
		"fields.applicant_phone: is required", `statuses["Đang xử lý"]: "procesing" is not one of`, "cache: must be", "breaker.failures: must be", "recheck.rate: must be"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
	if _, err := source.Parse([]byte(example+"colour: blue\n"), testEnv); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("unknown key: %v", err)
	}
	if _, err := source.Parse([]byte(strings.Replace(example, `{code}"`, `{code}&token=abc"`, 1)), testEnv); err == nil || !strings.Contains(err.Error(), "query parameter token holds a secret") {
		t.Fatalf("secret in the query: %v", err)
	}
	if _, err := source.Load("/nonexistent/source.yaml", testEnv); err == nil || !strings.Contains(err.Error(), "DVCBOT_DOSSIER_SOURCE /nonexistent/source.yaml: cannot read") {
		t.Fatalf("missing file: %v", err)
	}
}

// A normal answer is mapped field by field: status through the table (case
// and accents forgiven), dates in Vietnam time, the phone as given.
func TestFetchMapsTheAnswer(t *testing.T) {
	f := newFakeProvince(t)
	const code = "000.00.12.H57-241022-0001"
	f.set(code, provinceDossier(code, "đang xử lý", "0987 654 321"))
	src := newSource(t, f, "", nil)
	a := src.Ask(context.Background(), strings.ToLower(code))
	if a.Err != nil || a.Outcome != "ok" {
		t.Fatalf("ask: %v %s %v", a.Err, a.Outcome, a.Problems)
	}
	d := a.Dossier
	if d.Code != code || d.Status != "processing" || d.ApplicantName != "Nguyễn Thị Hoa" || d.ProcedureName != "Đăng ký khai sinh" || d.Agency != "UBND phường Hải Châu" || d.Origin != "source" {
		t.Fatalf("mapped %+v", d)
	}
	if d.ReceivedAt == nil || !d.ReceivedAt.Equal(time.Date(2024, 10, 22, 1, 30, 0, 0, time.UTC)) {
		t.Fatalf("received_at = %v, want 08:30 Vietnam time", d.ReceivedAt)
	}
	if d.DueAt == nil || !d.DueAt.Equal(time.Date(2024, 10, 25, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("due_at = %v", d.DueAt)
	}
	if len(a.Problems) != 0 || !strings.Contains(a.URL, "ma=000.00.12.H57-241022-0001") {
		t.Fatalf("problems %v, url %s", a.Problems, a.URL)
	}

	// A date in an unknown form drops that date only, reported.
	bad := provinceDossier(code, "Đã tiếp nhận", "0987654321")
	bad["ngayHenTra"] = "sau Tết"
	f.set(code, bad)
	a = src.Ask(context.Background(), code)
	if a.Err != nil || a.Dossier.DueAt != nil || a.Dossier.Status != "received" || len(a.Problems) != 1 || !strings.HasPrefix(a.Problems[0], "due_at:") {
		t.Fatalf("bad date: %v %+v %v", a.Err, a.Dossier, a.Problems)
	}

	// An answer for another dossier is never shown.
	f.set(code, provinceDossier("000.00.12.H57-241022-0002", "Đang xử lý", "0987654321"))
	if a = src.Ask(context.Background(), code); !errors.Is(a.Err, bot.ErrDossierUnavailable) || a.Outcome != "invalid" {
		t.Fatalf("another code: %v %s", a.Err, a.Outcome)
	}
}

// An unknown status value shows as processing with a note, and is logged
// and counted.
func TestFetchUnknownStatus(t *testing.T) {
	f := newFakeProvince(t)
	const code = "H57.22-241022-0015"
	f.set(code, provinceDossier(code, "Chờ phê duyệt cấp Sở", "0987654321"))
	src := newSource(t, f, "", nil)
	before := metricValue(obs.DossierSourceUnknownStatus)
	a := src.Ask(context.Background(), code)
	if a.Err != nil || a.Dossier.Status != "processing" || a.UnknownStatus != "Chờ phê duyệt cấp Sở" {
		t.Fatalf("unknown status: %v %+v", a.Err, a.Dossier)
	}
	if !strings.Contains(a.Dossier.Note, "“Chờ phê duyệt cấp Sở”") || !strings.Contains(a.Dossier.Note, "Đang xử lý") {
		t.Fatalf("note = %q", a.Dossier.Note)
	}
	if len(a.Problems) != 1 || !strings.HasPrefix(a.Problems[0], "status:") {
		t.Fatalf("problems = %v", a.Problems)
	}
	if got := metricValue(obs.DossierSourceUnknownStatus) - before; got != 1 {
		t.Fatalf("unknown status metric +%v, want +1", got)
	}
}

// The three phone modes: what is kept always ends in the digits citizens give.
func TestPhoneModes(t *testing.T) {
	f := newFakeProvince(t)
	const code = "H57.22-241022-0015"
	for _, tc := range []struct {
		mode, phone string
		ok          bool
	}{
		{"whole", "0987654321", true}, {"whole", "+84 987 654 321", true}, {"whole", "4321", false},
		{"masked", "098****4321", true}, {"masked", "******4321", true}, {"masked", "0987654***", false},
		{"last4", "4321", true}, {"last4", "21", false},
	} {
		f.set(code, provinceDossier(code, "Đang xử lý", tc.phone))
		src := newSource(t, f, "", nil)
		cfg := src.Config()
		cfg.Phone = tc.mode
		src = source.New(cfg, source.Options{Client: f.srv.Client()})
		a := src.Ask(context.Background(), code)
		if !tc.ok {
			if !errors.Is(a.Err, bot.ErrDossierUnavailable) || a.Outcome != "invalid" {
				t.Errorf("%s %q: %v %s, want an unusable answer", tc.mode, tc.phone, a.Err, a.Outcome)
			}
			continue
		}
		if a.Err != nil || !strings.HasSuffix(strings.ReplaceAll(a.Dossier.ApplicantPhone, " ", ""), "4321") {
			t.Errorf("%s %q: %v phone %q", tc.mode, tc.phone, a.Err, a.Dossier.ApplicantPhone)
		}
	}
	if got := source.MaskPhone("0987654321"); got != "*******321" {
		t.Fatalf("MaskPhone = %q", got)
	}
}

// "No such dossier" by HTTP status, and by a field of the answer.
func TestFetchNotFound(t *testing.T) {
	f := newFakeProvince(t)
	src := newSource(t, f, "", nil)
	if _, err := src.Fetch(context.Background(), "H57.22-241022-9999"); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("404: %v", err)
	}
	f.setMode("emptybody")
	bodyCfg := func(nf string) *source.HTTP {
		cfg, err := source.Parse([]byte(strings.Replace(sourceFile(f.srv.URL, ""), "not_found: {status: 404}", nf, 1)), testEnv)
		if err != nil {
			t.Fatal(err)
		}
		return source.New(cfg, source.Options{Client: f.srv.Client()})
	}
	if _, err := bodyCfg("not_found: {field: data}").Fetch(context.Background(), "H57.22-241022-9999"); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("data null: %v", err)
	}
	if _, err := bodyCfg(`not_found: {field: maLoi, equals: KHONG_TON_TAI}`).Fetch(context.Background(), "H57.22-241022-9999"); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("error code in the body: %v", err)
	}
	// Without a not_found rule for the body, {"data": null} is not taken for
	// "not found": the answer is unusable, and the citizen hears so.
	if _, err := src.Fetch(context.Background(), "H57.22-241022-9999"); !errors.Is(err, bot.ErrDossierUnavailable) || errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("data null without a rule: %v", err)
	}
}

// A slow answer is cut at the timeout and reported unavailable.
func TestFetchTimeout(t *testing.T) {
	f := newFakeProvince(t)
	const code = "H57.22-241022-0015"
	f.set(code, provinceDossier(code, "Đang xử lý", "0987654321"))
	f.setDelay(2 * time.Second)
	src := newSource(t, f, "", nil) // timeout: 300ms
	before := metricValue(obs.DossierSourceRequests.WithLabelValues("timeout"))
	start := time.Now()
	a := src.Ask(context.Background(), code)
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Fatalf("a slow answer took %v, want about the 300ms timeout", took)
	}
	if !errors.Is(a.Err, bot.ErrDossierUnavailable) || a.Outcome != "timeout" {
		t.Fatalf("slow: %v %s", a.Err, a.Outcome)
	}
	if metricValue(obs.DossierSourceRequests.WithLabelValues("timeout")) != before+1 {
		t.Fatal("timeout not counted")
	}
}

// A body that is not JSON is unavailable, never "not found".
func TestFetchMalformed(t *testing.T) {
	f := newFakeProvince(t)
	const code = "H57.22-241022-0015"
	f.set(code, provinceDossier(code, "Đang xử lý", "0987654321"))
	f.setMode("malformed")
	a := newSource(t, f, "", nil).Ask(context.Background(), code)
	if !errors.Is(a.Err, bot.ErrDossierUnavailable) || errors.Is(a.Err, bot.ErrNotFound) || a.Outcome != "malformed" {
		t.Fatalf("malformed: %v %s", a.Err, a.Outcome)
	}
}

// 5xx answers open the breaker after the configured failures; while open no
// request reaches the province; after the cooldown one probe goes, and its
// success closes the breaker (its failure opens it again).
func TestBreakerOpensAndClosesAgain(t *testing.T) {
	f := newFakeProvince(t)
	const code = "H57.22-241022-0015"
	f.set(code, provinceDossier(code, "Đang xử lý", "0987654321"))
	clock := &fakeClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	src := newSource(t, f, "breaker: {failures: 3, cooldown: 30s}\n", clock.Now)
	ctx := context.Background()
	f.setMode("down")
	for i := 0; i < 3; i++ {
		if a := src.Ask(ctx, code); a.Outcome != "http_5xx" || !errors.Is(a.Err, bot.ErrDossierUnavailable) {
			t.Fatalf("failure %d: %s %v", i+1, a.Outcome, a.Err)
		}
	}
	if s := src.Breaker().State(); s != source.Open {
		t.Fatalf("after 3 failures the breaker is %v", s)
	}
	if got := metricValue(obs.DossierSourceBreaker); got != 2 {
		t.Fatalf("breaker gauge = %v, want 2 (open)", got)
	}
	hits := f.hits.Load()
	for i := 0; i < 10; i++ {
		if a := src.Ask(ctx, code); a.Outcome != "breaker_open" || !errors.Is(a.Err, bot.ErrDossierUnavailable) {
			t.Fatalf("open: %s %v", a.Outcome, a.Err)
		}
	}
	if f.hits.Load() != hits {
		t.Fatal("requests reached the province while the breaker was open")
	}

	// The probe fails: open again for another cooldown.
	clock.Advance(31 * time.Second)
	if s := src.Breaker().State(); s != source.HalfOpen {
		t.Fatalf("after the cooldown: %v", s)
	}
	if a := src.Ask(ctx, code); a.Outcome != "http_5xx" {
		t.Fatalf("probe: %s", a.Outcome)
	}
	if a := src.Ask(ctx, code); a.Outcome != "breaker_open" {
		t.Fatalf("after a failed probe: %s", a.Outcome)
	}

	// The province is back: the next probe closes the breaker.
	f.setMode("")
	clock.Advance(31 * time.Second)
	if a := src.Ask(ctx, code); a.Err != nil {
		t.Fatalf("probe after recovery: %v", a.Err)
	}
	if s := src.Breaker().State(); s != source.Closed {
		t.Fatalf("after a good probe: %v", s)
	}
	if got := metricValue(obs.DossierSourceBreaker); got != 0 {
		t.Fatalf("breaker gauge = %v, want 0", got)
	}
	for i := 0; i < 5; i++ {
		if a := src.Ask(ctx, code); a.Err != nil {
			t.Fatalf("closed again: %v", a.Err)
		}
	}
	// A "not found" is an answer: it never opens the breaker.
	for i := 0; i < 5; i++ {
		_, _ = src.Fetch(ctx, "H57.22-241022-9999")
	}
	if s := src.Breaker().State(); s != source.Closed {
		t.Fatalf("not-found answers opened the breaker: %v", s)
	}
}

// Only one probe goes while half-open; a caller who gives up does not count.
func TestBreakerHalfOpenLetsOneProbe(t *testing.T) {
	now := time.Unix(0, 0)
	b := &source.Breaker{Failures: 1, Cooldown: time.Second, Now: func() time.Time { return now }}
	done, ok := b.Allow()
	if !ok {
		t.Fatal("closed breaker refused")
	}
	done(source.Failure)
	if _, ok := b.Allow(); ok {
		t.Fatal("open breaker allowed")
	}
	now = now.Add(2 * time.Second)
	probe, ok := b.Allow()
	if !ok {
		t.Fatal("no probe after the cooldown")
	}
	if _, ok := b.Allow(); ok {
		t.Fatal("a second request during the probe")
	}
	probe(source.Ignore)
	probe, ok = b.Allow()
	if !ok {
		t.Fatal("no new probe after an ignored one")
	}
	probe(source.Success)
	if b.State() != source.Closed {
		t.Fatalf("state %v", b.State())
	}
}

// metricValue reads a counter or gauge.
func metricValue(c prometheus.Collector) float64 {
	ch := make(chan prometheus.Metric, 1)
	c.Collect(ch)
	var m dto.Metric
	if err := (<-ch).Write(&m); err != nil {
		panic(err)
	}
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}
