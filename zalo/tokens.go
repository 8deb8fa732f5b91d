package zalo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
)

// refreshAhead is how long before expiry the access token is refreshed.
const refreshAhead = 30 * time.Minute

// tokenManager keeps the OA's tokens: the access token in force, refreshed
// ahead of expiry (and on a token error), each new single-use refresh token
// saved in the store (compare-and-set) before the old one is dropped. After a
// failed refresh it waits (1 minute, doubling to 30) before trying again, so it
// never loops, and health reports the failure.
type tokenManager struct {
	cfg   ClientConfig
	oauth string
	hc    *http.Client
	store channel.TokenStore
	log   *slog.Logger
	now   func() time.Time

	mu       sync.Mutex
	cur      channel.Tokens
	loaded   bool
	unsaved  bool // cur came from a refresh the store has not taken yet
	failErr  error
	failAt   time.Time
	nextTry  time.Time
	failures int

	stopc chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
}

func newTokenManager(cfg ClientConfig) *tokenManager {
	return &tokenManager{
		cfg: cfg, oauth: strings.TrimRight(cfg.OAuthEndpoint, "/"), hc: cfg.HTTPClient,
		store: cfg.Tokens, log: cfg.Log, now: cfg.Now, stopc: make(chan struct{}),
	}
}

// start refreshes ahead of expiry in the background, checking every minute,
// and adopts tokens another process saved.
func (m *tokenManager) start() {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			m.tick()
			select {
			case <-m.stopc:
				return
			case <-t.C:
			}
		}
	}()
}

func (m *tokenManager) stop() {
	m.once.Do(func() { close(m.stopc) })
	m.wg.Wait()
}

func (m *tokenManager) tick() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	t, err := m.current(ctx)
	if err != nil {
		return
	}
	m.adoptNewer(ctx)
	if !t.ExpiresAt.IsZero() && m.now().After(t.ExpiresAt.Add(-refreshAhead)) {
		_ = m.refresh(ctx, t.Access)
	}
}

// current returns the tokens in force, loading (or seeding) them first.
func (m *tokenManager) current(ctx context.Context) (channel.Tokens, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.loadLocked(ctx); err != nil {
		return channel.Tokens{}, err
	}
	return m.cur, nil
}

func (m *tokenManager) loadLocked(ctx context.Context) error {
	if m.unsaved {
		m.saveLocked(ctx, m.cur)
	}
	if m.loaded {
		return nil
	}
	t, err := m.store.Tokens(ctx, Channel)
	switch {
	case err == nil:
		m.cur, m.loaded = t, true
		return nil
	case !errors.Is(err, bot.ErrNotFound):
		return fmt.Errorf("zalo tokens: %w", err)
	case m.cfg.SeedAccess == "" && m.cfg.SeedRefresh == "":
		return errors.New("zalo: no tokens; set ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN or run dvcctl zalo token set")
	}
	saved, err := m.store.SaveTokens(ctx, Channel, 0, channel.Tokens{Access: m.cfg.SeedAccess, Refresh: m.cfg.SeedRefresh})
	if errors.Is(err, bot.ErrConflict) {
		saved, err = m.store.Tokens(ctx, Channel) // another process seeded first
	}
	if err != nil {
		return fmt.Errorf("zalo: seed tokens: %w", err)
	}
	m.cur, m.loaded = saved, true
	m.log.Info("zalo tokens taken from the configuration")
	return nil
}

// adoptNewer takes tokens a later save (another process, dvcctl) left in the store.
func (m *tokenManager) adoptNewer(ctx context.Context) {
	t, err := m.store.Tokens(ctx, Channel)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.unsaved && t.Version > m.cur.Version {
		m.cur = t
		m.failErr, m.failures, m.nextTry = nil, 0, time.Time{}
	}
}

// access returns the access token to call the API with.
func (m *tokenManager) access(ctx context.Context) (string, error) {
	t, err := m.current(ctx)
	if err != nil {
		return "", err
	}
	if t.Access == "" {
		return "", errors.New("zalo: no access token")
	}
	return t.Access, nil
}

// refresh replaces the access token stale (which the API refused or which is
// about to expire). It does nothing when another caller already replaced it,
// and fails at once while a previous failure's pause lasts.
func (m *tokenManager) refresh(ctx context.Context, stale string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.loadLocked(ctx); err != nil {
		return err
	}
	if m.cur.Access != stale {
		return nil
	}
	if t, err := m.store.Tokens(ctx, Channel); err == nil && t.Version > m.cur.Version && !m.unsaved {
		m.cur = t
		if t.Access != stale {
			return nil
		}
	}
	if m.now().Before(m.nextTry) {
		return fmt.Errorf("zalo token refresh paused after a failure at %s: %w", m.failAt.Format(time.RFC3339), m.failErr)
	}
	_, err := m.refreshLocked(ctx)
	return err
}

