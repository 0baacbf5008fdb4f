package sip

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// parseResponse parses raw SIP text (lines joined with CRLF) into a response.
func parseResponse(t *testing.T, lines ...string) *sip.Response {
	t.Helper()
	raw := strings.Join(lines, "\r\n") + "\r\nContent-Length: 0\r\n\r\n"
	msg, err := sip.ParseMessage([]byte(raw))
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	res, ok := msg.(*sip.Response)
	if !ok {
		t.Fatalf("not a response: %q", raw)
	}
	return res
}

// challengeResponse is a 401/407 carrying the given challenge headers
// ("WWW-Authenticate: Digest ...").
func challengeResponse(t *testing.T, status string, headers ...string) *sip.Response {
	t.Helper()
	lines := append([]string{
		"SIP/2.0 " + status,
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKtest",
		"From: <sip:alice@example.com>;tag=abc",
		"To: <sip:alice@example.com>;tag=def",
		"Call-ID: call-1",
		"CSeq: 1 REGISTER",
	}, headers...)
	return parseResponse(t, lines...)
}

func registerRequest() *sip.Request {
	return sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: "example.com", Port: 5080})
}

var authParamRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9-]*)=("([^"]*)"|[^,\s]*)`)

// parseAuth parses a "Digest k=v, k="v"" header value without the digest
// library, so the test does not check the library against itself.
func parseAuth(value string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(value, "Digest ")
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for _, m := range authParamRE.FindAllStringSubmatch(rest, -1) {
		v := m[2]
		if strings.HasPrefix(v, `"`) {
			v = m[3]
		}
		out[strings.ToLower(m[1])] = v
	}
	return out, true
}

func hexHash(newHash func() hash.Hash, parts ...string) string {
	h := newHash()
	h.Write([]byte(strings.Join(parts, ":")))
	return hex.EncodeToString(h.Sum(nil))
}

// digestResponse recomputes the response of RFC 2617 / RFC 7616 from the
// answer's own parameters, the method and the password ("" for an
// algorithm the test does not know).
func digestResponse(p map[string]string, method, password string) string {
	var newHash func() hash.Hash
	switch strings.ToUpper(p["algorithm"]) {
	case "", "MD5":
		newHash = md5.New
	case "SHA-256":
		newHash = sha256.New
	default:
		return ""
	}
	ha1 := hexHash(newHash, p["username"], p["realm"], password)
	ha2 := hexHash(newHash, method, p["uri"])
	if p["qop"] == "" {
		return hexHash(newHash, ha1, p["nonce"], ha2)
	}
	return hexHash(newHash, ha1, p["nonce"], p["nc"], p["cnonce"], p["qop"], ha2)
}

// checkAnswer verifies the digest answer in req's hdr header against
// password and the Request-URI; it returns the answer's parameters.
func checkAnswer(req *sip.Request, hdr, password string) (map[string]string, error) {
	hs := req.GetHeaders(hdr)
	if len(hs) != 1 {
		return nil, fmt.Errorf("want one %s header, got %d", hdr, len(hs))
	}
	p, ok := parseAuth(hs[0].Value())
	if !ok {
		return nil, fmt.Errorf("not a Digest answer: %q", hs[0].Value())
	}
	if want := digestResponse(p, req.Method.String(), password); want == "" || p["response"] != want {
		return p, fmt.Errorf("response = %s, want %s (answer %s)", p["response"], want, hs[0].Value())
	}
	if got, want := p["uri"], req.Recipient.String(); got != want {
		return p, fmt.Errorf("digest uri = %q, want the Request-URI %q", got, want)
	}
	return p, nil
}

var testCred = Credentials{Username: "alice", Password: "pa55-w0rd!"}

