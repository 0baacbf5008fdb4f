// Package siptest holds helpers for tests that play a SIP server. It is
// imported only by tests.
package siptest

import (
	"strings"

	"github.com/emiago/sipgo/sip"
)

// Reply builds a raw response to req in the manner of a registrar: req's
// Via, From, Call-ID and CSeq, its To with the tag "registrar", then
// headers and an empty body.
func Reply(req *sip.Request, status string, headers ...string) string {
	return ReplyTag(req, status, "registrar", headers...)
}

// ReplyTag builds a raw response to req: req's Via, From, Call-ID and
// CSeq, its To with toTag added unless it has a tag already (or toTag is
// empty), then headers and an empty body.
func ReplyTag(req *sip.Request, status, toTag string, headers ...string) string {
	var b strings.Builder
	b.WriteString("SIP/2.0 " + status + "\r\n")
	for _, h := range req.GetHeaders("Via") {
		b.WriteString(h.String() + "\r\n")
	}
	b.WriteString(req.From().String() + "\r\n")
	to := req.To().String()
	if toTag != "" && !req.To().Params.Has("tag") {
		to += ";tag=" + toTag
	}
	b.WriteString(to + "\r\n")
	b.WriteString(req.CallID().String() + "\r\n")
	b.WriteString(req.CSeq().String() + "\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	return b.String()
}
