package sip

import (
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// Credentials answer digest challenges (RFC 3261 22, RFC 8760).
type Credentials struct {
	Username string
	Password string
}

// algorithmRank orders the algorithms we can answer: stronger first. A
// server that offers several (RFC 8760) lists one challenge per algorithm.
var algorithmRank = map[string]int{"SHA-512-256": 3, "SHA-256": 2, "MD5": 1, "": 1}

// authorize adds Authorization (401) or Proxy-Authorization (407) to req for
// the strongest challenge in res that we support, keeping the answers to
// other realms (a proxy and a registrar may both challenge, RFC 3261 22.3).
// It returns which challenge it answered (header and realm) and whether it
// was marked stale (the old nonce expired, the password is fine).
func authorize(req *sip.Request, res *sip.Response, cred Credentials) (key string, stale bool, err error) {
	challengeHdr, answerHdr := "WWW-Authenticate", "Authorization"
	if res.StatusCode == sip.StatusProxyAuthRequired {
		challengeHdr, answerHdr = "Proxy-Authenticate", "Proxy-Authorization"
	}
	var best *digest.Challenge
	for _, h := range res.GetHeaders(challengeHdr) {
		chal, err := digest.ParseChallenge(h.Value())
		if err != nil {
			continue // another scheme (Basic, Bearer) or garbage: look further
		}
		chal.Algorithm = strings.ToUpper(chal.Algorithm)
		for i, q := range chal.QOP {
			// The qop list allows spaces after commas ("auth-int, auth").
			chal.QOP[i] = strings.TrimSpace(q)
		}
		rank, ok := algorithmRank[chal.Algorithm]
		if !ok || !digest.CanDigest(chal) || (len(chal.QOP) > 0 && !chal.SupportsQOP("auth")) {
			continue
		}
		if best == nil || rank > algorithmRank[best.Algorithm] {
			best = chal
		}
	}
	if best == nil {
		return "", false, fmt.Errorf("%w: no supported digest challenge in %d response", ErrAuth, res.StatusCode)
	}
	answer, err := digest.Digest(best, digest.Options{
		Method:   req.Method.String(),
		URI:      req.Recipient.String(), // the digest-uri is the Request-URI as sent
		Username: cred.Username,
		Password: cred.Password,
	})
	if err != nil {
		return "", false, fmt.Errorf("%w: %v", ErrAuth, err)
	}
	// Replace only our earlier answer to this realm.
	var keep []sip.Header
	for _, h := range req.GetHeaders(answerHdr) {
		if c, err := digest.ParseCredentials(h.Value()); err == nil && c.Realm != best.Realm {
			keep = append(keep, h)
		}
	}
	req.RemoveHeader(answerHdr)
	for _, h := range keep {
		req.AppendHeader(h)
	}
	req.AppendHeader(sip.NewHeader(answerHdr, answer.String()))
	return answerHdr + " " + best.Realm, best.Stale, nil
}
