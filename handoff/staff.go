package handoff

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// List returns conversations for the console: waiting ones oldest first with
// their place in the queue and waiting time, others newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]Conversation, error) {
	if f.Status != "" && f.Status != StatusWaiting && f.Status != StatusActive && f.Status != StatusClosed {
		return nil, fmt.Errorf("%w: status is waiting, active or closed", bot.ErrInvalid)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	list, err := s.Store.List(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("handoff: list: %w", err)
	}
	now := s.now()
	pos := 0
	for i := range list {
		c := &list[i]
		if c.Status == StatusWaiting {
			pos++
			c.Position = pos
			c.Waited = humanDuration(now.Sub(c.WaitingSince))
		}
	}
	if f.Status != StatusWaiting {
		sort.SliceStable(list, func(i, j int) bool {
			if (list[i].Status == StatusWaiting) != (list[j].Status == StatusWaiting) {
				return list[i].Status == StatusWaiting
			}
			if list[i].Status == StatusWaiting {
				return list[i].WaitingSince.Before(list[j].WaitingSince)
			}
			return list[i].UpdatedAt.After(list[j].UpdatedAt)
		})
	}
	return list, nil
}

// Get returns a conversation with its transcript.
func (s *Service) Get(ctx context.Context, id string) (Conversation, error) {
	c, err := s.Store.Get(ctx, id)
	if err != nil {
		return Conversation{}, fmt.Errorf("handoff: %w", err)
	}
	msgs, err := s.Store.Messages(ctx, id)
	if err != nil {
		return Conversation{}, fmt.Errorf("handoff: transcript: %w", err)
	}
	c.Messages = msgs
	if c.Messages == nil {
		c.Messages = []Message{}
	}
	if c.Status == StatusWaiting {
		c.Waited = humanDuration(s.now().Sub(c.WaitingSince))
	}
	return c, nil
}

// Claim gives the conversation to agent: a waiting one becomes active; claiming
// one the agent already holds is fine; one held by someone else is ErrHeld and a
// closed one ErrClosed.
func (s *Service) Claim(ctx context.Context, id string, agent Agent) (Conversation, error) {
	now := s.now()
	var out Conversation
	firstClaim := false
	err := s.change(ctx, id, func(c *Conversation) error {
		firstClaim = false
		switch {
		case c.Status == StatusClosed:
			return ErrClosed
		case c.Status == StatusActive && c.Assignee != agent.ID:
			return ErrHeld
		case c.Status == StatusActive:
			out = *c
			return nil
		}
		c.Status, c.Assignee, c.AssigneeName, c.UpdatedAt = StatusActive, agent.ID, agent.Name, now
		if c.ClaimedAt.IsZero() {
			c.ClaimedAt = now
			firstClaim = true
		}
		out = *c
		return nil
	})
	if err != nil {
		return Conversation{}, err
	}
	s.claimed(out, firstClaim)
	s.log().InfoContext(ctx, "handoff claimed", "conversation", id, "agent", agent.ID)
	return out, nil
}

// Reply sends an officer's message to the citizen on their channel (through
// the outbox, exactly once) and keeps it in the transcript. A waiting
// conversation is claimed by the reply; one held by another officer is ErrHeld.
// A closed conversation may still get a written answer (after hours, a
// citizen who left): it is delivered and the conversation stays closed.
func (s *Service) Reply(ctx context.Context, id string, agent Agent, text string) (Message, error) {
	text = clip(text)
	if text == "" {
		return Message{}, fmt.Errorf("%w: text is empty", bot.ErrInvalid)
	}
	now := s.now()
	var conv Conversation
	firstClaim := false
	err := s.change(ctx, id, func(c *Conversation) error {
		firstClaim = false
		if c.Status == StatusActive && c.Assignee != agent.ID {
			return ErrHeld
		}
		if c.Status == StatusWaiting {
			c.Status, c.Assignee, c.AssigneeName = StatusActive, agent.ID, agent.Name
			if c.ClaimedAt.IsZero() {
				c.ClaimedAt = now
				firstClaim = true
			}
		}
		if c.AnsweredAt.IsZero() {
			c.AnsweredAt = now
		}
		c.LastStaff, c.UpdatedAt, c.Unread = now, now, 0
		conv = *c
		return nil
	})
	if err != nil {
		return Message{}, err
	}
	m := Message{ID: fmt.Sprintf("%s:staff:%d", id, now.UnixNano()), ConvID: id, From: FromStaff, Author: agent.Name, Text: text, At: now}
	if err := s.Store.AddMessage(ctx, m, conv.ExpiresAt); err != nil {
		return Message{}, fmt.Errorf("handoff: transcript: %w", err)
	}
	n := dossier.Notification{ID: "handoff:" + m.ID, Channel: conv.Channel, ChatID: conv.ChatID, Text: text, From: FromStaff, Author: agent.Name}
	if err := s.Outbox.Enqueue(ctx, n, now); err != nil {
		return Message{}, fmt.Errorf("handoff: deliver reply: %w", err)
	}
	s.claimed(conv, firstClaim)
	obs.HandoffActions.WithLabelValues("reply").Inc()
	return m, nil
}