// answerOf runs authorize and returns the parsed answer header.
func answerOf(t *testing.T, req *sip.Request, res *sip.Response, hdr string) map[string]string {
	t.Helper()
	if _, _, err := authorize(req, res, testCred); err != nil {
		t.Fatalf("authorize: %v", err)
	}
	if strings.Contains(req.String(), testCred.Password) {
		t.Fatalf("password appears in the request:\n%s", req.String())
	}
	p, err := checkAnswer(req, hdr, testCred.Password)
	if err != nil {
		t.Fatal(err)
	}
	if p["username"] != testCred.Username {
		t.Errorf("username = %q", p["username"])
	}
	return p
}

const (
	md5Chal    = `WWW-Authenticate: Digest realm="example.com", nonce="md5nonce", algorithm=MD5, qop="auth"`
	sha256Chal = `WWW-Authenticate: Digest realm="example.com", nonce="shanonce", algorithm=SHA-256, qop="auth"`
)

func TestAuthorizePrefersSHA256(t *testing.T) {
	for name, hdrs := range map[string][]string{
		"md5 first":    {md5Chal, sha256Chal},
		"sha256 first": {sha256Chal, md5Chal},
	} {
		t.Run(name, func(t *testing.T) {
			req := registerRequest()
			p := answerOf(t, req, challengeResponse(t, "401 Unauthorized", hdrs...), "Authorization")
			if p["algorithm"] != "SHA-256" || p["nonce"] != "shanonce" {
				t.Errorf("answered algorithm %q nonce %q, want SHA-256 shanonce", p["algorithm"], p["nonce"])
			}
			if req.GetHeader("Proxy-Authorization") != nil {
				t.Error("401 answered with Proxy-Authorization")
			}
		})
	}
}

func TestAuthorizeMD5QopAuth(t *testing.T) {
	req := registerRequest()
	p := answerOf(t, req, challengeResponse(t, "401 Unauthorized",
		`WWW-Authenticate: Digest realm="example.com", nonce="abc123", opaque="op-1", algorithm=md5, qop="auth"`), "Authorization")
	if p["qop"] != "auth" || p["nc"] != "00000001" || p["cnonce"] == "" {
		t.Errorf("qop=%q nc=%q cnonce=%q, want auth 00000001 and a cnonce", p["qop"], p["nc"], p["cnonce"])
	}
	if p["opaque"] != "op-1" || p["realm"] != "example.com" || p["nonce"] != "abc123" {
		t.Errorf("opaque/realm/nonce not echoed: %v", p)
	}
	if p["uri"] != "sip:example.com:5080" {
		t.Errorf("uri = %q", p["uri"])
	}
}

func TestAuthorizeNoQopNoAlgorithm(t *testing.T) {
	// RFC 2069 style: no qop, no algorithm (MD5 by default).
	req := registerRequest()
	p := answerOf(t, req, challengeResponse(t, "401 Unauthorized",
		`WWW-Authenticate: Digest realm="example.com", nonce="plain"`), "Authorization")
	if p["qop"] != "" || p["cnonce"] != "" {
		t.Errorf("qop/cnonce sent for a challenge without qop: %v", p)
	}
}

func TestAuthorizeProxy407(t *testing.T) {
	req := registerRequest()
	res := challengeResponse(t, "407 Proxy Authentication Required",
		`Proxy-Authenticate: Digest realm="proxy.example.com", nonce="pn", algorithm=MD5, qop="auth"`)
	p := answerOf(t, req, res, "Proxy-Authorization")
	if p["realm"] != "proxy.example.com" {
		t.Errorf("realm = %q", p["realm"])
	}
	if req.GetHeader("Authorization") != nil {
		t.Error("407 answered with Authorization")
	}

	// A 407 that only carries WWW-Authenticate is not answerable.
	res = challengeResponse(t, "407 Proxy Authentication Required", md5Chal)
	if _, _, err := authorize(registerRequest(), res, testCred); !errors.Is(err, ErrAuth) {
		t.Errorf("407 with WWW-Authenticate only: err = %v, want ErrAuth", err)
	}
}

func TestAuthorizeReplacesPreviousAnswer(t *testing.T) {
	req := registerRequest()
	answerOf(t, req, challengeResponse(t, "401 Unauthorized", md5Chal), "Authorization")
	p := answerOf(t, req, challengeResponse(t, "401 Unauthorized",
		`WWW-Authenticate: Digest realm="example.com", nonce="second", qop="auth"`), "Authorization")
	if p["nonce"] != "second" {
		t.Errorf("nonce = %q, want the new challenge's", p["nonce"])
	}
}

