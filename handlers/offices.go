package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/offices"
)

// OfficeAdmin is the office directory as the API needs it.
type OfficeAdmin interface {
	// Directory is the current directory (a few seconds stale at most).
	Directory(ctx context.Context) (*offices.Directory, error)
	// Upsert saves validated offices by id and returns how many were saved;
	// offices of the province replace the bundled sample.
	Upsert(ctx context.Context, list []offices.Office, now time.Time) (int, error)
	// Delete removes one office or returns an error wrapping bot.ErrNotFound.
	Delete(ctx context.Context, id string) error
}

// OfficeDeps are the office directory routes' services.
type OfficeDeps struct {
	Auth    Authenticator
	Offices OfficeAdmin
	Reports Reports // optional: staff actions are audited through it
	Now     func() time.Time
}

// officeHandlers serves the office directory.
type officeHandlers struct{ d OfficeDeps }

// OfficeRoutes serves GET /api/offices?commune=... (anyone) and, for editors,
// POST /api/admin/offices (JSON array or CSV → {"upserted", "rejected"}),
// GET /api/admin/offices and DELETE /api/admin/offices/:id.
func OfficeRoutes(d OfficeDeps) func(*gin.Engine) {
	if d.Now == nil {
		d.Now = time.Now
	}
	h := officeHandlers{d}
	return func(r *gin.Engine) {
		r.GET("/api/offices", h.serving)
		editor := r.Group("/api/admin/offices", requireRole(d.Auth, RoleEditor))
		editor.GET("", h.list)
		editor.POST("", h.importOffices)
		editor.DELETE("/:id", h.remove)
	}
}

// serving answers {"commune": name, "offices": [...]}: the offices serving the
// commune named in ?commune= (accents, abbreviations and former names
// aside), or every office without the parameter. An unknown commune gives an
// empty list.
func (h officeHandlers) serving(c *gin.Context) {
	dir, err := h.d.Offices.Directory(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	q, asked := c.GetQuery("commune")
	if !asked {
		c.JSON(http.StatusOK, gin.H{"offices": dir.Offices()})
		return
	}
	if len(q) > 200 {
		writeError(c, invalidf("commune: at most 200 bytes"))
		return
	}
	out := []offices.Office{}
	name := ""
	seen := map[string]bool{}
	for _, m := range dir.FindCommune(q) {
		if name == "" {
			name = m.Commune
		}
		for _, o := range dir.Serving(m.Commune) {
			if !seen[o.ID] {
				seen[o.ID] = true
				out = append(out, o)
			}
		}
	}
	c.JSON(http.StatusOK, gin.H{"commune": name, "offices": out})
}

func (h officeHandlers) list(c *gin.Context) {
	dir, err := h.d.Offices.Directory(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"offices": dir.Offices(), "communes": dir.Communes()})
}

// importOffices reads a JSON array or CSV; bad rows are rejected with reasons
// while good rows land.
func (h officeHandlers) importOffices(c *gin.Context) {
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		writeError(c, err)
		return
	}
	good, rejected, err := offices.Prepare(data)
	if errors.Is(err, offices.ErrMalformed) {
		writeError(c, invalidf("%v", err))
		return
	}
	if err != nil {
		writeError(c, err)
		return
	}
	n, err := h.d.Offices.Upsert(c.Request.Context(), good, h.d.Now())
	if err != nil {
		writeError(c, err)
		return
	}
	h.audit(c, "offices.import", "", fmt.Sprintf("upserted %d, rejected %d", n, len(rejected)))
	c.JSON(http.StatusOK, gin.H{"upserted": n, "rejected": rejected})
}

func (h officeHandlers) remove(c *gin.Context) {
	if err := h.d.Offices.Delete(c.Request.Context(), c.Param("id")); err != nil {
		writeError(c, err)
		return
	}
	h.audit(c, "offices.delete", c.Param("id"), "")
	c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "deleted": true})
}

func (h officeHandlers) audit(c *gin.Context, action, target, detail string) {
	audit(c, AdminDeps{Reports: h.d.Reports, Now: h.d.Now}, action, target, detail)
}
