package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// cmdStaff manages staff tokens: create NAME ROLE[,ROLE], list, revoke ID.
func cmdStaff(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("staff create NAME ROLES | list | revoke ID")
	}
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	st := db.Staff()
	switch args[0] {
	case "create":
		if len(args) != 3 {
			return usagef("staff create NAME ROLES (roles: admin, editor, dossier_operator, agent, comma-separated)")
		}
		roles := strings.Split(args[2], ",")
		for _, r := range roles {
			if r != "admin" && r != "editor" && r != "dossier_operator" && r != "agent" {
				return usagef("unknown role %q", r)
			}
		}
		m, token, err := st.Create(ctx, args[1], roles, "dvcctl", time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "id: %s\ntoken: %s\n(the token is shown only once)\n", m.ID, token)
	case "list":
		list, err := st.List(ctx)
		if err != nil {
			return err
		}
		for _, m := range list {
			state := "active"
			if m.Revoked {
				state = "revoked"
			}
			fmt.Fprintf(env.stdout, "%s\t%s\t%s\t%s\n", m.ID, m.Name, strings.Join(m.Roles, ","), state)
		}
	case "revoke":
		if len(args) != 2 {
			return usagef("staff revoke ID")
		}
		if err := st.Revoke(ctx, args[1], time.Now()); err != nil {
			return err
		}
		fmt.Fprintln(env.stdout, "revoked", args[1])
	default:
		return usagef("staff create NAME ROLES | list | revoke ID")
	}
	return nil
}
