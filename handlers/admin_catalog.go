package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
	"github.com/dvcbot/dvcbot/store"
)

// CatalogAdmin imports official procedure catalogue files and lists the
// imports made.
type CatalogAdmin interface {
	// Import reads a catalogue from body and applies it (see catalog.Load);
	// errors wrap catalog.ErrMalformed or catalog.ErrUnknownFormat for a bad
	// file, or the body's error (*http.MaxBytesError over the limit).
	Import(ctx context.Context, body io.Reader, file string, format catalog.Format, by string) (catalog.Import, error)
	// Imports returns the most recent imports, newest first.
	Imports(ctx context.Context, limit int) ([]catalog.Import, error)
}

// catalogHandlers serve /api/admin/catalog (role editor).
type catalogHandlers struct{ d AdminDeps }

func catalogRoutes(r *gin.Engine, d AdminDeps) {
	if d.Catalog == nil {
		return
	}
	h := catalogHandlers{d: d}
	g := r.Group("/api/admin/catalog", requireRole(d.Auth, RoleEditor))
	g.POST("", h.importFile)
	g.GET("/imports", h.imports)
}

// importTimeout bounds the upload and the import of one catalogue file.
const importTimeout = 15 * time.Minute

// importResult is the answer to an upload: the contract's report plus what
// the import was.
type importResult struct {
	catalog.Report
	ID         string         `json:"id"`
	File       string         `json:"file,omitempty"`
	Format     catalog.Format `json:"format"`
	Rows       int            `json:"rows"`
	DurationMS int64          `json:"duration_ms"`
}

// importFile takes a catalogue file as the request body (or as the first file
// of a multipart form). Its type comes from the ?filename= extension, else the
// Content-Type, else its first bytes. 200 with the report (bad rows listed,
// good rows stored); 400 when the file cannot be read at all (nothing is
// stored); 413 over ImportBodyBytes; 415 for a type that is not a catalogue.
func (h catalogHandlers) importFile(c *gin.Context) {
	// A province's whole catalogue may take longer than the server's usual
	// read and write timeouts to upload and apply.
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetReadDeadline(time.Now().Add(importTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(importTimeout))
	body, file, contentType, err := uploadedFile(c)
	if err != nil {
		writeError(c, err)
		return
	}
	format, err := catalog.DetectFormat(file, contentType)
	if err != nil {
		writeError(c, err)
		return
	}
	imp, err := h.d.Catalog.Import(c.Request.Context(), body, file, format, staffOf(c).Name)
	if err != nil {
		writeError(c, err)
		return
	}
	rep := imp.Report
	audit(c, h.d, "catalog.import", file, fmt.Sprintf("created %d, updated %d, withdrawn %d, unchanged %d, rejected %d",
		rep.Created, rep.Updated, rep.Withdrawn, rep.Unchanged, len(rep.Rejected)))
	c.JSON(http.StatusOK, importResult{Report: rep, ID: imp.ID, File: imp.File, Format: imp.Format, Rows: imp.Rows, DurationMS: imp.DurationMS})
}

// uploadedFile returns the file to import: the body itself, or the first file
// part of a multipart/form-data body (streamed, never held whole).
func uploadedFile(c *gin.Context) (io.Reader, string, string, error) {
	file := path.Base(strings.ReplaceAll(c.Query("filename"), "\\", "/"))
	if file == "." || file == "/" {
		file = ""
	}
	ct := c.GetHeader("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mt != "multipart/form-data" {
		return c.Request.Body, file, ct, nil
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, "", "", invalidf("multipart body: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", "", invalidf("the form has no file")
		}
		if err != nil {
			return nil, "", "", fmt.Errorf("%w: multipart body: %w", bot.ErrInvalid, err)
		}
		if part.FileName() != "" {
			if file == "" {
				file = path.Base(strings.ReplaceAll(part.FileName(), "\\", "/"))
			}
			return part, file, part.Header.Get("Content-Type"), nil
		}
	}
}

// imports lists the recent catalogue imports with their reports.
func (h catalogHandlers) imports(c *gin.Context) {
	limit, _ := strconv.Atoi(c.DefaultQuery("limit", "20"))
	list, err := h.d.Catalog.Imports(c.Request.Context(), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"imports": list})
}

// listProcedures answers GET /api/admin/procedures: every procedure, or only
// one kind (?kind=curated|official), matching ?q= (name, id, national code,
// field, level or agency, without accents) and the exact ?field= and ?level=;
// with ?limit= (and ?offset=) one page of them. The answer holds "total" (the
// matches before paging) and the fields and levels of the kind, for filters.
func listProcedures(c *gin.Context, d AdminDeps) {
	list, err := d.Procedures.List(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	kind := c.Query("kind")
	if kind != "" && kind != "curated" && kind != "official" {
		writeError(c, invalidf("kind must be curated or official"))
		return
	}
	limit, offset := 0, 0
	if v := c.Query("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			writeError(c, invalidf("limit must be 1 to 1000"))
			return
		}
	}
	if v := c.Query("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			writeError(c, invalidf("offset must be a whole number"))
			return
		}
	}
	q, field, level := vntext.Key(c.Query("q")), vntext.Key(c.Query("field")), vntext.Key(c.Query("level"))
	fields, levels := map[string]bool{}, map[string]bool{}
	kept := make([]store.ProcedureSummary, 0, len(list))
	for _, p := range list {
		if kind != "" && p.Kind != kind {
			continue
		}
		if p.Field != "" {
			fields[p.Field] = true
		}
		if p.Level != "" {
			levels[p.Level] = true
		}
		switch {
		case field != "" && vntext.Key(p.Field) != field,
			level != "" && !strings.Contains(vntext.Key(p.Level), level),
			q != "" && !strings.Contains(vntext.Key(strings.Join([]string{p.Title, p.ID, p.NationalCode, p.Field, p.Level, p.Agency}, " ")), q):
			continue
		}
		kept = append(kept, p)
	}
	total := len(kept)
	if limit > 0 {
		kept = kept[min(offset, total):min(offset+limit, total)]
	}
	c.JSON(http.StatusOK, gin.H{"procedures": kept, "total": total, "fields": sortedKeys(fields), "levels": sortedKeys(levels)})
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
