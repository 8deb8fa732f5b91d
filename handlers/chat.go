package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/limit"
	"github.com/dvcbot/dvcbot/internal/obs"
	"github.com/dvcbot/dvcbot/knowledge"
)

// ChatEngine answers one chat message.
type ChatEngine interface {
	Handle(ctx context.Context, m bot.Message) (bot.Response, error)
}

// ProcedureReader serves the public procedure API.
type ProcedureReader interface {
	Procedure(ctx context.Context, id string) (knowledge.Procedure, error)
	Search(ctx context.Context, q string, limit int) (bot.SearchResult, error)
}

type chatRequest struct {
	SessionID string `json:"session_id"`
	Text      string `json:"text"`
	Action    string `json:"action"`
}

type chatResponse struct {
	Reply       bot.Reply   `json:"reply"`
	Replies     []bot.Reply `json:"replies"`
	Intent      string      `json:"intent"`
	ProcedureID string      `json:"procedure_id"`
	Section     string      `json:"section"`
	Candidates  []string    `json:"candidates"`
	Source      *bot.Source `json:"source,omitempty"`
	Language    string      `json:"language,omitempty"`
	// Messages are what an "inbox" action picked up: officers' replies and the
	// bot's news, with their author.
	Messages []bot.InboxMessage `json:"messages"`
}

var sessionIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// ChatRoutes serves POST /api/chat for the web chat, without abuse limits.
func ChatRoutes(engine ChatEngine) func(*gin.Engine) {
	return LimitedChatRoutes(engine, ChatLimits{})
}

// ChatLimits are the abuse limits of POST /api/chat, in turns per minute; 0
// disables one.
type ChatLimits struct {
	PerIP      int // per client address (X-Forwarded-For believed only from trusted proxies)
	PerSession int // per session_id
}

// LimitedChatRoutes serves POST /api/chat for the web chat. A client over a
// limit gets 429 with Retry-After and a polite message (also as "reply", so the
// page can show it like an answer); the turn is not handled.
func LimitedChatRoutes(engine ChatEngine, limits ChatLimits) func(*gin.Engine) {
	perIP, perSession := limit.New(limits.PerIP), limit.New(limits.PerSession)
	return func(r *gin.Engine) {
		r.POST("/api/chat", func(c *gin.Context) {
			ip := c.ClientIP()
			if ok, wait := perIP.Allow(ip, time.Now()); !ok {
				tooManyTurns(c, "ip", wait)
				return
			}
			var req chatRequest
			if err := decodeJSON(c.Request.Body, &req); err != nil {
				writeError(c, err)
				return
			}
			switch {
			case req.SessionID == "":
				writeError(c, invalidf("session_id is required (any random string the page keeps, 1-128 of A-Z a-z 0-9 . _ : -)"))
				return
			case !sessionIDPattern.MatchString(req.SessionID):
				writeError(c, invalidf("session_id must be 1-128 of A-Z a-z 0-9 . _ : -"))
				return
			}
			// Picking up the inbox (the page polls it while an officer answers)
			// is cheap and not a turn: only the per-address limit counts it.
			if req.Action != "inbox" {
				if ok, wait := perSession.Allow(req.SessionID, time.Now()); !ok {
					tooManyTurns(c, "session", wait)
					return
				}
			}
			ctx := obs.WithClient(c.Request.Context(), "ip:"+ip)
			resp, err := engine.Handle(ctx, bot.Message{Channel: bot.ChannelWeb, ChatID: req.SessionID, Text: req.Text, Action: req.Action, ClientIP: ip})
			if err != nil {
				writeError(c, err)
				return
			}
			out := chatResponse{Replies: resp.Replies, Intent: resp.Intent, ProcedureID: resp.ProcedureID, Section: resp.Section, Candidates: resp.Candidates, Source: resp.Source, Language: resp.Language, Messages: resp.Messages}
			if out.Messages == nil {
				out.Messages = []bot.InboxMessage{}
			}
			for i := range out.Replies {
				if out.Replies[i].Buttons == nil {
					out.Replies[i].Buttons = []bot.Button{}
				}
			}
			if len(out.Replies) > 0 {
				out.Reply = out.Replies[0]
			} else {
				out.Replies = []bot.Reply{}
				out.Reply.Buttons = []bot.Button{}
			}
			if out.Candidates == nil {
				out.Candidates = []string{}
			}
			c.JSON(http.StatusOK, out)
		})
	}
}

// SlowDownText is the polite answer to a client over an abuse limit; %d is the
// number of seconds to wait.
const SlowDownText = "Bạn đang gửi tin nhắn nhanh hơn mức trợ lý có thể trả lời. Vui lòng đợi khoảng %d giây rồi gửi lại nhé. Xin cảm ơn!"

// tooManyTurns answers 429 with Retry-After and a polite Vietnamese message.
func tooManyTurns(c *gin.Context, scope string, wait time.Duration) {
	obs.RateLimited.WithLabelValues(scope).Inc()
	secs := limit.RetryAfterSeconds(wait)
	msg := fmt.Sprintf(SlowDownText, secs)
	c.Header("Retry-After", strconv.Itoa(secs))
	c.AbortWithStatusJSON(http.StatusTooManyRequests, gin.H{
		"error":       msg,
		"retry_after": secs,
		"reply":       bot.Reply{Text: msg, Buttons: []bot.Button{}},
	})
}

// decodeJSON reads exactly one JSON value; malformed input wraps bot.ErrInvalid,
// an oversized body keeps its *http.MaxBytesError.
func decodeJSON(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return invalidf("request body is empty; send a JSON object")
		}
		return invalidf("request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return invalidf("request body must hold one JSON object")
	}
	return nil
}

type searchResult struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Field    string  `json:"field,omitempty"`
	Score    float64 `json:"score"`
	Coverage float64 `json:"coverage"`
	Snippet  string  `json:"snippet,omitempty"`
}

// ProcedureRoutes serves the public procedure API.
func ProcedureRoutes(procs ProcedureReader) func(*gin.Engine) {
	return func(r *gin.Engine) {
		r.GET("/api/procedures/search", func(c *gin.Context) {
			q := strings.TrimSpace(c.Query("q"))
			if q == "" {
				writeError(c, invalidf("q is required"))
				return
			}
			limit := 10
			if s := c.Query("limit"); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n < 1 {
					writeError(c, invalidf("limit must be a positive whole number"))
					return
				}
				limit = min(n, 50)
			}
			res, err := procs.Search(c.Request.Context(), q, limit)
			if err != nil {
				writeError(c, err)
				return
			}
			out := make([]searchResult, 0, len(res.Hits))
			for _, h := range res.Hits {
				out = append(out, searchResult{ID: h.ID, Title: h.Title, Field: h.Field, Score: h.Score, Coverage: h.Coverage, Snippet: h.Snippet})
			}
			c.JSON(http.StatusOK, gin.H{"results": out, "confident": res.Confident})
		})
		r.GET("/api/procedures/:id", func(c *gin.Context) {
			id := c.Param("id")
			if !knowledge.IsValidID(id) {
				writeError(c, invalidf("id must be a lowercase slug"))
				return
			}
			p, err := procs.Procedure(c.Request.Context(), id)
			if err != nil {
				writeError(c, err)
				return
			}
			c.JSON(http.StatusOK, p)
		})
	}
}
