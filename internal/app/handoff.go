package app

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/handlers"
	"github.com/dvcbot/dvcbot/handoff"
	"github.com/dvcbot/dvcbot/internal/config"
	"github.com/dvcbot/dvcbot/internal/obs"
	"github.com/dvcbot/dvcbot/store"
)

// newHandoff builds the officers' desk from the configuration, and points the
// queue-depth and outbox-lag gauges at this store.
func newHandoff(cfg config.Config, db *store.DB, a *App) (*handoff.Service, error) {
	sched, err := handoff.ParseSchedule(cfg.OfficeHours, cfg.Holidays)
	if err != nil {
		return nil, fmt.Errorf("DVCBOT_OFFICE_HOURS / DVCBOT_HOLIDAYS: %w", err)
	}
	desk := &handoff.Service{Store: db.Conversations(), Outbox: db.Outbox(), Schedule: sched, Retention: cfg.HandoffRetention, Log: a.log}
	obs.SetHandoffWaiting(func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := desk.Waiting(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	obs.SetOutboxLag(func() map[string]float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		oldest, err := db.Outbox().OldestPending(ctx)
		if err != nil {
			return nil
		}
		out := map[string]float64{}
		for ch, t := range oldest {
			out[ch] = time.Since(t).Seconds()
		}
		return out
	})
	return desk, nil
}

// handoffRoutes serves the officers' console API.
func (a *App) handoffRoutes(cfg config.Config) func(*gin.Engine) {
	return handlers.HandoffRoutes(handlers.HandoffDeps{
		Auth:   staffAuth{bootstrap: handlers.BootstrapAuth{Token: cfg.AdminToken}, staff: a.db.Staff()},
		Desk:   a.handoff,
		Eraser: a.db,
		Agents: a.agents,
		Queues: a.queues,
	})
}

// agents are the staff who may hold conversations (role agent or admin).
func (a *App) agents(ctx context.Context) ([]handoff.Agent, error) {
	list, err := a.db.Staff().List(ctx)
	if err != nil {
		return nil, err
	}
	var out []handoff.Agent
	for _, m := range list {
		if m.Revoked {
			continue
		}
		for _, r := range m.Roles {
			if r == handlers.RoleAgent || r == handlers.RoleAdmin {
				out = append(out, handoff.Agent{ID: m.ID, Name: m.Name})
				break
			}
		}
	}
	return out, nil
}

// queues are the fields of the curated guides: a conversation waits in the
// field of the procedure the citizen asked about.
func (a *App) queues() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range a.index.All() {
		if p.Field != "" && !p.IsOfficial() && !seen[p.Field] {
			seen[p.Field] = true
			out = append(out, p.Field)
		}
	}
	sort.Strings(out)
	return out
}
