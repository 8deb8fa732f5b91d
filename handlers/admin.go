package handlers

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/store"
)

// Staff roles.
const (
	RoleAdmin           = "admin"
	RoleEditor          = "editor"
	RoleDossierOperator = "dossier_operator"
)

// Staff is an authenticated staff member.
type Staff struct {
	ID    string
	Name  string
	Roles []string
}

// Has reports whether s may act in role (admin may do everything).
func (s Staff) Has(role string) bool {
	for _, r := range s.Roles {
		if r == role || r == RoleAdmin {
			return true
		}
	}
	return false
}

// Authenticator resolves a bearer token to a staff member, or returns an error
// wrapping bot.ErrUnauthorized.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (Staff, error)
}

// BootstrapAuth accepts only the operator's bootstrap token, as an admin. With an
// empty token it refuses everything.
type BootstrapAuth struct{ Token string }

// Authenticate compares in constant time.
func (b BootstrapAuth) Authenticate(_ context.Context, token string) (Staff, error) {
	if b.Token == "" || token == "" {
		return Staff{}, fmt.Errorf("%w: a valid staff token is required", bot.ErrUnauthorized)
	}
	x, y := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(b.Token))
	if subtle.ConstantTimeCompare(x[:], y[:]) != 1 {
		return Staff{}, fmt.Errorf("%w: invalid staff token", bot.ErrUnauthorized)
	}
	return Staff{ID: "bootstrap", Name: "bootstrap admin", Roles: []string{RoleAdmin}}, nil
}

// requireRole authenticates the bearer token and checks the role: 401 without a
// valid token, 403 without the role.
func requireRole(auth Authenticator, role string) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			writeError(c, fmt.Errorf("%w: send Authorization: Bearer <token>", bot.ErrUnauthorized))
			return
		}
		s, err := auth.Authenticate(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			writeError(c, err)
			return
		}
		if role != "" && !s.Has(role) {
			writeError(c, fmt.Errorf("%w: the %s role is required", bot.ErrForbidden, role))
			return
		}
		c.Set("staff", s)
		c.Next()
	}
}

func staffOf(c *gin.Context) Staff {
	s, _ := c.Get("staff")
	st, _ := s.(Staff)
	return st
}

// KnowledgeAdmin is what staff procedure edits need.
type KnowledgeAdmin interface {
	Get(ctx context.Context, id string) (store.StoredProcedure, error)
	List(ctx context.Context) ([]store.ProcedureSummary, error)
	Save(ctx context.Context, p knowledge.Procedure, expectRevision int, by, comment string, now time.Time) (int, error)
	Withdraw(ctx context.Context, id string, expectRevision int, by, comment string, now time.Time) (int, error)
	Restore(ctx context.Context, id string, revision int, by, comment string, now time.Time) (int, error)
	Revisions(ctx context.Context, id string) ([]store.Revision, error)
	Expansions(ctx context.Context) ([]knowledge.Expansion, bool, error)
	SaveExpansions(ctx context.Context, list []knowledge.Expansion, by string, now time.Time) error
}

// LiveIndex is the search index kept in step with edits.
type LiveIndex interface {
	Upsert(p knowledge.Procedure) error
	Delete(id string) error
	SetExpansions(list []knowledge.Expansion)
}

// UnansweredLister lists questions the bot could not answer and closes them.
type UnansweredLister interface {
	List(ctx context.Context, limit int) ([]store.UnansweredItem, error)
	SetStatus(ctx context.Context, key, status, resolvedTo string) (store.UnansweredItem, error)
}

// StaffAdmin manages staff members.
type StaffAdmin interface {
	Create(ctx context.Context, name string, roles []string, by string, now time.Time) (store.StaffMember, string, error)
	List(ctx context.Context) ([]store.StaffMember, error)
	Revoke(ctx context.Context, id string, now time.Time) error
}

// Reports are the staff's read-only views.
type Reports interface {
	Stats(ctx context.Context, since time.Time) (store.Stats, error)
	FeedbackSummary(ctx context.Context) ([]store.FeedbackSummary, error)
	Audit(ctx context.Context, limit int) ([]store.AuditEntry, error)
	Record(ctx context.Context, e store.AuditEntry) error
}

// DossierAdmin imports and reads dossiers and the lookup audit.
type DossierAdmin interface {
	Import(ctx context.Context, data []byte) (dossier.ImportResult, error)
	Get(ctx context.Context, code string) (dossier.Dossier, error)
	Lookups(ctx context.Context, limit int) ([]dossier.AuditRecord, error)
}

// AdminDeps are the staff API's services.
type AdminDeps struct {
	Auth       Authenticator
	Procedures KnowledgeAdmin
	Index      LiveIndex
	Unanswered UnansweredLister
	Dossiers   DossierAdmin
	Staff      StaffAdmin
	Reports    Reports
	Catalog    CatalogAdmin // nil: no catalogue routes
	Now        func() time.Time
}

