package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/handoff"
)

// RoleAgent answers citizens handed over by the bot.
const RoleAgent = "agent"

// HandoffDesk is what the officers' console needs of the handoff desk.
type HandoffDesk interface {
	List(ctx context.Context, f handoff.Filter) ([]handoff.Conversation, error)
	Get(ctx context.Context, id string) (handoff.Conversation, error)
	Claim(ctx context.Context, id string, agent handoff.Agent) (handoff.Conversation, error)
	Reply(ctx context.Context, id string, agent handoff.Agent, text string) (handoff.Message, error)
	Transfer(ctx context.Context, id string, agent, to handoff.Agent, queue string) (handoff.Conversation, error)
	Close(ctx context.Context, id string, agent handoff.Agent) (handoff.Conversation, error)
	Stats(ctx context.Context, days int) (handoff.Stats, error)
}

// Eraser erases what dvcbot keeps about one citizen's chat.
type Eraser interface {
	// EraseChat deletes the chat's handoff conversations, transcripts,
	// feedback, turn events and conversation state, records who did it, and
	// reports how much of each went.
	EraseChat(ctx context.Context, channel, chatID, by string) (map[string]int64, error)
}

// HandoffDeps are the console's dependencies.
type HandoffDeps struct {
	Auth   Authenticator
	Desk   HandoffDesk
	Eraser Eraser
	// Agents lists the staff who may take conversations (for transfers).
	Agents func(ctx context.Context) ([]handoff.Agent, error)
	// Queues lists the topic queues (procedure fields).
	Queues func() []string
}

// HandoffRoutes serves the officers' console API (role agent; admin has it).
func HandoffRoutes(d HandoffDeps) func(*gin.Engine) {
	h := handoffHandlers{d}
	return func(r *gin.Engine) {
		g := r.Group("/api/admin", requireRole(d.Auth, RoleAgent))
		g.GET("/conversations", h.list)
		g.GET("/conversations/:id", h.get)
		g.POST("/conversations/:id/claim", h.claim)
		g.POST("/conversations/:id/messages", h.reply)
		g.POST("/conversations/:id/transfer", h.transfer)
		g.POST("/conversations/:id/close", h.close)
		g.GET("/handoff/stats", h.stats)
		g.GET("/handoff/meta", h.meta)
		if d.Eraser != nil {
			r.POST("/api/admin/privacy/erase", requireRole(d.Auth, RoleAdmin), h.erase)
		}
	}
}

type handoffHandlers struct{ d HandoffDeps }

func agentOf(c *gin.Context) handoff.Agent {
	s := staffOf(c)
	return handoff.Agent{ID: s.ID, Name: s.Name}
}

// list: GET /api/admin/conversations?status=waiting|active|closed&queue=…
func (h handoffHandlers) list(c *gin.Context) {
	items, err := h.d.Desk.List(c.Request.Context(), handoff.Filter{Status: c.Query("status"), Queue: c.Query("queue")})
	if err != nil {
		writeError(c, err)
		return
	}
	if items == nil {
		items = []handoff.Conversation{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (h handoffHandlers) get(c *gin.Context) {
	conv, err := h.d.Desk.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, conv)
}

// claim: 200 with the conversation, 409 when another officer holds it.
func (h handoffHandlers) claim(c *gin.Context) {
	conv, err := h.d.Desk.Claim(c.Request.Context(), c.Param("id"), agentOf(c))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, conv)
}

// reply: {"text": "..."} → the message as kept in the transcript.
func (h handoffHandlers) reply(c *gin.Context) {
	var req struct {
		Text string `json:"text"`
	}
	if err := decodeJSON(c.Request.Body, &req); err != nil {
		writeError(c, err)
		return
	}
	if strings.TrimSpace(req.Text) == "" {
		writeError(c, invalidf("text is required"))
		return
	}
	m, err := h.d.Desk.Reply(c.Request.Context(), c.Param("id"), agentOf(c), req.Text)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

// transfer: {"to": "<staff id>"} hands it to an officer, {"queue": "Cư trú"}
// puts it back in a queue ("" is the general one).
func (h handoffHandlers) transfer(c *gin.Context) {
	var req struct {
		To    string  `json:"to"`
		Queue *string `json:"queue"`
	}
	if err := decodeJSON(c.Request.Body, &req); err != nil {
		writeError(c, err)
		return
	}
	if req.To == "" && req.Queue == nil {
		writeError(c, invalidf("give \"to\" (a staff id) or \"queue\""))
		return
	}
	var to handoff.Agent
	if req.To != "" {
		agents, err := h.d.Agents(c.Request.Context())
		if err != nil {
			writeError(c, err)
			return
		}
		for _, a := range agents {
			if a.ID == req.To {
				to = a
			}
		}
		if to.ID == "" {
			writeError(c, invalidf("%q is not a staff member with the agent role", req.To))
			return
		}
	}
	queue := ""
	if req.Queue != nil {
		queue = strings.TrimSpace(*req.Queue)
	}
	conv, err := h.d.Desk.Transfer(c.Request.Context(), c.Param("id"), agentOf(c), to, queue)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, conv)
}

// close ends the conversation; the citizen is asked for a 1–5 rating.
func (h handoffHandlers) close(c *gin.Context) {
	conv, err := h.d.Desk.Close(c.Request.Context(), c.Param("id"), agentOf(c))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, conv)
}

// stats: GET /api/admin/handoff/stats?days=14
func (h handoffHandlers) stats(c *gin.Context) {
	days, _ := strconv.Atoi(c.Query("days"))
	st, err := h.d.Desk.Stats(c.Request.Context(), days)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// meta: the officers and queues a conversation can be transferred to, and who
// is asking.
func (h handoffHandlers) meta(c *gin.Context) {
	agents, err := h.d.Agents(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	if agents == nil {
		agents = []handoff.Agent{}
	}
	queues := []string{}
	if h.d.Queues != nil {
		queues = append(queues, h.d.Queues()...)
	}
	me := agentOf(c)
	c.JSON(http.StatusOK, gin.H{"agents": agents, "queues": queues, "me": me})
}

// erase: POST /api/admin/privacy/erase {"chat": "CHANNEL:ID"} (admin).
func (h handoffHandlers) erase(c *gin.Context) {
	var req struct {
		Chat string `json:"chat"`
	}
	if err := decodeJSON(c.Request.Body, &req); err != nil {
		writeError(c, err)
		return
	}
	channel, chatID, ok := strings.Cut(strings.TrimSpace(req.Chat), ":")
	if !ok || channel == "" || chatID == "" {
		writeError(c, invalidf("chat is CHANNEL:ID, e.g. telegram:12345 or web:abc"))
		return
	}
	counts, err := h.d.Eraser.EraseChat(c.Request.Context(), channel, chatID, staffOf(c).ID)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"chat": req.Chat, "erased": counts})
}
