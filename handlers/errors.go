package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/gin-gonic/gin"
)

var (
	errNoRoute  = fmt.Errorf("%w: no such path", bot.ErrNotFound)
	errNoMethod = errors.New("method not allowed")
)

// FieldError is an input error that names the failing field.
type FieldError interface {
	error
	FieldName() string
}

// writeError is the one place that maps domain errors to HTTP status codes. The
// body is {"error": "...", "field": "..."?}; internal errors never leak details.
func writeError(c *gin.Context, err error) {
	status := http.StatusInternalServerError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		status = http.StatusRequestEntityTooLarge
		err = fmt.Errorf("request body larger than %d bytes", mbe.Limit)
	case errors.Is(err, errNoMethod):
		status = http.StatusMethodNotAllowed
	case errors.Is(err, catalog.ErrUnknownFormat):
		status = http.StatusUnsupportedMediaType
	case errors.Is(err, bot.ErrInvalid), errors.Is(err, catalog.ErrMalformed), isFieldError(err):
		status = http.StatusBadRequest
	case errors.Is(err, bot.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, bot.ErrConflict):
		status = http.StatusConflict
	case errors.Is(err, bot.ErrUnauthorized):
		status = http.StatusUnauthorized
		c.Header("WWW-Authenticate", `Bearer realm="dvcbot"`)
	case errors.Is(err, bot.ErrForbidden):
		status = http.StatusForbidden
	case errors.Is(err, bot.ErrRateLimited):
		status = http.StatusTooManyRequests
	case errors.Is(err, bot.ErrDossierUnavailable):
		status = http.StatusServiceUnavailable
	}
	body := gin.H{"error": err.Error()}
	if status == http.StatusInternalServerError {
		_ = c.Error(err)
		body = gin.H{"error": "internal error", "request_id": c.GetString("request_id")}
	}
	var fe FieldError
	if errors.As(err, &fe) && fe.FieldName() != "" {
		body["field"] = fe.FieldName()
	}
	c.AbortWithStatusJSON(status, body)
}

// invalidf builds a 400-class error.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{bot.ErrInvalid}, args...)...)
}

func isFieldError(err error) bool {
	var fe FieldError
	return errors.As(err, &fe)
}
