package source_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/dossier/source"
)

// fakeProvince is a fake provincial one-stop system: GET /api/hoso?ma=CODE
// answers {"data": {...}} or 404, with switchable failures.
type fakeProvince struct {
	mu       sync.Mutex
	dossiers map[string]map[string]any
	mode     string        // "": normal; "down": 503; "malformed": an HTML page with 200; "emptybody": {"data": null} for unknown codes
	delay    time.Duration // every answer waits this long
	onHit    func(code string)
	hits     atomic.Int64
	srv      *httptest.Server
}

const testAPIKey = "k-0123456789"

func newFakeProvince(t testing.TB) *fakeProvince {
	f := &fakeProvince{dossiers: map[string]map[string]any{}}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeProvince) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	code := r.URL.Query().Get("ma")
	f.mu.Lock()
	mode, delay, onHit := f.mode, f.delay, f.onHit
	d, ok := f.dossiers[code]
	var body []byte
	if ok {
		body, _ = json.Marshal(map[string]any{"data": d, "success": true})
	}
	f.mu.Unlock()
	if onHit != nil {
		onHit(code)
	}
	if r.Header.Get("X-Api-Key") != testAPIKey {
		http.Error(w, `{"error":"bad key"}`, http.StatusUnauthorized)
		return
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case mode == "down":
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	case mode == "malformed":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>Hệ thống đang bảo trì</body></html>")
		return
	case !ok && mode == "emptybody":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data": null, "success": false, "maLoi": "KHONG_TON_TAI"}`)
		return
	case !ok:
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (f *fakeProvince) set(code string, d map[string]any) {
	f.mu.Lock()
	f.dossiers[code] = d
	f.mu.Unlock()
}

func (f *fakeProvince) setStatus(code, status string) {
	f.mu.Lock()
	d := map[string]any{}
	for k, v := range f.dossiers[code] {
		d[k] = v
	}
	d["trangThai"] = status
	f.dossiers[code] = d
	f.mu.Unlock()
}

func (f *fakeProvince) setMode(m string) {
	f.mu.Lock()
	f.mode = m
	f.mu.Unlock()
}

func (f *fakeProvince) setDelay(d time.Duration) {
	f.mu.Lock()
	f.delay = d
	f.mu.Unlock()
}

// provinceDossier is one dossier as the province's system writes it.
func provinceDossier(code, status, phone string) map[string]any {
	return map[string]any{
		"maHoSo": code, "trangThai": status, "tenThuTuc": "Đăng ký khai sinh",
		"chuHoSo": "Nguyễn Thị Hoa", "soDienThoai": phone,
		"ngayTiepNhan": "22/10/2024 08:30", "ngayHenTra": "2024-10-25T17:00:00+07:00",
		"coQuan": "UBND phường Hải Châu",
	}
}

// sourceFile is the mapping file for the fake province; extra is appended.
func sourceFile(url, extra string) string {
	return fmt.Sprintf(`url: "%s/api/hoso?ma={code}"
method: GET
headers: {X-Api-Key: "${PROVINCE_API_KEY}"}
timeout: 300ms
phone: whole
fields:
  code: data.maHoSo
  status: data.trangThai
  procedure_name: data.tenThuTuc
  applicant_name: data.chuHoSo
  applicant_phone: data.soDienThoai
  received_at: data.ngayTiepNhan
  due_at: data.ngayHenTra
  agency: data.coQuan
statuses:
  "Đã tiếp nhận": received
  "Đang xử lý": processing
  "Chờ bổ sung": supplement_required
  "Đã có kết quả": completed
  "Đã trả kết quả": returned
not_found: {status: 404}
%s`, url, extra)
}

func testEnv(name string) string {
	if name == "PROVINCE_API_KEY" {
		return testAPIKey
	}
	return ""
}

// newSource builds the HTTP source over f with the breaker's clock now.
func newSource(t testing.TB, f *fakeProvince, extra string, now func() time.Time) *source.HTTP {
	t.Helper()
	cfg, err := source.Parse([]byte(sourceFile(f.srv.URL, extra)), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	return source.New(cfg, source.Options{Client: f.srv.Client(), Now: now})
}

// memRepo is an in-memory dossier.Repo with the store's import semantics
// (history appended on a status change, subscribers kept, beforeWrite first).
type memRepo struct {
	mu sync.Mutex
	m  map[string]dossier.Dossier
}

func newMemRepo() *memRepo { return &memRepo{m: map[string]dossier.Dossier{}} }

func (r *memRepo) Get(_ context.Context, code string) (dossier.Dossier, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.m[code]
	if !ok {
		return d, fmt.Errorf("dossier: %w", bot.ErrNotFound)
	}
	return d, nil
}

func (r *memRepo) Import(_ context.Context, ds []dossier.Dossier, now time.Time, beforeWrite func(dossier.Dossier) error) (dossier.ImportStats, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var st dossier.ImportStats
	for _, d := range ds {
		prev, ok := r.m[d.Code]
		if !ok {
			d.History = []dossier.StatusChange{{Status: d.Status, At: now}}
			d.Version = 1
			r.m[d.Code] = d
			st.Created++
			continue
		}
		d.History, d.Subscribers, d.Version = prev.History, prev.Subscribers, prev.Version
		cmp1, cmp2 := prev, d
		cmp1.History, cmp1.Subscribers, cmp1.Version = nil, nil, 0
		cmp2.History, cmp2.Subscribers, cmp2.Version = nil, nil, 0
		if fmt.Sprint(cmp1) == fmt.Sprint(cmp2) {
			st.Unchanged++
			continue
		}
		if d.Status != prev.Status {
			d.History = append(append([]dossier.StatusChange(nil), prev.History...), dossier.StatusChange{Status: d.Status, At: now})
			st.StatusChanges++
			if beforeWrite != nil {
				if err := beforeWrite(d); err != nil {
					return st, err
				}
			}
		}
		d.Version++
		r.m[d.Code] = d
		st.Updated++
	}
	return st, nil
}

func (r *memRepo) AddSubscriber(_ context.Context, code string, s dossier.Subscriber) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.m[code]
	if !ok {
		return fmt.Errorf("dossier: %w", bot.ErrNotFound)
	}
	d.Subscribers = append(append([]dossier.Subscriber(nil), d.Subscribers...), s)
	r.m[code] = d
	return nil
}

func (r *memRepo) SourceSubscribed(context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for c, d := range r.m {
		if d.Origin == dossier.OriginSource && len(d.Subscribers) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// memGuards are expiring counters in memory.
type memGuards struct {
	mu sync.Mutex
	n  map[string]int64
	at map[string]time.Time
}

func newMemGuards() *memGuards { return &memGuards{n: map[string]int64{}, at: map[string]time.Time{}} }

func (g *memGuards) Incr(_ context.Context, key string, ttl time.Duration, now time.Time) (int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.at[key].After(now) {
		g.n[key], g.at[key] = 0, now.Add(ttl)
	}
	g.n[key]++
	return g.n[key], nil
}

func (g *memGuards) Count(_ context.Context, key string, now time.Time) (int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.at[key].After(now) {
		return 0, nil
	}
	return g.n[key], nil
}

func (g *memGuards) Set(_ context.Context, key string, ttl time.Duration, now time.Time) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n[key], g.at[key] = 1, now.Add(ttl)
	return nil
}

// memOutbox keeps notifications by id, as the store does (one per id).
type memOutbox struct {
	mu  sync.Mutex
	ids []string
	by  map[string]dossier.Notification
}

func (o *memOutbox) Enqueue(_ context.Context, n dossier.Notification, _ time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.by == nil {
		o.by = map[string]dossier.Notification{}
	}
	if _, dup := o.by[n.ID]; !dup {
		o.by[n.ID] = n
		o.ids = append(o.ids, n.ID)
	}
	return nil
}

func (o *memOutbox) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.ids)
}

// fakeClock is virtual time: Sleep moves it forward at once.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	if d > 0 {
		c.t = c.t.Add(d)
	}
	c.mu.Unlock()
}
