package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/softphone/softphone/core"
)

type messageRequest struct {
	To      string `json:"to"`
	Text    string `json:"text"`
	Account string `json:"account,omitempty"` // "" picks one by the address
}

func (s *Server) message(w http.ResponseWriter, r *http.Request) {
	var req messageRequest
	if err := readJSON(w, r, &req); err != nil {
		fail(w, err)
		return
	}
	if strings.TrimSpace(req.To) == "" || req.Text == "" {
		fail(w, &badRequest{msg: `"to" and "text" are required`})
		return
	}
	m, err := s.phone.SendMessage(req.Account, req.To, req.Text)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, m)
}

// maxList bounds one page of history or contacts.
const maxList = 1000

// limitParam reads ?limit= (default def, at most maxList).
func limitParam(r *http.Request, def int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxList {
		return 0, &badRequest{msg: "limit must be a number from 1 to " + strconv.Itoa(maxList)}
	}
	return n, nil
}

type historyBody struct {
	Calls []core.HistoryEntry `json:"calls"`
}

// history is the newest calls first; ?before=ID pages on, ?missed=true
// keeps the missed ones.
func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	limit, err := limitParam(r, 100)
	if err != nil {
		fail(w, err)
		return
	}
	q := core.HistoryQuery{Limit: limit}
	if v := r.URL.Query().Get("before"); v != "" {
		if q.Before, err = strconv.ParseInt(v, 10, 64); err != nil || q.Before < 1 {
			fail(w, &badRequest{msg: "before must be a history entry id"})
			return
		}
	}
	if v := r.URL.Query().Get("missed"); v != "" {
		if q.Missed, err = strconv.ParseBool(v); err != nil {
			fail(w, &badRequest{msg: "missed must be true or false"})
			return
		}
	}
	calls, err := s.phone.History(r.Context(), q)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, historyBody{Calls: nonNil(calls)})
}

type contactsBody struct {
	Contacts []core.Contact `json:"contacts"`
}

// contacts are those matching ?search= (every word a prefix of the name
// or of a number), by name.
func (s *Server) contacts(w http.ResponseWriter, r *http.Request) {
	limit, err := limitParam(r, 100)
	if err != nil {
		fail(w, err)
		return
	}
	cs, err := s.phone.Contacts(r.Context(), core.ContactQuery{Search: r.URL.Query().Get("search"), Limit: limit})
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, contactsBody{Contacts: nonNil(cs)})
}