func TestAuthorizeUnsupported(t *testing.T) {
	for name, hdrs := range map[string][]string{
		"no challenge":  nil,
		"md5-sess only": {`WWW-Authenticate: Digest realm="r", nonce="n", algorithm=MD5-sess, qop="auth"`},
		"sha-512 only":  {`WWW-Authenticate: Digest realm="r", nonce="n", algorithm=SHA-512, qop="auth"`},
		"unknown alg":   {`WWW-Authenticate: Digest realm="r", nonce="n", algorithm=AKAv1-MD5`},
		"auth-int only": {`WWW-Authenticate: Digest realm="r", nonce="n", qop="auth-int"`},
		"basic":         {`WWW-Authenticate: Basic realm="r"`},
		"bearer":        {`WWW-Authenticate: Bearer realm="r"`},
		"garbage":       {`WWW-Authenticate: Digest ===`},
	} {
		t.Run(name, func(t *testing.T) {
			req := registerRequest()
			_, _, err := authorize(req, challengeResponse(t, "401 Unauthorized", hdrs...), testCred)
			if !errors.Is(err, ErrAuth) {
				t.Fatalf("err = %v, want ErrAuth", err)
			}
			if req.GetHeader("Authorization") != nil {
				t.Error("Authorization added although no challenge was answered")
			}
		})
	}
}

func TestAuthorizeSkipsOtherSchemes(t *testing.T) {
	req := registerRequest()
	p := answerOf(t, req, challengeResponse(t, "401 Unauthorized",
		`WWW-Authenticate: Basic realm="r"`,
		`WWW-Authenticate: Digest realm="example.com", nonce="n", algorithm=MD5-sess`,
		md5Chal), "Authorization")
	if p["nonce"] != "md5nonce" {
		t.Errorf("answered %v, want the MD5 challenge", p)
	}
}

func TestAuthorizeStale(t *testing.T) {
	for value, want := range map[string]bool{
		`stale=true`:  true,
		`stale=TRUE`:  true,
		`stale=false`: false,
		``:            false,
	} {
		hdr := `WWW-Authenticate: Digest realm="example.com", nonce="n2", qop="auth"`
		if value != "" {
			hdr += ", " + value
		}
		_, stale, err := authorize(registerRequest(), challengeResponse(t, "401 Unauthorized", hdr), testCred)
		if err != nil || stale != want {
			t.Errorf("%q: stale = %v, %v; want %v", value, stale, err, want)
		}
	}
}

// The qop-options of RFC 2617 are a list ("1#qop-value"), which allows
// spaces after the commas; "auth" is offered even when not listed first.
func TestAuthorizeQopListWithSpaces(t *testing.T) {
	req := registerRequest()
	p := answerOf(t, req, challengeResponse(t, "401 Unauthorized",
		`WWW-Authenticate: Digest realm="example.com", nonce="n", qop="auth-int, auth"`), "Authorization")
	if p["qop"] != "auth" {
		t.Errorf("qop = %q, want auth", p["qop"])
	}
}

// An outbound proxy (407) and the registrar (401) may both challenge: the
// answer to the registrar must keep the proxy's credentials (RFC 3261 22.3).
func TestAuthorizeKeepsProxyAnswerWhenRegistrarChallenges(t *testing.T) {
	req := registerRequest()
	answerOf(t, req, challengeResponse(t, "407 Proxy Authentication Required",
		`Proxy-Authenticate: Digest realm="proxy", nonce="pn", qop="auth"`), "Proxy-Authorization")
	answerOf(t, req, challengeResponse(t, "401 Unauthorized", md5Chal), "Authorization")
	if req.GetHeader("Proxy-Authorization") == nil {
		t.Errorf("Proxy-Authorization dropped:\n%s", req.String())
	}
}
