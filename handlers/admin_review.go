package handlers

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/knowledge"
)

// staleGuide is a curated guide due for a review.
type staleGuide struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Field      string `json:"field"`
	ReviewedAt string `json:"reviewed_at"` // "" when never reviewed
	AgeDays    int    `json:"age_days"`    // days since the review (-1 when never reviewed)
}

// reviewRoutes serves GET /api/admin/review (editor): the curated guides in
// force that were never reviewed or not reviewed for `months` months (default
// 6), never-reviewed and oldest first, so staff know which facts to re-check.
func reviewRoutes(r *gin.Engine, d AdminDeps) {
	r.GET("/api/admin/review", requireRole(d.Auth, RoleEditor), func(c *gin.Context) { listStaleGuides(c, d) })
}

func listStaleGuides(c *gin.Context, d AdminDeps) {
	months, err := strconv.Atoi(c.DefaultQuery("months", "6"))
	if err != nil || months < 0 || months > 120 {
		writeError(c, invalidf("months must be a whole number from 0 to 120"))
		return
	}
	list, err := d.Procedures.List(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	now := d.Now()
	cutoff := now.AddDate(0, -months, 0)
	items := []staleGuide{}
	for _, p := range list {
		if p.Deleted || p.Kind == knowledge.KindOfficial {
			continue
		}
		g := staleGuide{ID: p.ID, Title: p.Title, Field: p.Field, ReviewedAt: p.ReviewedAt, AgeDays: -1}
		if t, err := time.Parse("2006-01-02", p.ReviewedAt); err == nil {
			if !t.Before(cutoff) {
				continue
			}
			g.AgeDays = int(now.Sub(t).Hours() / 24)
		}
		items = append(items, g)
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].AgeDays, items[j].AgeDays
		if (a < 0) != (b < 0) {
			return a < 0
		}
		return a > b
	})
	c.JSON(http.StatusOK, gin.H{"months": months, "items": items})
}
