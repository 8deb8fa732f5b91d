// Command dvcbot runs the service: web chat, procedure API, Telegram webhook and
// staff API, on the embedded store unless MONGODB_URI is set.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dvcbot/dvcbot/internal/app"
	"github.com/dvcbot/dvcbot/internal/config"
	"github.com/dvcbot/dvcbot/internal/obs"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "dvcbot:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg, err := config.FromEnv(os.Getenv, args)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log := obs.NewLogger(os.Stderr, cfg.LogLevel, cfg.LogFormat)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	start := time.Now()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = a.Close(context.Background())
		return fmt.Errorf("listen on %s (set DVCBOT_ADDR to a free address): %w", cfg.Addr, err)
	}
	log.Info("ready", "startup_ms", time.Since(start).Milliseconds())
	return a.Serve(ctx, ln)
}