// Transfer hands the conversation to another officer (to.ID set: it becomes
// theirs) or back to a queue (waiting again, in queue). Only the holder (or
// anyone, for a waiting conversation) may transfer.
func (s *Service) Transfer(ctx context.Context, id string, agent Agent, to Agent, queue string) (Conversation, error) {
	now := s.now()
	var out Conversation
	err := s.change(ctx, id, func(c *Conversation) error {
		switch {
		case c.Status == StatusClosed:
			return ErrClosed
		case c.Status == StatusActive && c.Assignee != agent.ID:
			return ErrHeld
		}
		if to.ID != "" {
			c.Status, c.Assignee, c.AssigneeName = StatusActive, to.ID, to.Name
			c.Transfers = append(c.Transfers, fmt.Sprintf("%s → %s (%s)", agent.Name, to.Name, now.Format(time.RFC3339)))
		} else {
			c.Status, c.Assignee, c.AssigneeName, c.Queue, c.WaitingSince = StatusWaiting, "", "", queue, now
			c.Transfers = append(c.Transfers, fmt.Sprintf("%s → hàng chờ %q (%s)", agent.Name, queueLabel(queue), now.Format(time.RFC3339)))
		}
		c.UpdatedAt = now
		out = *c
		return nil
	})
	if err != nil {
		return Conversation{}, err
	}
	obs.HandoffActions.WithLabelValues("transfer").Inc()
	return out, nil
}

// claimed counts a claim, and the wait it ended when it is the first.
func (s *Service) claimed(c Conversation, first bool) {
	if !first {
		return
	}
	obs.HandoffActions.WithLabelValues("claim").Inc()
	obs.HandoffWait.Observe(c.ClaimedAt.Sub(c.CreatedAt).Seconds())
}

func queueLabel(q string) string {
	if q == "" {
		return "Chung"
	}
	return q
}

// RatingPrompt is sent to the citizen when an officer closes the conversation.
const RatingPrompt = "Cán bộ đã kết thúc cuộc trò chuyện. Bạn đánh giá mức độ hài lòng thế nào? Hãy trả lời một số từ 1 (rất không hài lòng) đến 5 (rất hài lòng). Sau đó trợ lý tự động sẽ tiếp tục hỗ trợ bạn."

// Close ends the conversation (by its holder, or anyone for a waiting one) and
// asks the citizen for a 1–5 rating on their channel.
func (s *Service) Close(ctx context.Context, id string, agent Agent) (Conversation, error) {
	now := s.now()
	var out Conversation
	already := false
	err := s.change(ctx, id, func(c *Conversation) error {
		switch {
		case c.Status == StatusClosed:
			already = true
			out = *c
			return nil
		case c.Status == StatusActive && c.Assignee != agent.ID:
			return ErrHeld
		}
		s.close(c, agent.ID, now)
		out = *c
		return nil
	})
	if err != nil || already {
		return out, err
	}
	_ = s.Store.AddMessage(ctx, Message{ID: id + ":closed", ConvID: id, From: FromSystem, Text: "Cán bộ " + agent.Name + " đã kết thúc cuộc trò chuyện.", At: now}, out.ExpiresAt)
	n := dossier.Notification{ID: "handoff:" + id + ":closed", Channel: out.Channel, ChatID: out.ChatID, Text: RatingPrompt, From: FromSystem}
	if err := s.Outbox.Enqueue(ctx, n, now); err != nil {
		return out, fmt.Errorf("handoff: ask for rating: %w", err)
	}
	s.log().InfoContext(ctx, "handoff closed", "conversation", id, "agent", agent.ID)
	obs.HandoffActions.WithLabelValues("close").Inc()
	return out, nil
}

