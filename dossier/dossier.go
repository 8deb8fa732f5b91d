// Package dossier is dossier status lookup: the dossier model of the contract, the
// validation and parsing of staff imports (JSON or CSV), and the citizen-facing
// Service that verifies the applicant's phone digits, limits attempts, masks
// names and queues notifications. It implements bot.DossierService; storage is
// behind the Repo interface (store/ implements it), the province's own system
// behind Source (dossier/source implements it over HTTP; CachedSource keeps its
// answers briefly, Rechecker re-checks subscribed dossiers at a bounded rate).
package dossier

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Statuses and the labels citizens see (the external contract).
var statusLabels = map[string]string{
	"received":            "Đã tiếp nhận",
	"processing":          "Đang xử lý",
	"supplement_required": "Yêu cầu bổ sung hồ sơ",
	"completed":           "Đã có kết quả",
	"returned":            "Đã trả kết quả",
	"rejected":            "Từ chối giải quyết",
	"cancelled":           "Đã hủy",
}

// StatusLabel is the Vietnamese label of a status ("" for an unknown one).
func StatusLabel(status string) string { return statusLabels[status] }

// finished statuses are never overdue.
func finished(status string) bool {
	switch status {
	case "completed", "returned", "rejected", "cancelled":
		return true
	}
	return false
}

// Dossier is one submitted dossier as staff load it.
type Dossier struct {
	Code           string     `bson:"_id" json:"code"`
	ProcedureID    string     `bson:"procedure_id,omitempty" json:"procedure_id,omitempty"`
	ProcedureName  string     `bson:"procedure_name,omitempty" json:"procedure_name,omitempty"`
	ApplicantName  string     `bson:"applicant_name,omitempty" json:"applicant_name,omitempty"`
	ApplicantPhone string     `bson:"applicant_phone,omitempty" json:"applicant_phone,omitempty"`
	Status         string     `bson:"status" json:"status"`
	ReceivedAt     *time.Time `bson:"received_at,omitempty" json:"received_at,omitempty"`
	DueAt          *time.Time `bson:"due_at,omitempty" json:"due_at,omitempty"`
	CompletedAt    *time.Time `bson:"completed_at,omitempty" json:"completed_at,omitempty"`
	Agency         string     `bson:"agency,omitempty" json:"agency,omitempty"`
	Note           string     `bson:"note,omitempty" json:"note,omitempty"`
	// Origin says who owns the record: "" for staff imports (answered from the
	// store), OriginSource for a copy of the province's system's answer kept for
	// subscribers (lookups ask the source again).
	Origin      string         `bson:"origin,omitempty" json:"origin,omitempty"`
	History     []StatusChange `bson:"history" json:"history"`
	Subscribers []Subscriber   `bson:"subscribers,omitempty" json:"subscribers,omitempty"`
	Version     int64          `bson:"version" json:"version"`
	UpdatedAt   time.Time      `bson:"updated_at" json:"updated_at"`
	CreatedAt   time.Time      `bson:"created_at" json:"created_at"`
}

// StatusChange is one entry of a dossier's status history.
type StatusChange struct {
	Status string    `bson:"status" json:"status"`
	At     time.Time `bson:"at" json:"at"`
	Note   string    `bson:"note,omitempty" json:"note,omitempty"`
}

// Subscriber is a chat to notify when the status changes.
type Subscriber struct {
	Channel string    `bson:"channel" json:"channel"`
	ChatID  string    `bson:"chat_id" json:"chat_id"`
	Since   time.Time `bson:"since" json:"since"`
}

// CodePattern is the default dossier code shape: agency code with dots,
// -YYMMDD-, a sequence number.
var CodePattern = regexp.MustCompile(`^[0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){1,5}-\d{6}-\d{3,6}$`)

// NormalizeCode upper-cases and trims a code.
func NormalizeCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// CodeHash is a stable hash of a code for logs and audit (codes are personal data).
func CodeHash(code string) string {
	sum := sha256.Sum256([]byte(NormalizeCode(code)))
	return hex.EncodeToString(sum[:8])
}