// refreshNow refreshes whatever the pause.
func (m *tokenManager) refreshNow(ctx context.Context) (channel.Tokens, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.loadLocked(ctx); err != nil {
		return channel.Tokens{}, err
	}
	if t, err := m.store.Tokens(ctx, Channel); err == nil && t.Version > m.cur.Version && !m.unsaved {
		m.cur = t
	}
	return m.refreshLocked(ctx)
}

func (m *tokenManager) refreshLocked(ctx context.Context) (channel.Tokens, error) {
	if m.cur.Refresh == "" {
		return channel.Tokens{}, m.failLocked(errors.New("no refresh token; run dvcctl zalo token set"))
	}
	t, err := m.exchange(ctx, m.cur.Refresh)
	if err != nil {
		return channel.Tokens{}, m.failLocked(err)
	}
	// The old refresh token is spent now: the new pair must reach the store.
	t.Version = m.cur.Version
	m.cur = t
	m.unsaved = true
	m.saveLocked(ctx, t)
	m.failErr, m.failures, m.nextTry = nil, 0, time.Time{}
	m.log.Info("zalo access token refreshed", "expires_at", t.ExpiresAt.Format(time.RFC3339), "saved", !m.unsaved)
	return m.cur, nil
}

// saveLocked writes t over the version it replaces (or, when another process
// saved meanwhile, over the newest: t is the only valid pair now). On a store
// failure t stays in memory, marked unsaved, and is saved on the next use.
func (m *tokenManager) saveLocked(ctx context.Context, t channel.Tokens) {
	prev := t.Version
	for range 3 {
		saved, err := m.store.SaveTokens(ctx, Channel, prev, t)
		if err == nil {
			m.cur, m.unsaved = saved, false
			return
		}
		if !errors.Is(err, bot.ErrConflict) {
			m.log.Error("ZALO REFRESH TOKEN NOT SAVED: the new token is only in memory; will retry on next use", "err", err)
			return
		}
		latest, lerr := m.store.Tokens(ctx, Channel)
		if lerr != nil {
			if errors.Is(lerr, bot.ErrNotFound) {
				prev = 0
				continue
			}
			m.log.Error("ZALO REFRESH TOKEN NOT SAVED", "err", lerr)
			return
		}
		prev = latest.Version
	}
	m.log.Error("ZALO REFRESH TOKEN NOT SAVED: concurrent saves kept winning")
}

func (m *tokenManager) failLocked(err error) error {
	m.failures++
	m.failErr, m.failAt = err, m.now()
	pause := min(time.Minute<<(m.failures-1), 30*time.Minute)
	m.nextTry = m.failAt.Add(pause)
	m.log.Error("ZALO TOKEN REFRESH FAILED: the OA cannot send until it succeeds; check ZALO_APP_ID/ZALO_OA_SECRET_KEY or set new tokens with dvcctl zalo token set",
		"err", err, "failures", m.failures, "next_try", m.nextTry.Format(time.RFC3339))
	return fmt.Errorf("zalo token refresh: %w", err)
}

// health is nil while the tokens are usable.
func (m *tokenManager) health() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.failErr != nil:
		return fmt.Errorf("token refresh failed at %s (%d in a row): %v", m.failAt.Format(time.RFC3339), m.failures, m.failErr)
	case m.unsaved:
		return errors.New("refreshed token not saved in the store yet")
	case m.loaded && m.cur.Access == "":
		return errors.New("no access token")
	}
	return nil
}

// oauthAnswer is the OAuth server's answer; expires_in comes as a string.
type oauthAnswer struct {
	AccessToken  string          `json:"access_token"`
	RefreshToken string          `json:"refresh_token"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
	Error        int             `json:"error"`
	ErrorName    string          `json:"error_name"`
	ErrorDesc    string          `json:"error_description"`
}

// exchange calls POST {oauth}/v4/oa/access_token with the refresh token.
func (m *tokenManager) exchange(ctx context.Context, refresh string) (channel.Tokens, error) {
	form := url.Values{"app_id": {m.cfg.AppID}, "refresh_token": {refresh}, "grant_type": {"refresh_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.oauth+"/v4/oa/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		return channel.Tokens{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	secret := m.cfg.AppSecret
	if secret == "" {
		secret = m.cfg.SecretKey
	}
	req.Header.Set("secret_key", secret)
	resp, err := m.hc.Do(req)
	if err != nil {
		return channel.Tokens{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var a oauthAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return channel.Tokens{}, fmt.Errorf("HTTP %d, unreadable answer", resp.StatusCode)
	}
	if a.Error != 0 || a.AccessToken == "" || a.RefreshToken == "" {
		return channel.Tokens{}, fmt.Errorf("HTTP %d, error %d %s: %s", resp.StatusCode, a.Error, a.ErrorName, a.ErrorDesc)
	}
	secs, _ := strconv.ParseInt(strings.Trim(string(a.ExpiresIn), `" `), 10, 64)
	if secs <= 0 {
		secs = 3600
	}
	return channel.Tokens{Access: a.AccessToken, Refresh: a.RefreshToken, ExpiresAt: m.now().Add(time.Duration(secs) * time.Second)}, nil
}
