package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"github.com/softphone/softphone/core"
)

// Event socket timings: a write that takes longer means a dead client;
// pings find one that went away without closing.
const (
	writeTimeout = 10 * time.Second
	pingEvery    = 30 * time.Second
	lagGrace     = time.Second
)

// stateMessage opens a stream that does not resume: the read model the
// events that follow apply to.
type stateMessage struct {
	Event   string    `json:"event"` // "state"
	Version uint64    `json:"version"`
	Session string    `json:"session"`
	State   stateView `json:"state"`
}

// resumedMessage opens a resumed stream: what follows are the events
// after Since.
type resumedMessage struct {
	Event   string `json:"event"` // "resumed"
	Since   uint64 `json:"since"`
	Session string `json:"session"`
}

// tokenMessage is a browser client's first message: browsers cannot set
// headers on a WebSocket.
type tokenMessage struct {
	Token string `json:"token"`
}

// events serves GET /v1/events. The token comes in the Authorization
// header or as the first message; nothing is sent before it. ?since=V
// (with ?session=S from the stream's first message) resumes after
// version V.
func (s *Server) events(o options) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var since uint64
		resume := false
		if v := q.Get("since"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				writeError(w, http.StatusBadRequest, errors.New("since must be an event version"))
				return
			}
			since, resume = n, true
		}
		if sess := q.Get("session"); sess != "" && sess != s.hub.session {
			resume = false // another run of the phone: its versions mean nothing here
		}
		header := r.Header.Get("Authorization")
		if header != "" && !sameToken(bearer(header), s.token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="softphone"`)
			writeError(w, http.StatusUnauthorized, errors.New("missing or wrong token"))
			return
		}
		// Any origin may connect: the token, not the origin, is what
		// grants access, and no cookie is honoured.
		conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
		if err != nil {
			return // Accept has answered
		}
		defer conn.CloseNow()
		conn.SetReadLimit(4 << 10)
		if header == "" && !s.tokenFirst(r.Context(), conn, o.authWait) {
			conn.Close(websocket.StatusPolicyViolation, "missing or wrong token")
			return
		}
		ctx := conn.CloseRead(r.Context())
		c, first, resumed := s.hub.attach(resume, since, s.snapshot)
		defer s.hub.detach(c)
		if resumed {
			b, _ := json.Marshal(resumedMessage{Event: "resumed", Since: since, Session: s.hub.session})
			first = append([][]byte{b}, first...)
		}
		s.stream(ctx, conn, c, first)
	}
}

// tokenFirst reads the first message and says whether it carries the
// token.
func (s *Server) tokenFirst(ctx context.Context, conn *websocket.Conn, wait time.Duration) bool {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	typ, b, err := conn.Read(ctx)
	if err != nil || typ != websocket.MessageText {
		return false
	}
	var m tokenMessage
	return json.Unmarshal(b, &m) == nil && sameToken(m.Token, s.token)
}

func (s *Server) snapshot(st core.State) []byte {
	b, _ := json.Marshal(stateMessage{Event: "state", Version: st.Version, Session: s.hub.session, State: viewOf(st)})
	return b
}

// stream writes first, then every event, until the client or the phone
// goes.
func (s *Server) stream(ctx context.Context, conn *websocket.Conn, c *client, first [][]byte) {
	// A client dropped for lagging is told so with a close frame; if it
	// is stuck in a write to a full socket, that write is cancelled
	// after a moment instead.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-c.lag:
		case <-ctx.Done():
			return
		}
		t := time.NewTimer(lagGrace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-ctx.Done():
		}
	}()
	write := func(b []byte) bool {
		wctx, cancel := context.WithTimeout(ctx, writeTimeout)
		defer cancel()
		return conn.Write(wctx, websocket.MessageText, b) == nil
	}
	for _, b := range first {
		if !write(b) {
			return
		}
	}
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case <-c.lag:
			conn.Close(websocket.StatusTryAgainLater, "too far behind: reconnect with ?since=LAST_VERSION&session=SESSION")
			return
		case b, ok := <-c.out:
			if !ok {
				conn.Close(websocket.StatusGoingAway, "the phone is closing")
				return
			}
			if !write(b) {
				return
			}
		case <-ctx.Done():
			return
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, writeTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return
			}
		}
	}
}
