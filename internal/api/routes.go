package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

// commandTimeout bounds a command that waits on the network (answer,
// hold, transfer...).
const commandTimeout = 30 * time.Second

func (s *Server) routeAll(o options) {
	s.handle("GET /v1/openapi.json", s.openAPI, true)
	s.handle("GET /v1/state", s.getState, false)
	s.handle("GET /v1/calls", s.listCalls, false)
	s.handle("POST /v1/calls", s.dial, false)
	s.handle("GET /v1/calls/{id}", s.getCall, false)
	for _, a := range callActions {
		s.handle("POST /v1/calls/{id}/"+a.name, s.callAction(a.run), false)
	}
	s.handle("POST /v1/calls/{id}/reject", s.reject, false)
	s.handle("POST /v1/calls/{id}/record", s.record, false)
	s.handle("POST /v1/calls/{id}/dtmf", s.dtmf, false)
	s.handle("POST /v1/calls/{id}/transfer", s.transfer, false)
	s.handle("POST /v1/conference", s.conference, false)
	s.handle("POST /v1/messages", s.message, false)
	s.handle("GET /v1/history", s.history, false)
	s.handle("GET /v1/contacts", s.contacts, false)
	s.handle("GET /v1/events", s.events(o), true) // its own token check: header or first message
}

// callActions are the bodiless commands on one call.
var callActions = []struct {
	name string
	run  func(ctx context.Context, p core.Phone, id string) error
}{
	{"answer", func(ctx context.Context, p core.Phone, id string) error { return p.Answer(ctx, id) }},
	{"hangup", func(_ context.Context, p core.Phone, id string) error { return p.Hangup(id) }},
	{"hold", func(ctx context.Context, p core.Phone, id string) error { return p.Hold(ctx, id) }},
	{"resume", func(ctx context.Context, p core.Phone, id string) error { return p.Resume(ctx, id) }},
	{"mute", func(_ context.Context, p core.Phone, id string) error { return p.Mute(id, true) }},
	{"unmute", func(_ context.Context, p core.Phone, id string) error { return p.Mute(id, false) }},
	{"stoprecord", func(_ context.Context, p core.Phone, id string) error { return p.StopRecording(id) }},
}

// okBody answers a command that has nothing to return.
type okBody struct {
	OK bool `json:"ok"`
}

func (s *Server) callAction(run func(context.Context, core.Phone, string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), commandTimeout)
		defer cancel()
		if err := run(ctx, s.phone, r.PathValue("id")); err != nil {
			fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, okBody{true})
	}
}

func (s *Server) getState(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, viewOf(s.phone.State()))
}

// callList is the calls in progress, oldest first.
type callList struct {
	Version uint64      `json:"version"`
	Calls   []call.Info `json:"calls"`
}

func (s *Server) listCalls(w http.ResponseWriter, _ *http.Request) {
	st := s.phone.State()
	writeJSON(w, http.StatusOK, callList{Version: st.Version, Calls: nonNil(st.Calls)})
}

func (s *Server) getCall(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c, ok := s.phone.State().Call(id)
	if !ok {
		writeError(w, http.StatusNotFound, errUnknownCall(id))
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func errUnknownCall(id string) error {
	return &statusErr{code: http.StatusNotFound, msg: core.ErrUnknownCall.Error() + " " + strconv.Quote(id)}
}

type statusErr struct {
	code int
	msg  string
}

func (e *statusErr) Error() string { return e.msg }

type dialRequest struct {
	To      string `json:"to"`
	Account string `json:"account,omitempty"`
	// Video asks for video from the start.
	Video bool `json:"video,omitempty"`
}

type idBody struct {
	ID string `json:"id"`
}

func (s *Server) dial(w http.ResponseWriter, r *http.Request) { dialHandler(s.phone)(w, r) }

// dialHandler places the call a request asks for.
func dialHandler(p core.Phone) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req dialRequest
		if err := readJSON(w, r, &req); err != nil {
			fail(w, err)
			return
		}
		if strings.TrimSpace(req.To) == "" {
			fail(w, &badRequest{msg: `"to" is required`})
			return
		}
		id, err := Dial(r.Context(), p, req.To, req.Account, req.Video)
		if err != nil {
			fail(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, idBody{ID: id})
	}
}

// Dial places a call the way every front-end does for its user: the
// calls in progress go on hold first.
func Dial(ctx context.Context, p core.Phone, to, account string, video bool) (string, error) {
	o := core.DialOptions{Account: account, HoldOthers: true}
	if video {
		o.Video = call.VideoRequest{Video: true, Send: true}
	}
	return p.Dial(ctx, to, o)
}

type rejectRequest struct {
	// Code is the SIP status to refuse with; 0 lets the phone pick (486
	// while another call is up, 603 otherwise).
	Code int `json:"code,omitempty"`
}

func (s *Server) reject(w http.ResponseWriter, r *http.Request) {
	var req rejectRequest
	if err := readOptionalJSON(w, r, &req); err != nil {
		fail(w, err)
		return
	}
	id := r.PathValue("id")
	var err error
	switch {
	case req.Code == 0:
		err = s.phone.Decline(id)
	case req.Code < 400 || req.Code > 699:
		err = &badRequest{msg: `"code" must be a SIP status from 400 to 699`}
	default:
		err = s.phone.Reject(id, req.Code)
	}
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, okBody{true})
}

type recordBody struct {
	File string `json:"file"`
}

func (s *Server) record(w http.ResponseWriter, r *http.Request) {
	file, err := s.phone.StartRecording(r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, recordBody{File: file})
}

type dtmfRequest struct {
	Digits string `json:"digits"`
}

func (s *Server) dtmf(w http.ResponseWriter, r *http.Request) {
	var req dtmfRequest
	if err := readJSON(w, r, &req); err != nil {
		fail(w, err)
		return
	}
	if req.Digits == "" {
		fail(w, &badRequest{msg: `"digits" is required`})
		return
	}
	if err := s.phone.SendDTMF(r.PathValue("id"), req.Digits); err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, okBody{true})
}

type transferRequest struct {
	To      string `json:"to,omitempty"`      // blind transfer to this address
	Consult string `json:"consult,omitempty"` // attended: join with this call
}

func (s *Server) transfer(w http.ResponseWriter, r *http.Request) {
	var req transferRequest
	if err := readJSON(w, r, &req); err != nil {
		fail(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), commandTimeout)
	defer cancel()
	id := r.PathValue("id")
	var err error
	switch {
	case (req.To == "") == (req.Consult == ""):
		err = &badRequest{msg: `give one of "to" (blind transfer) or "consult" (attended transfer)`}
	case req.To != "":
		err = s.phone.Transfer(ctx, id, req.To)
	default:
		err = s.phone.AttendedTransfer(ctx, id, req.Consult)
	}
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, okBody{true})
}

type conferenceRequest struct {
	Calls []string `json:"calls"`
}

func (s *Server) conference(w http.ResponseWriter, r *http.Request) {
	var req conferenceRequest
	if err := readJSON(w, r, &req); err != nil {
		fail(w, err)
		return
	}
	if len(req.Calls) < 2 {
		fail(w, &badRequest{msg: `"calls" must list at least two calls`})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), commandTimeout)
	defer cancel()
	id, err := s.phone.Merge(ctx, req.Calls...)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, idBody{ID: id})
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
