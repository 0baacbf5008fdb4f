package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/softphone/softphone/core"
)

const testToken = "0123456789abcdef0123456789abcdef-test"

func newTestServer(t *testing.T, opts ...Option) (*fakePhone, *Server, *httptest.Server) {
	t.Helper()
	p := newFakePhone(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := New(ctx, p, testToken, opts...)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.Close(); hs.Close() })
	return p, s, hs
}

// do sends a request with the token (unless token is "") and decodes
// the JSON answer.
func do(t *testing.T, hs *httptest.Server, method, path, body, token string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 && json.Unmarshal(b, &m) != nil {
		t.Fatalf("%s %s: answer is not a JSON object: %q", method, path, b)
	}
	return resp.StatusCode, m
}

// openAPIRoutes lists "METHOD /path" for every operation the
// description has.
func openAPIRoutes(t *testing.T) []string {
	t.Helper()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: version %q, want 3.x", doc.OpenAPI)
	}
	var out []string
	for path, ops := range doc.Paths {
		for method := range ops {
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(out)
	return out
}

func TestRoutesMatchOpenAPI(t *testing.T) {
	_, s, _ := newTestServer(t)
	served := s.Routes()
	slices.Sort(served)
	described := openAPIRoutes(t)
	for _, r := range served {
		if !slices.Contains(described, r) {
			t.Errorf("route %q is served but not in openapi.json", r)
		}
	}
	for _, r := range described {
		if !slices.Contains(served, r) {
			t.Errorf("route %q is in openapi.json but not served", r)
		}
	}
}

// concrete turns a route pattern into a path to request.
func concrete(route string) (method, path string) {
	method, path, _ = strings.Cut(route, " ")
	return method, strings.ReplaceAll(path, "{id}", "c1")
}

func TestEveryRouteButTheDescriptionNeedsTheToken(t *testing.T) {
	_, s, hs := newTestServer(t)
	for _, r := range s.Routes() {
		method, path := concrete(r)
		if path == "/v1/events" {
			continue // a WebSocket: its token checks are in events_test.go
		}
		for _, tok := range []string{"", "wrong-token-wrong-token-wrong-token"} {
			code, body := do(t, hs, method, path, "{}", tok)
			if path == "/v1/openapi.json" {
				if code != http.StatusOK {
					t.Errorf("%s without token: %d, want 200 (the description is public)", r, code)
				}
				continue
			}
			if code != http.StatusUnauthorized || body["error"] == nil {
				t.Errorf("%s with token %q: %d %v, want 401 with an error", r, tok, code, body)
			}
		}
	}
}

func TestEveryDescribedRouteIsReachable(t *testing.T) {
	_, _, hs := newTestServer(t)
	for _, r := range openAPIRoutes(t) {
		method, path := concrete(r)
		if path == "/v1/events" {
			continue // a WebSocket: tested in events_test.go
		}
		code, _ := do(t, hs, method, path, "", testToken)
		if code == http.StatusNotFound && !strings.Contains(path, "c1") || code == http.StatusMethodNotAllowed {
			t.Errorf("%s: %d: not routed", r, code)
		}
	}
}

func TestCommandsReachThePhone(t *testing.T) {
	p, _, hs := newTestServer(t)
	for _, c := range []struct {
		method, path, body string
		want               int
		logged             string
	}{
		{"POST", "/v1/calls", `{"to":"bob","account":"work"}`, 201, "dial bob work"},
		{"POST", "/v1/calls/c1/answer", "", 200, "answer c1"},
		{"POST", "/v1/calls/c1/reject", "", 200, "decline c1"},
		{"POST", "/v1/calls/c1/reject", `{"code":486}`, 200, "reject c1 486"},
		{"POST", "/v1/calls/c1/reject", " \n", 200, "decline c1"},
		{"POST", "/v1/calls/c1/hangup", "", 200, "hangup c1"},
		{"POST", "/v1/calls/c1/hold", "", 200, "hold c1"},
		{"POST", "/v1/calls/c1/resume", "", 200, "resume c1"},
		{"POST", "/v1/calls/c1/mute", "", 200, "mute c1"},
		{"POST", "/v1/calls/c1/unmute", "", 200, "unmute c1"},
		{"POST", "/v1/calls/c1/record", "", 200, "record c1"},
		{"POST", "/v1/calls/c1/stoprecord", "", 200, "stoprecord c1"},
		{"POST", "/v1/calls/c1/dtmf", `{"digits":"12#"}`, 200, "dtmf c1 12#"},
		{"POST", "/v1/calls/c1/transfer", `{"to":"carol"}`, 200, "transfer c1 carol"},
		{"POST", "/v1/calls/c1/transfer", `{"consult":"c2"}`, 200, "attended c1 c2"},
		{"POST", "/v1/conference", `{"calls":["c1","c2"]}`, 200, "merge c1,c2"},
		{"POST", "/v1/messages", `{"to":"bob","text":"hi"}`, 202, "message bob hi"},
		{"GET", "/v1/contacts?search=an", "", 200, "contacts an"},
	} {
		code, body := do(t, hs, c.method, c.path, c.body, testToken)
		if code != c.want {
			t.Errorf("%s %s %s: %d %v, want %d", c.method, c.path, c.body, code, body, c.want)
		}
		if l := p.log(); len(l) == 0 || l[len(l)-1] != c.logged {
			t.Errorf("%s %s %s: the phone was asked %v, want last %q", c.method, c.path, c.body, l, c.logged)
		}
	}
}

func TestBadRequestsAndPhoneErrorsGetFittingStatuses(t *testing.T) {
	p, _, hs := newTestServer(t)
	n := len(p.log())
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/v1/calls", `{}`, 400},
		{"POST", "/v1/calls", `{"to":"bob","colour":"red"}`, 400},
		{"POST", "/v1/calls", `not json`, 400},
		{"POST", "/v1/calls/c1/dtmf", `{}`, 400},
		{"POST", "/v1/calls/c1/reject", `{"code":200}`, 400},
		{"POST", "/v1/calls/c1/transfer", `{}`, 400},
		{"POST", "/v1/calls/c1/transfer", `{"to":"a","consult":"c2"}`, 400},
		{"POST", "/v1/conference", `{"calls":["c1"]}`, 400},
		{"POST", "/v1/messages", `{"to":"bob"}`, 400},
		{"GET", "/v1/history?limit=0", "", 400},
		{"GET", "/v1/history?limit=x", "", 400},
		{"GET", "/v1/calls/nope", "", 404},
		{"GET", "/v1/history", "", 503}, // the fake has no records
		{"POST", "/v1/calls", strings.Repeat(" ", maxBody+1) + `{"to":"x"}`, 400},
	} {
		code, body := do(t, hs, c.method, c.path, c.body, testToken)
		if code != c.want || body["error"] == nil || body["error"] == "" {
			t.Errorf("%s %s %.40q: %d %v, want %d with an error", c.method, c.path, c.body, code, body, c.want)
		}
	}
	if l := p.log(); len(l) != n {
		t.Errorf("bad requests reached the phone: %v", l[n:])
	}
	for _, c := range []struct {
		err  error
		want int
	}{
		{core.ErrUnknownCall, 404},
		{core.ErrBadAddress, 400},
		{core.ErrDTMFDigit, 400},
		{core.ErrNotRecording, 409},
		{core.ErrNoRecords, 503},
		{io.ErrUnexpectedEOF, 500},
	} {
		p.mu.Lock()
		p.err = c.err
		p.mu.Unlock()
		if code, body := do(t, hs, "POST", "/v1/calls/c1/hangup", "", testToken); code != c.want || body["error"] != c.err.Error() {
			t.Errorf("phone error %v: %d %v, want %d with its text", c.err, code, body, c.want)
		}
	}
}

func TestCORSPreflightAndOrigin(t *testing.T) {
	_, _, hs := newTestServer(t)
	req, _ := http.NewRequest(http.MethodOptions, hs.URL+"/v1/calls", nil)
	req.Header.Set("Origin", "https://crm.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}
