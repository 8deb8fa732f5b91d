package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

const conversationsUsage = "conversations erase --chat CHANNEL:ID [--url URL]   erase a citizen's conversations, feedback and handoff data (audited)"

// cmdConversations erases what is kept about one citizen's chat, for a request
// under the personal data protection rules. With --url (or DVCBOT_URL) it goes
// through the running service's admin API with DVCBOT_ADMIN_TOKEN (needed
// while the service owns the embedded store); otherwise it opens the store.
func cmdConversations(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "erase" {
		return usagef("%s", conversationsUsage)
	}
	fs := flag.NewFlagSet("conversations erase", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	chat := fs.String("chat", "", "the chat as CHANNEL:ID, e.g. telegram:12345 or web:abc")
	url := fs.String("url", env.getenv("DVCBOT_URL"), "base URL of the running service (uses its admin API)")
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	channel, chatID, ok := strings.Cut(strings.TrimSpace(*chat), ":")
	if !ok || channel == "" || chatID == "" {
		return usagef("give the chat as --chat CHANNEL:ID, e.g. --chat telegram:12345")
	}
	var counts map[string]int64
	if *url != "" {
		var err error
		counts, err = eraseThroughAPI(ctx, strings.TrimRight(*url, "/"), env.getenv("DVCBOT_ADMIN_TOKEN"), *chat)
		if err != nil {
			return err
		}
	} else {
		db, err := openStore(ctx, env)
		if err != nil {
			return err
		}
		defer db.Close(context.Background())
		counts, err = db.EraseChat(ctx, channel, chatID, "dvcctl")
		if err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(env.stdout, "erased %s:%s\n", channel, chatID)
	for _, k := range keys {
		fmt.Fprintf(env.stdout, "  %s: %d\n", k, counts[k])
	}
	return nil
}

func eraseThroughAPI(ctx context.Context, base, token, chat string) (map[string]int64, error) {
	if token == "" {
		return nil, usagef("set DVCBOT_ADMIN_TOKEN (an admin token) to use --url")
	}
	body, _ := json.Marshal(map[string]string{"chat": chat})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/admin/privacy/erase", bytes.NewReader(body))
	if err != nil {
		return nil, usagef("bad url: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Erased map[string]int64 `json:"erased"`
		Error  string           `json:"error"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the service answered %d: %s", resp.StatusCode, out.Error)
	}
	return out.Erased, nil
}
