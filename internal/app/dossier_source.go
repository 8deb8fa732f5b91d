package app

import (
	"log/slog"
	"os"

	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/dossier/source"
	"github.com/dvcbot/dvcbot/internal/config"
)

// dossierSource reads the province's dossier system from the file named by
// DVCBOT_DOSSIER_SOURCE; nil (and no error) when it is unset: the store only.
// The file is validated here, at start, with an error line per problem.
func dossierSource(cfg config.Config, log *slog.Logger) (*source.HTTP, error) {
	if cfg.DossierSource == "" {
		return nil, nil
	}
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	sc, err := source.Load(cfg.DossierSource, getenv)
	if err != nil {
		return nil, err
	}
	log.Info("dossier source enabled", "file", cfg.DossierSource, "url", sc.Redact(sc.URL), "timeout", sc.Timeout,
		"cache", sc.CacheTTL, "recheck_interval", sc.Recheck.Interval, "recheck_rate", sc.Recheck.Rate)
	return source.New(sc, source.Options{Log: log}), nil
}

// wireDossierSource puts src behind the dossier service (with the brief
// cache) and starts the notification re-check of subscribed dossiers.
func (a *App) wireDossierSource(src *source.HTTP, log *slog.Logger) {
	if src == nil {
		return
	}
	sc := src.Config()
	cached := &dossier.CachedSource{Source: src, TTL: sc.CacheTTL}
	a.dossiers.Source = cached
	rc := &dossier.Rechecker{Service: a.dossiers, Source: cached.Fresh(), List: a.dossierRepo,
		Rate: sc.Recheck.Rate, Interval: sc.Recheck.Interval, Log: log}
	rc.Start()
	a.addCloser("dossier re-check", rc.Stop)
}