// EraseChat deletes a citizen's handoff conversations and transcripts.
func (s *Service) EraseChat(ctx context.Context, channel, chatID string) (int64, error) {
	if channel == "" || chatID == "" {
		return 0, fmt.Errorf("%w: give the chat as CHANNEL:ID", bot.ErrInvalid)
	}
	n, err := s.Store.EraseChat(ctx, channel, chatID)
	if err != nil {
		return n, fmt.Errorf("handoff: erase: %w", err)
	}
	return n, nil
}

// humanDuration writes a waiting time for staff: "45 giây", "12 phút", "3 giờ 5 phút", "2 ngày".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d giây", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d phút", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d giờ %d phút", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d ngày", int(d.Hours()/24))
}

// DayStats are one day's handoff figures (Vietnam dates).
type DayStats struct {
	Date            string  `json:"date"`
	Requests        int     `json:"requests"`
	AfterHours      int     `json:"after_hours"`
	Answered        int     `json:"answered"`            // an officer claimed or replied
	WaitMedian      float64 `json:"wait_median_minutes"` // request → claim, answered ones
	HandleMean      float64 `json:"handling_mean_minutes"`
	Rated           int     `json:"rated"`
	RatingMean      float64 `json:"rating_mean"`
	Unanswered      int     `json:"still_waiting"`
	ClosedByCitizen int     `json:"closed_by_citizen"`
}

// Stats are the handoff figures of the last days.
type Stats struct {
	Days    []DayStats `json:"days"`
	Waiting int        `json:"waiting"`
	Active  int        `json:"active"`
}

// Stats counts requests per day (by request date), waiting and handling times
// and satisfaction over the last days (1–90).
func (s *Service) Stats(ctx context.Context, days int) (Stats, error) {
	if days <= 0 || days > 90 {
		days = 14
	}
	now := s.now()
	list, err := s.Store.List(ctx, Filter{Since: now.AddDate(0, 0, -days-1), Limit: 100000})
	if err != nil {
		return Stats{}, fmt.Errorf("handoff: stats: %w", err)
	}
	byDay := map[string]*DayStats{}
	waits := map[string][]float64{}
	handles := map[string][]float64{}
	ratings := map[string][]float64{}
	var out Stats
	for _, c := range list {
		switch c.Status {
		case StatusWaiting:
			out.Waiting++
		case StatusActive:
			out.Active++
		}
		day := c.CreatedAt.In(vietnamTime).Format("2006-01-02")
		d := byDay[day]
		if d == nil {
			d = &DayStats{Date: day}
			byDay[day] = d
		}
		d.Requests++
		if c.AfterHours {
			d.AfterHours++
		}
		if c.Status == StatusWaiting {
			d.Unanswered++
		}
		if c.ClosedBy == FromCitizen {
			d.ClosedByCitizen++
		}
		if !c.ClaimedAt.IsZero() {
			d.Answered++
			waits[day] = append(waits[day], c.ClaimedAt.Sub(c.CreatedAt).Minutes())
			if !c.ClosedAt.IsZero() {
				handles[day] = append(handles[day], c.ClosedAt.Sub(c.ClaimedAt).Minutes())
			}
		}
		if c.Rating > 0 {
			d.Rated++
			ratings[day] = append(ratings[day], float64(c.Rating))
		}
	}
	for day, d := range byDay {
		d.WaitMedian = round1(median(waits[day]))
		d.HandleMean = round1(mean(handles[day]))
		d.RatingMean = round1(mean(ratings[day]))
		out.Days = append(out.Days, *d)
	}
	sort.Slice(out.Days, func(i, j int) bool { return out.Days[i].Date > out.Days[j].Date })
	if out.Days == nil {
		out.Days = []DayStats{}
	}
	return out, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t / float64(len(v))
}

func round1(x float64) float64 { return float64(int(x*10+0.5)) / 10 }

// Waiting counts the conversations waiting for an officer (at most 10,000).
func (s *Service) Waiting(ctx context.Context) (int, error) {
	list, err := s.Store.List(ctx, Filter{Status: StatusWaiting, Limit: 10000})
	return len(list), err
}