// digits keeps only the digits of s.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Validate normalizes d and reports the first problem, naming the field.
func (d *Dossier) Validate() error {
	d.Code = NormalizeCode(d.Code)
	d.Status = strings.ToLower(strings.TrimSpace(d.Status))
	for _, s := range []*string{&d.ProcedureID, &d.ProcedureName, &d.ApplicantName, &d.Agency, &d.Note} {
		*s = vntext.Clean(*s)
	}
	d.ApplicantPhone = strings.TrimSpace(d.ApplicantPhone)
	switch {
	case d.Code == "":
		return fieldErr("code", "is required")
	case !CodePattern.MatchString(d.Code):
		return fieldErr("code", fmt.Sprintf("%q does not look like a dossier code (e.g. 000.00.12.H57-241022-0001)", d.Code))
	case d.Status == "":
		return fieldErr("status", "is required")
	case StatusLabel(d.Status) == "":
		return fieldErr("status", fmt.Sprintf("%q is not one of received, processing, supplement_required, completed, returned, rejected, cancelled", d.Status))
	}
	if p := digits(d.ApplicantPhone); d.ApplicantPhone != "" && (len(p) < 9 || len(p) > 15) {
		return fieldErr("applicant_phone", "must be a phone number of 9 to 15 digits")
	}
	if d.ApplicantPhone == "" {
		return fieldErr("applicant_phone", "is required (citizens verify with its last 4 digits)")
	}
	for _, f := range []struct {
		name string
		v    string
	}{{"applicant_name", d.ApplicantName}, {"procedure_name", d.ProcedureName}, {"agency", d.Agency}, {"note", d.Note}} {
		if len([]rune(f.v)) > 2000 {
			return fieldErr(f.name, "is longer than 2000 characters")
		}
	}
	return nil
}

// FieldError names the failing field of an imported row.
type FieldError struct{ Field, Msg string }

func (e *FieldError) Error() string     { return e.Field + ": " + e.Msg }
func (e *FieldError) FieldName() string { return e.Field }

func fieldErr(field, msg string) error { return &FieldError{Field: field, Msg: msg} }

// MaskName shows initials except the family name: "Nguyễn Thị Hoa" → "Nguyễn T. H.".
func MaskName(name string) string {
	parts := strings.Fields(name)
	if len(parts) == 0 {
		return ""
	}
	if len(parts) == 1 {
		r := []rune(parts[0])
		return string(unicode.ToUpper(r[0])) + "."
	}
	out := []string{parts[0]}
	for _, p := range parts[1:] {
		r := []rune(p)
		out = append(out, string(unicode.ToUpper(r[0]))+".")
	}
	return strings.Join(out, " ")
}

// nextStep tells the citizen what to do for a status.
func nextStep(d Dossier) string {
	where := d.Agency
	if where == "" {
		where = "bộ phận Một cửa nơi đã nộp hồ sơ"
	}
	switch d.Status {
	case "received":
		return "Hồ sơ đã được tiếp nhận và sẽ được chuyển xử lý. Bạn chưa cần làm gì thêm; hãy theo dõi đến ngày hẹn trả."
	case "processing":
		return "Hồ sơ đang được cán bộ xử lý. Bạn chưa cần làm gì thêm; nếu quá ngày hẹn trả, hãy liên hệ " + where + "."
	case "supplement_required":
		s := "Bạn cần bổ sung hồ sơ theo yêu cầu của cơ quan giải quyết"
		if d.Note != "" {
			s += " (xem ghi chú ở trên)"
		}
		return s + ". Bổ sung trực tuyến trên Cổng Dịch vụ công (mục Hồ sơ của tôi) nếu đã nộp online, hoặc mang giấy tờ đến " + where + ". Thời hạn giải quyết được tính lại từ khi nhận đủ hồ sơ."
	case "completed":
		return "Đã có kết quả. Bạn mang giấy biên nhận và giấy tờ tùy thân (thẻ căn cước) đến " + where + " để nhận, hoặc nhận bản điện tử trên Cổng Dịch vụ công / qua bưu chính nếu đã đăng ký."
	case "returned":
		return "Kết quả đã được trả. Nếu bạn chưa nhận được, hãy liên hệ " + where + "."
	case "rejected":
		return "Hồ sơ bị từ chối giải quyết. Cơ quan phải nêu rõ lý do bằng văn bản; bạn có thể liên hệ " + where + " để được giải thích và hướng dẫn nộp lại."
	case "cancelled":
		return "Hồ sơ đã bị hủy. Nếu bạn vẫn cần làm thủ tục, hãy nộp hồ sơ mới."
	}
	return ""
}
