// Package app wires dvcbot's parts together: store, knowledge base, search index,
// engine, channels and the HTTP server. cmd/dvcbot and the end-to-end tests use it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/handlers"
	"github.com/dvcbot/dvcbot/handoff"
	"github.com/dvcbot/dvcbot/internal/config"
	"github.com/dvcbot/dvcbot/internal/datadir"
	"github.com/dvcbot/dvcbot/internal/obs"
	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/search"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/telegram"
	"github.com/dvcbot/dvcbot/web"
)

// App is a running dvcbot: open store, loaded index, HTTP handler, workers.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	db      *store.DB
	sweeper *store.Sweeper
	handler http.Handler
	index   *search.Index
	kb      *kbSync
	engine  *bot.Engine

	dossierRepo *store.Dossiers
	dossiers    *dossier.Service
	dispatcher  *dossier.Dispatcher
	telegram    *telegram.Service
	channels    channelSet // Zalo OA and Messenger on the shared adapter
	handoff     *handoff.Service

	closers   []closer // stopped in reverse order by Close
	closeOnce sync.Once
}

// New opens the store, loads what the service needs and builds the HTTP handler.
// Nothing listens yet; Serve does that.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	log = obs.WithContextIDs(log)
	a := &App{cfg: cfg, log: log}
	stopTracing, err := obs.StartTracing(ctx, cfg.TraceEndpoint, cfg.Addr)
	if err != nil {
		return nil, err
	}
	if cfg.TraceEndpoint != "" {
		log.Info("tracing on", "endpoint", cfg.TraceEndpoint)
	}
	dsrc, err := dossierSource(cfg, log) // checked before anything starts
	if err != nil {
		return nil, err
	}
	a.addCloser("tracing", stopTracing)
	if cfg.MongoURI == "" {
		// The embedded store has one owner: a second process would keep its own
		// in-memory state over the same files.
		lock, err := datadir.Acquire(cfg.DataDir, "dvcbot")
		if err != nil {
			return nil, err
		}
		a.addCloser("data dir lock", func(context.Context) error { return lock.Release() })
	}
	db, err := store.Open(ctx, store.Options{URI: cfg.MongoURI, Database: cfg.MongoDatabase, DataDir: cfg.DataDir, FullSync: cfg.StoreFullSync, Logger: log})
	if err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	a.db = db
	warnSharedFerretDB(ctx, cfg, db, log)
	a.addCloser("store", db.Close)
	a.sweeper = db.NewSweeper(time.Minute)
	a.sweeper.Start()
	a.addCloser("sweeper", func(context.Context) error { a.sweeper.Stop(); return nil })

	if cfg.SeedImport {
		if err := importSeed(ctx, db.Procedures(), log, time.Now()); err != nil {
			_ = a.Close(context.Background())
			return nil, err
		}
	}
	exp, err := knowledge.LoadSeedExpansions()
	if err != nil {
		_ = a.Close(context.Background())
		return nil, fmt.Errorf("load expansion dictionary: %w", err)
	}
	a.index, err = search.New(exp)
	if err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	if err := a.index.SetSeedReaders(); err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	a.addCloser("search index", func(context.Context) error { return a.index.Close() })
	a.kb = &kbSync{procs: db.Procedures(), index: a.index, log: log}
	if err := a.kb.reload(ctx); err != nil {
		_ = a.Close(context.Background())
		return nil, fmt.Errorf("build search index: %w", err)
	}
	a.kb.start(3 * time.Second)
	a.addCloser("knowledge sync", a.kb.close)
	log.Info("search index ready", "procedures", a.index.Len())

	a.dossierRepo = db.NewDossiers()
	if err := a.dossierRepo.Load(ctx); err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	a.dossiers = &dossier.Service{Repo: a.dossierRepo, Guards: db.Guards(), Audit: db.LookupAudit(), Outbox: db.Outbox(), Log: log}
	a.wireDossierSource(dsrc, log)
	a.dispatcher = &dossier.Dispatcher{Queue: db.Outbox(), Senders: map[string]dossier.Sender{}, Log: log}

	var dossierRe *regexp.Regexp
	if cfg.DossierPattern != "" {
		dossierRe = regexp.MustCompile(cfg.DossierPattern) // validated with the configuration
	}
	offs, err := openOffices(ctx, db, log)
	if err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	a.handoff, err = newHandoff(cfg, db, a)
	if err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	a.engine, err = bot.New(bot.Config{
		DossierPattern: dossierRe,
		Searcher:       timedSearcher{a.index.Ranker()},
		Normalizer:     a.index,
		Topics:         a.index,
		Scope:          a.index,
		Guides:         a.index,
		Sections:       a.index,
		Procedures:     a.index,
		Sessions:       timedSessions{db.Sessions()},
		Unanswered:     newCappedUnanswered(db.Unanswered()),
		Feedback:       db.Feedback(),
		Dossiers:       a.dossiers,
		Inbox:          a.dispatcher,
		Events:         timedEvents{db.Events()},
		Log:            log,
		Offices:        offs,
		Handoff:        a.handoff,
	})
	if err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}

	routes := []func(*gin.Engine){
		handlers.LimitedChatRoutes(meteredEngine{a.engine}, handlers.ChatLimits{PerIP: cfg.ChatLimitPerIP, PerSession: cfg.ChatLimitPerSession}),
		handlers.ProcedureRoutes(a.index),
		handlers.OfficeRoutes(handlers.OfficeDeps{
			Auth:    staffAuth{bootstrap: handlers.BootstrapAuth{Token: cfg.AdminToken}, staff: db.Staff()},
			Offices: offs,
			Reports: reports{db: db, title: a.procedureTitle},
		}),
		handlers.AdminRoutes(handlers.AdminDeps{
			Auth:       staffAuth{bootstrap: handlers.BootstrapAuth{Token: cfg.AdminToken}, staff: db.Staff()},
			Procedures: db.Procedures(),
			Index:      a.index,
			Unanswered: db.Unanswered(),
			Dossiers:   dossierAdmin{a.dossiers, a.dossierRepo, db.LookupAudit()},
			Staff:      db.Staff(),
			Reports:    reports{db: db, title: a.procedureTitle},
			Catalog:    catalogAdmin{procs: db.Procedures(), kb: a.kb, log: log},
		}),
		a.handoffRoutes(cfg),
	}
	if cfg.TelegramToken != "" {
		tg, err := telegram.New(telegram.Config{
			Token: cfg.TelegramToken, Secret: cfg.TelegramWebhookSecret, Endpoint: cfg.TelegramEndpoint(),
			Engine: newChatLimitedEngine(meteredEngine{a.engine}, cfg.ChannelLimitPerChat), Store: db.TelegramUpdates(), Log: log,
			RecoverAfter: telegramRecoverAfter(cfg),
		})
		if err != nil {
			_ = a.Close(context.Background())
			return nil, err
		}
		a.addCloser("telegram", tg.Close)
		routes = append(routes, tg.Routes())
		a.dispatcher.Senders[bot.ChannelTelegram] = tg.DossierSender()
		a.telegram = tg
		log.Info("telegram channel enabled", "polling", cfg.TelegramPolling)
	}
	chRoutes, err := a.addChannels(cfg, a.engine, log)
	if err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	routes = append(routes, chRoutes...)

	a.handler = handlers.NewRouter(handlers.Options{
		Log:            log,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		Ready:          a.ready,
		ReadyDetail:    a.channels.detail,
		Index:          web.Index(),
		Static:         web.Static(),
		Admin:          web.Admin(),
		Routes:         routes,
		Metrics:        publicMetrics(cfg),
		TrustedProxies: cfg.TrustedProxies,
	})
	a.dispatcher.Start()
	a.addCloser("notification dispatcher", a.dispatcher.Stop)
	a.channels.start()
	if a.telegram != nil {
		a.telegram.Start()
		if cfg.TelegramPolling {
			pctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				if err := a.telegram.Poll(pctx); err != nil && !errors.Is(err, context.Canceled) {
					log.Error("telegram polling stopped", "err", err)
				}
			}()
			a.addCloser("telegram polling", func(context.Context) error { cancel(); <-done; return nil })
		}
	}
	return a, nil
}

