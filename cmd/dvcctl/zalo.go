package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
	"github.com/dvcbot/dvcbot/zalo"
)

// zaloUsage is the one-line usage of cmdZalo for the command table.
const zaloUsage = "zalo token set --access A --refresh R [--expires-in 90000] | info | refresh   Zalo OA tokens in the store"

// cmdZalo manages the Zalo OA's tokens in the store (the service keeps later
// ones there itself):
//
//	token set --access A --refresh R [--expires-in SECONDS]
//	    replaces the saved tokens (after authorising the OA anew);
//	token info     prints when they were saved and expire (never the tokens);
//	token refresh  exchanges the refresh token now (ZALO_APP_ID, ZALO_APP_SECRET
//	    or else ZALO_OA_SECRET_KEY, ZALO_OAUTH_ENDPOINT) and saves the new pair.
func cmdZalo(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) < 2 || args[0] != "token" {
		return usagef("zalo needs: token set, token info or token refresh")
	}
	sub, args := args[1], args[2:]
	fs := flag.NewFlagSet("zalo token "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	access := fs.String("access", "", "access token")
	refresh := fs.String("refresh", "", "refresh token")
	expiresIn := fs.Int("expires-in", 0, "seconds the access token is valid (0: unknown)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	switch sub {
	case "set", "info", "refresh":
	default:
		return usagef("unknown zalo token subcommand %q (set, info, refresh)", sub)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	st := db.ChannelState()
	cur, err := st.Tokens(ctx, zalo.Channel)
	if err != nil && !errors.Is(err, bot.ErrNotFound) {
		return err
	}
	switch sub {
	case "set":
		if strings.TrimSpace(*access) == "" || strings.TrimSpace(*refresh) == "" {
			return usagef("token set needs --access and --refresh")
		}
		t := channel.Tokens{Access: strings.TrimSpace(*access), Refresh: strings.TrimSpace(*refresh)}
		if *expiresIn > 0 {
			t.ExpiresAt = time.Now().Add(time.Duration(*expiresIn) * time.Second)
		}
		saved, err := st.SaveTokens(ctx, zalo.Channel, cur.Version, t)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "zalo tokens saved (version %d); running instances take them within a minute\n", saved.Version)
	case "info":
		if cur.Version == 0 {
			fmt.Fprintln(env.stdout, "no zalo tokens in the store (the service seeds them from ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN)")
			return nil
		}
		printZaloTokens(env.stdout, cur)
	case "refresh":
		appID, secret := strings.TrimSpace(env.getenv("ZALO_APP_ID")), strings.TrimSpace(env.getenv("ZALO_OA_SECRET_KEY"))
		appSecret := strings.TrimSpace(env.getenv("ZALO_APP_SECRET"))
		if appID == "" || (secret == "" && appSecret == "") {
			return errors.New("ZALO_APP_ID and ZALO_APP_SECRET (or ZALO_OA_SECRET_KEY) must be set")
		}
		c := zalo.NewClient(zalo.ClientConfig{AppID: appID, SecretKey: secret, AppSecret: appSecret, OAuthEndpoint: strings.TrimSpace(env.getenv("ZALO_OAUTH_ENDPOINT")),
			APIEndpoint: strings.TrimSpace(env.getenv("ZALO_API_ENDPOINT")), Tokens: st})
		t, err := c.Refresh(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.stdout, "zalo tokens refreshed and saved")
		printZaloTokens(env.stdout, t)
	}
	return nil
}

func printZaloTokens(w io.Writer, t channel.Tokens) {
	exp := "unknown"
	if !t.ExpiresAt.IsZero() {
		exp = t.ExpiresAt.Local().Format(time.RFC3339)
		if time.Now().After(t.ExpiresAt) {
			exp += " (expired)"
		}
	}
	fmt.Fprintf(w, "version:         %d\nsaved at:        %s\naccess expires:  %s\naccess token:    %s\nrefresh token:   %s\n",
		t.Version, t.SavedAt.Local().Format(time.RFC3339), exp, mask(t.Access), mask(t.Refresh))
}

// mask shows only the length and last four characters of a secret.
func mask(s string) string {
	if s == "" {
		return "(none)"
	}
	if len(s) <= 8 {
		return fmt.Sprintf("%d characters", len(s))
	}
	return fmt.Sprintf("…%s (%d characters)", s[len(s)-4:], len(s))
}