// AdminRoutes serves /api/admin/... .
func AdminRoutes(d AdminDeps) func(*gin.Engine) {
	if d.Now == nil {
		d.Now = time.Now
	}
	return func(r *gin.Engine) {
		staffRoutes(r, d)
		catalogRoutes(r, d)
		reviewRoutes(r, d)
		editor := r.Group("/api/admin", requireRole(d.Auth, RoleEditor))
		editor.POST("/procedures", func(c *gin.Context) { saveProcedure(c, d, "") })
		editor.PUT("/procedures/:id", func(c *gin.Context) { saveProcedure(c, d, c.Param("id")) })
		editor.DELETE("/procedures/:id", func(c *gin.Context) {
			expect, err := revisionParam(c)
			if err != nil {
				writeError(c, err)
				return
			}
			rev, err := d.Procedures.Withdraw(c.Request.Context(), c.Param("id"), expect, staffOf(c).Name, c.Query("comment"), d.Now())
			if err != nil {
				writeError(c, err)
				return
			}
			if err := d.Index.Delete(c.Param("id")); err != nil {
				writeError(c, err)
				return
			}
			audit(c, d, "procedure.withdraw", c.Param("id"), fmt.Sprintf("revision %d", rev))
			c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "revision": rev, "deleted": true})
		})
		editor.GET("/procedures/:id/revisions", func(c *gin.Context) {
			revs, err := d.Procedures.Revisions(c.Request.Context(), c.Param("id"))
			if err != nil {
				writeError(c, err)
				return
			}
			c.JSON(http.StatusOK, gin.H{"revisions": revs})
		})
		editor.GET("/unanswered", func(c *gin.Context) {
			limit, _ := strconv.Atoi(c.DefaultQuery("limit", "100"))
			items, err := d.Unanswered.List(c.Request.Context(), limit)
			if err != nil {
				writeError(c, err)
				return
			}
			c.JSON(http.StatusOK, gin.H{"items": items})
		})

		ops := r.Group("/api/admin/dossiers", requireRole(d.Auth, RoleDossierOperator))
		ops.POST("", func(c *gin.Context) {
			data, err := io.ReadAll(c.Request.Body)
			if err != nil {
				writeError(c, err)
				return
			}
			res, err := d.Dossiers.Import(c.Request.Context(), data)
			if err != nil {
				writeError(c, err)
				return
			}
			audit(c, d, "dossiers.import", "", fmt.Sprintf("upserted %d, rejected %d", res.Upserted, len(res.Rejected)))
			c.JSON(http.StatusOK, res)
		})
		ops.GET("/lookups", func(c *gin.Context) {
			limit, _ := strconv.Atoi(c.DefaultQuery("limit", "100"))
			items, err := d.Dossiers.Lookups(c.Request.Context(), limit)
			if err != nil {
				writeError(c, err)
				return
			}
			c.JSON(http.StatusOK, gin.H{"items": items})
		})
		ops.GET("/:code", func(c *gin.Context) {
			dsr, err := d.Dossiers.Get(c.Request.Context(), c.Param("code"))
			if err != nil {
				writeError(c, err)
				return
			}
			c.JSON(http.StatusOK, dsr)
		})
	}
}

// revisionParam reads the optional expected revision (?revision=N or If-Match).
func revisionParam(c *gin.Context) (int, error) {
	v := c.Query("revision")
	if v == "" {
		v = strings.Trim(c.GetHeader("If-Match"), `"`)
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, invalidf("revision must be a positive whole number")
	}
	return n, nil
}

// saveProcedure creates (id == "") or replaces a procedure. A replace without a
// revision applies to the current one; with ?revision=N (or If-Match) a stale
// number is a 409.
func saveProcedure(c *gin.Context, d AdminDeps, id string) {
	p, err := knowledge.DecodeJSON(c.Request.Body)
	if err != nil {
		writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	expect := 0
	if id != "" {
		if p.ID == "" {
			p.ID = id
		}
		if p.ID != id {
			writeError(c, &knowledge.FieldError{Field: "id", Msg: fmt.Sprintf("is %q but the URL says %q", p.ID, id)})
			return
		}
		if expect, err = revisionParam(c); err != nil {
			writeError(c, err)
			return
		}
		if expect == 0 {
			cur, err := d.Procedures.Get(ctx, id)
			if err != nil {
				writeError(c, err)
				return
			}
			expect = cur.Revision
		}
	}
	rev, err := d.Procedures.Save(ctx, p, expect, staffOf(c).Name, c.Query("comment"), d.Now())
	if err != nil {
		writeError(c, err)
		return
	}
	saved, err := d.Procedures.Get(ctx, p.ID)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := d.Index.Upsert(saved.Procedure); err != nil {
		writeError(c, err)
		return
	}
	status, action := http.StatusOK, "procedure.update"
	if id == "" {
		status, action = http.StatusCreated, "procedure.create"
	}
	audit(c, d, action, p.ID, fmt.Sprintf("revision %d", rev))
	c.JSON(status, gin.H{"procedure": saved.Procedure, "revision": rev})
}
