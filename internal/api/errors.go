package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

// badRequest is a request the API itself finds wrong (a bad body, a
// missing field).
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

// statusOf is the HTTP status that fits a phone error: the caller's
// mistake (400), what does not exist (404), what the call's state does
// not allow (409), what this phone lacks (503); anything else is ours
// (500).
func statusOf(err error) int {
	var br *badRequest
	var se *statusErr
	switch {
	case errors.As(err, &se):
		return se.code
	case errors.As(err, &br),
		errors.Is(err, core.ErrBadAddress),
		errors.Is(err, core.ErrDTMFDigit),
		errors.Is(err, core.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, core.ErrUnknownCall),
		errors.Is(err, core.ErrUnknownAccount),
		errors.Is(err, core.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, call.ErrTransition),
		errors.Is(err, core.ErrNotRecording),
		errors.Is(err, core.ErrNoDTMF):
		return http.StatusConflict
	case errors.Is(err, core.ErrNoRecords),
		errors.Is(err, core.ErrNoVoicemail):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

// fail writes err with the status that fits it.
func fail(w http.ResponseWriter, err error) { writeError(w, statusOf(err), err) }