// Handler is the HTTP handler of the service.
func (a *App) Handler() http.Handler { return a.handler }

// DB is the open store.
func (a *App) DB() *store.DB { return a.db }

func (a *App) ready(ctx context.Context) error {
	if err := a.db.Ping(ctx); err != nil {
		return err
	}
	if !a.kb.Loaded() || a.index.Len() == 0 {
		return errors.New("search index not loaded")
	}
	return nil
}

func (a *App) procedureTitle(id string) string {
	if p, err := a.index.Procedure(context.Background(), id); err == nil {
		return p.Title
	}
	return ""
}

// Engine is the dialogue engine.
func (a *App) Engine() *bot.Engine { return a.engine }

// Index is the search index.
func (a *App) Index() *search.Index { return a.index }

// Serve listens on ln until ctx ends, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish (within the shutdown timeout), stops
// the workers and closes the store. It returns nil after a clean shutdown.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	if a.cfg.OpsAddr != "" {
		octx, cancel := context.WithCancel(ctx)
		wait, err := serveOps(octx, a.cfg.OpsAddr, a.log)
		if err != nil {
			cancel()
			_ = a.Close(context.Background())
			return err
		}
		defer func() { cancel(); wait() }()
	}
	go func() { errc <- srv.Serve(ln) }()
	a.log.Info("listening", "addr", ln.Addr().String(), "embedded_store", a.db.Embedded())
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	a.log.Info("shutting down")
	start := time.Now()
	if err := srv.Shutdown(sctx); err != nil {
		a.log.Warn("http shutdown", "err", err, "dur_ms", time.Since(start).Milliseconds())
	} else {
		a.log.Debug("stopped", "part", "http server", "dur_ms", time.Since(start).Milliseconds())
	}
	cerr := a.Close(sctx)
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", serveErr)
	}
	return cerr
}

