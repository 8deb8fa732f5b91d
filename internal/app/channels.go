package app

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/channel"
	"github.com/dvcbot/dvcbot/internal/config"
	"github.com/dvcbot/dvcbot/messenger"
	"github.com/dvcbot/dvcbot/web"
	"github.com/dvcbot/dvcbot/zalo"
)

// channelSet holds the channels on the shared adapter (Zalo OA, Messenger).
type channelSet struct {
	zalo      *zalo.Service
	messenger *messenger.Service
}

// addChannels builds the configured Zalo OA and Messenger channels with engine,
// registers their notification senders and closers, and returns their routes
// with the portal widget's.
func (a *App) addChannels(cfg config.Config, engine channel.Engine, log *slog.Logger) ([]func(*gin.Engine), error) {
	routes := []func(*gin.Engine){widgetRoutes(cfg.WidgetOrigins)}
	// Metered and limited per chat (DVCBOT_CHANNEL_LIMIT_PER_CHAT) as Telegram.
	engine = newChatLimitedEngine(meteredEngine{engine}, cfg.ChannelLimitPerChat)
	st := a.db.ChannelState()
	if cfg.ZaloEnabled() {
		z, err := zalo.New(zalo.Config{
			AppID: cfg.ZaloAppID, SecretKey: cfg.ZaloOASecretKey, AppSecret: cfg.ZaloAppSecret,
			AccessToken: cfg.ZaloAccessToken, RefreshToken: cfg.ZaloRefreshToken,
			APIEndpoint: cfg.ZaloAPIEndpoint, OAuthEndpoint: cfg.ZaloOAuthEndpoint,
			Engine: engine, Store: st, Tokens: st, Inbox: a.dispatcher, Log: log,
			RecoverAfter: telegramRecoverAfter(cfg), // the same rule as Telegram's for the backend
		})
		if err != nil {
			return nil, err
		}
		a.addCloser("zalo", z.Close)
		routes = append(routes, z.Routes())
		a.dispatcher.Senders[zalo.Channel] = z.DossierSender()
		a.channels.zalo = z
		log.Info("zalo channel enabled")
	}
	if cfg.MessengerEnabled() {
		m, err := messenger.New(messenger.Config{
			PageToken: cfg.MessengerPageToken, AppSecret: cfg.MessengerAppSecret, VerifyToken: cfg.MessengerVerifyToken,
			APIEndpoint: cfg.MessengerAPIEndpoint,
			Engine:      engine, Store: st, Inbox: a.dispatcher, Log: log,
			RecoverAfter: telegramRecoverAfter(cfg),
		})
		if err != nil {
			return nil, err
		}
		a.addCloser("messenger", m.Close)
		routes = append(routes, m.Routes())
		a.dispatcher.Senders[messenger.Channel] = m.DossierSender()
		a.channels.messenger = m
		log.Info("messenger channel enabled")
	}
	return routes, nil
}

// widgetRoutes serves the portal widget: the embed script and the chat page
// for its iframe, framable only by origins.
func widgetRoutes(origins []string) func(*gin.Engine) {
	script, frame := gin.WrapH(web.WidgetScript()), gin.WrapH(web.WidgetFrame(origins))
	return func(r *gin.Engine) {
		r.GET(web.WidgetScriptPath, script)
		r.HEAD(web.WidgetScriptPath, script)
		r.GET(web.WidgetFramePath, frame)
		r.HEAD(web.WidgetFramePath, frame)
	}
}

// start begins the channels' background work (parked events, token refresh).
func (c channelSet) start() {
	if c.zalo != nil {
		c.zalo.Start()
	}
	if c.messenger != nil {
		c.messenger.Start()
	}
}

// detail is the channels' state for /readyz: "ok", or what is wrong (a failed
// Zalo token refresh) without making the whole service unready.
func (c channelSet) detail(context.Context) map[string]string {
	d := map[string]string{}
	if c.zalo != nil {
		d["zalo"] = "ok"
		if err := c.zalo.Health(); err != nil {
			d["zalo"] = err.Error()
		}
	}
	if c.messenger != nil {
		d["messenger"] = "ok"
	}
	return d
}
