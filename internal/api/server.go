package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/softphone/softphone/core"
)

// Server serves one phone's API. Build it with New, hand Handler to an
// http.Server (or call Serve), and Close it when the phone closes.
type Server struct {
	phone core.Phone
	token string
	log   *slog.Logger
	hub   *hub
	mux   *http.ServeMux
	// routes are what the mux serves, for the OpenAPI check.
	routes []string
}

type options struct {
	log         *slog.Logger
	resume      int
	clientQueue int
	authWait    time.Duration
}

// Option configures a Server.
type Option func(*options)

// WithLogger logs through l (default: slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithResume keeps the last n events for clients that reconnect (default
// DefaultResume).
func WithResume(n int) Option { return func(o *options) { o.resume = n } }

// WithClientQueue bounds how far one event client may fall behind before
// it is disconnected (it can resume); default 256 events.
func WithClientQueue(n int) Option { return func(o *options) { o.clientQueue = n } }

// WithAuthWait bounds how long a WebSocket client without an
// Authorization header has to send its token (default 5 s).
func WithAuthWait(d time.Duration) Option { return func(o *options) { o.authWait = d } }

// DefaultResume is how many past events a reconnecting client can be
// given.
const DefaultResume = 1024

// New serves phone to those who present token. It subscribes to the
// phone's events at once, so a client that resumes finds what it missed
// since the server started. ctx bounds the server's life (with Close).
func New(ctx context.Context, phone core.Phone, token string, opts ...Option) (*Server, error) {
	if len(token) < 32 {
		return nil, errors.New("api: the token is too short")
	}
	o := options{log: slog.Default(), resume: DefaultResume, clientQueue: 256, authWait: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{phone: phone, token: token, log: o.log, mux: http.NewServeMux()}
	s.hub = newHub(ctx, phone, o.resume, o.clientQueue)
	s.routeAll(o)
	return s, nil
}

// Handler is the API: CORS, then the token check, then the routes.
func (s *Server) Handler() http.Handler { return s.cors(s.mux) }

// Routes lists "METHOD /path" for every route served.
func (s *Server) Routes() []string { return append([]string(nil), s.routes...) }

// Close ends every event stream (each client is told the phone is
// closing); the HTTP server is the caller's.
func (s *Server) Close() { s.hub.close() }

// Serve serves the API on ln until ctx ends, then shuts down within a
// second (event clients are told the phone is closing).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// The standard library's own log would print client errors
		// (bad TLS handshakes) without level: send them to ours.
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-done:
			return
		}
		s.Close()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			hs.Close()
		}
	}()
	err := hs.Serve(ln)
	close(done)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// handle registers h for pattern ("METHOD /path"), behind the token
// check unless open.
func (s *Server) handle(pattern string, h http.HandlerFunc, open bool) {
	s.routes = append(s.routes, pattern)
	if open {
		s.mux.Handle(pattern, h)
		return
	}
	s.mux.Handle(pattern, s.authed(h))
}

// authed answers 401 to a request without the token.
func (s *Server) authed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sameToken(bearer(r.Header.Get("Authorization")), s.token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="softphone"`)
			writeError(w, http.StatusUnauthorized, errors.New("missing or wrong token (Authorization: Bearer TOKEN; see 'softphone api token')"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// cors lets a page of any origin call the API: every route but the
// description needs the token, which a page has only if its user gave it,
// and no cookie or other ambient credential is honoured.
func (s *Server) cors(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			hd.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			hd.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// maxBody bounds a request body: the longest is a message's text.
const maxBody = 64 << 10

// readJSON decodes the request's body into v, strictly: an unknown field
// is a mistake the caller should hear about.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &badRequest{msg: "bad JSON body: " + err.Error()}
	}
	if dec.More() {
		return &badRequest{msg: "bad JSON body: more than one value"}
	}
	return nil
}

// readOptionalJSON is readJSON for a body that may be absent (however
// the client sends nothing: no Content-Length, chunked, "").
func readOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return &badRequest{msg: "bad body: " + err.Error()}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return readJSON(w, r, v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// errorBody is every error's shape.
type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, errorBody{Error: err.Error()})
}
