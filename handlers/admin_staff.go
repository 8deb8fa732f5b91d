package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
	"github.com/dvcbot/dvcbot/store"
)

// audit records a staff action; a failure is logged by gin, never blocks the action.
func audit(c *gin.Context, d AdminDeps, action, target, detail string) {
	if d.Reports == nil {
		return
	}
	if err := d.Reports.Record(c.Request.Context(), store.AuditEntry{At: d.Now().UTC(), Staff: staffOf(c).Name, Action: action, Target: target, Detail: detail}); err != nil {
		_ = c.Error(err)
	}
}

// staffRoutes are the staff workspace routes beyond the contract's minimum.
func staffRoutes(r *gin.Engine, d AdminDeps) {
	all := r.Group("/api/admin", requireRole(d.Auth, ""))
	all.GET("/me", func(c *gin.Context) {
		s := staffOf(c)
		c.JSON(http.StatusOK, gin.H{"id": s.ID, "name": s.Name, "roles": s.Roles})
	})

	ed := r.Group("/api/admin", requireRole(d.Auth, RoleEditor))
	ed.GET("/procedures", func(c *gin.Context) { listProcedures(c, d) })
	ed.GET("/procedures/:id", func(c *gin.Context) {
		p, err := d.Procedures.Get(c.Request.Context(), c.Param("id"))
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"procedure": p.Procedure, "revision": p.Revision, "deleted": p.Deleted, "origin": p.Origin, "updated_by": p.UpdatedBy})
	})
	ed.POST("/procedures/:id/restore", func(c *gin.Context) {
		var req struct {
			Revision int    `json:"revision"`
			Comment  string `json:"comment"`
		}
		if err := decodeJSON(c.Request.Body, &req); err != nil {
			writeError(c, err)
			return
		}
		if req.Revision < 1 {
			writeError(c, invalidf("revision must be a positive whole number"))
			return
		}
		id := c.Param("id")
		rev, err := d.Procedures.Restore(c.Request.Context(), id, req.Revision, staffOf(c).Name, req.Comment, d.Now())
		if err != nil {
			writeError(c, err)
			return
		}
		p, err := d.Procedures.Get(c.Request.Context(), id)
		if err != nil {
			writeError(c, err)
			return
		}
		if err := d.Index.Upsert(p.Procedure); err != nil {
			writeError(c, err)
			return
		}
		audit(c, d, "procedure.restore", id, fmt.Sprintf("revision %d restored as %d", req.Revision, rev))
		c.JSON(http.StatusOK, gin.H{"procedure": p.Procedure, "revision": rev})
	})
	ed.POST("/unanswered/resolve", func(c *gin.Context) {
		var req struct {
			Key         string `json:"key"`
			ProcedureID string `json:"procedure_id"`
		}
		if err := decodeJSON(c.Request.Body, &req); err != nil {
			writeError(c, err)
			return
		}
		ctx := c.Request.Context()
		cur, err := d.Procedures.Get(ctx, req.ProcedureID)
		if err != nil || cur.Deleted {
			writeError(c, fmt.Errorf("procedure %q: %w", req.ProcedureID, bot.ErrNotFound))
			return
		}
		items, err := d.Unanswered.SetStatus(ctx, req.Key, "resolved", req.ProcedureID)
		if err != nil {
			writeError(c, err)
			return
		}
		p := cur.Procedure
		p.Aliases = append(append([]string(nil), p.Aliases...), items.Text)
		rev := 0
		if err = p.Validate(); err == nil {
			rev, err = d.Procedures.Save(ctx, p, cur.Revision, staffOf(c).Name, "thêm tên gọi từ câu hỏi chưa trả lời được", d.Now())
		}
		if err != nil {
			// Nothing was added: the question goes back to the inbox.
			if _, rerr := d.Unanswered.SetStatus(ctx, req.Key, "open", ""); rerr != nil {
				_ = c.Error(rerr)
			}
			writeError(c, err)
			return
		}
		saved, err := d.Procedures.Get(ctx, p.ID)
		if err == nil {
			err = d.Index.Upsert(saved.Procedure)
		}
		if err != nil {
			writeError(c, err)
			return
		}
		audit(c, d, "unanswered.resolve", req.Key, "alias added to "+p.ID)
		c.JSON(http.StatusOK, gin.H{"procedure_id": p.ID, "revision": rev, "alias": items.Text})
	})
	ed.POST("/unanswered/ignore", func(c *gin.Context) {
		var req struct {
			Key string `json:"key"`
		}
		if err := decodeJSON(c.Request.Body, &req); err != nil {
			writeError(c, err)
			return
		}
		if _, err := d.Unanswered.SetStatus(c.Request.Context(), req.Key, "ignored", ""); err != nil {
			writeError(c, err)
			return
		}
		audit(c, d, "unanswered.ignore", req.Key, "")
		c.JSON(http.StatusOK, gin.H{"key": req.Key, "status": "ignored"})
	})
	ed.GET("/feedback", func(c *gin.Context) {
		items, err := d.Reports.FeedbackSummary(c.Request.Context())
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"items": items})
	})
	ed.GET("/stats", func(c *gin.Context) {
		days, err := strconv.Atoi(c.DefaultQuery("days", "30"))
		if err != nil || days < 1 || days > 366 {
			writeError(c, invalidf("days must be 1 to 366"))
			return
		}
		st, err := d.Reports.Stats(c.Request.Context(), d.Now().Add(-time.Duration(days)*24*time.Hour))
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, st)
	})
	ed.GET("/expansions", func(c *gin.Context) {
		list, ok, err := d.Procedures.Expansions(c.Request.Context())
		if err != nil {
			writeError(c, err)
			return
		}
		if !ok {
			if list, err = knowledge.LoadSeedExpansions(); err != nil {
				writeError(c, err)
				return
			}
		}
		c.JSON(http.StatusOK, gin.H{"expansions": list, "edited": ok})
	})
	ed.PUT("/expansions", func(c *gin.Context) {
		var req struct {
			Expansions []knowledge.Expansion `json:"expansions"`
		}
		if err := decodeJSON(c.Request.Body, &req); err != nil {
			writeError(c, err)
			return
		}
		for i := range req.Expansions {
			if err := req.Expansions[i].Validate(); err != nil {
				writeError(c, &knowledge.FieldError{Field: fmt.Sprintf("expansions[%d]", i), Msg: err.Error()})
				return
			}
		}
		if err := d.Procedures.SaveExpansions(c.Request.Context(), req.Expansions, staffOf(c).Name, d.Now()); err != nil {
			writeError(c, err)
			return
		}
		d.Index.SetExpansions(req.Expansions)
		audit(c, d, "expansions.update", "", fmt.Sprintf("%d entries", len(req.Expansions)))
		c.JSON(http.StatusOK, gin.H{"expansions": req.Expansions})
	})

	adm := r.Group("/api/admin", requireRole(d.Auth, RoleAdmin))
	adm.POST("/staff", func(c *gin.Context) {
		var req struct {
			Name  string   `json:"name"`
			Roles []string `json:"roles"`
		}
		if err := decodeJSON(c.Request.Body, &req); err != nil {
			writeError(c, err)
			return
		}
		req.Name = vntext.Clean(req.Name)
		if req.Name == "" || len([]rune(req.Name)) > 100 {
			writeError(c, &knowledge.FieldError{Field: "name", Msg: "is required (at most 100 characters)"})
			return
		}
		if len(req.Roles) == 0 {
			writeError(c, &knowledge.FieldError{Field: "roles", Msg: "needs at least one of admin, editor, dossier_operator, agent"})
			return
		}
		for _, role := range req.Roles {
			if role != RoleAdmin && role != RoleEditor && role != RoleDossierOperator && role != RoleAgent {
				writeError(c, &knowledge.FieldError{Field: "roles", Msg: fmt.Sprintf("%q is not admin, editor, dossier_operator or agent", role)})
				return
			}
		}
		m, token, err := d.Staff.Create(c.Request.Context(), req.Name, req.Roles, staffOf(c).Name, d.Now())
		if err != nil {
			writeError(c, err)
			return
		}
		audit(c, d, "staff.create", m.ID, req.Name+" "+strings.Join(req.Roles, ","))
		c.JSON(http.StatusCreated, gin.H{"id": m.ID, "token": token, "name": m.Name, "roles": m.Roles})
	})
	adm.GET("/staff", func(c *gin.Context) {
		list, err := d.Staff.List(c.Request.Context())
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"staff": list})
	})
	adm.DELETE("/staff/:id", func(c *gin.Context) {
		if err := d.Staff.Revoke(c.Request.Context(), c.Param("id"), d.Now()); err != nil {
			writeError(c, err)
			return
		}
		audit(c, d, "staff.revoke", c.Param("id"), "")
		c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "revoked": true})
	})
	adm.GET("/audit", func(c *gin.Context) {
		limit, _ := strconv.Atoi(c.DefaultQuery("limit", "100"))
		items, err := d.Reports.Audit(c.Request.Context(), limit)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"items": items})
	})
}