// closer is one part of the service that Close stops, named for the logs.
type closer struct {
	name string
	fn   func(context.Context) error
}

// slowStop is how long a part may take to stop before Close logs a warning.
const slowStop = 2 * time.Second

func (a *App) addCloser(name string, fn func(context.Context) error) {
	a.closers = append(a.closers, closer{name, fn})
}

// Close stops workers and closes the store, in reverse order of start. Safe to
// call more than once.
func (a *App) Close(ctx context.Context) error {
	var errs []error
	a.closeOnce.Do(func() {
		for i := len(a.closers) - 1; i >= 0; i-- {
			c := a.closers[i]
			start := time.Now()
			err := c.fn(ctx)
			took := time.Since(start)
			if err != nil {
				errs = append(errs, fmt.Errorf("stop %s: %w", c.name, err))
			}
			switch {
			case took > slowStop:
				a.log.Warn("slow stop", "part", c.name, "dur_ms", took.Milliseconds(), "err", err)
			default:
				a.log.Debug("stopped", "part", c.name, "dur_ms", took.Milliseconds(), "err", err)
			}
		}
	})
	return errors.Join(errs...)
}

// dossierAdmin joins the import service and the store's reads for the staff API.
type dossierAdmin struct {
	svc   *dossier.Service
	repo  *store.Dossiers
	audit *store.LookupAudit
}

func (d dossierAdmin) Lookups(ctx context.Context, limit int) ([]dossier.AuditRecord, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return d.audit.Recent(ctx, limit)
}

func (d dossierAdmin) Import(ctx context.Context, data []byte) (dossier.ImportResult, error) {
	return d.svc.Import(ctx, data)
}

// Get is the stored dossier, or else the province's system's answer (without
// history) when a dossier source is configured.
func (d dossierAdmin) Get(ctx context.Context, code string) (dossier.Dossier, error) {
	got, err := d.repo.Get(ctx, code)
	if errors.Is(err, bot.ErrNotFound) && d.svc.Source != nil {
		return d.svc.Source.Fetch(ctx, dossier.NormalizeCode(code))
	}
	return got, err
}
