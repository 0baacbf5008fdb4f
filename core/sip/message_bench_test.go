package sip

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// The benchmarks here measure what the SIP layer does per message: parse
// what arrives (with sipgo's parser, as its UDP transport does), build and
// serialize what we send, and answer a digest challenge. None sends a
// packet; the UAs they build requests with listen on loopback only.

// benchSDP is an offer like the one our phone sends (Opus, G.722, PCMU,
// PCMA, telephone-event).
var benchSDP = strings.Join([]string{
	"v=0",
	"o=- 3912563021 3912563021 IN IP4 192.0.2.10",
	"s=softphone",
	"c=IN IP4 192.0.2.10",
	"t=0 0",
	"m=audio 40000 RTP/AVP 111 9 0 8 101",
	"a=rtpmap:111 opus/48000/2",
	"a=fmtp:111 minptime=10;useinbandfec=1",
	"a=rtpmap:9 G722/8000",
	"a=rtpmap:0 PCMU/8000",
	"a=rtpmap:8 PCMA/8000",
	"a=rtpmap:101 telephone-event/8000",
	"a=fmtp:101 0-16",
	"a=ptime:20",
	"a=sendrecv",
	"",
}, "\r\n")

// benchAnswerSDP is the far end's answer choosing Opus.
var benchAnswerSDP = strings.Join([]string{
	"v=0",
	"o=- 1707 1708 IN IP4 192.0.2.20",
	"s=-",
	"c=IN IP4 192.0.2.20",
	"t=0 0",
	"m=audio 30000 RTP/AVP 111 101",
	"a=rtpmap:111 opus/48000/2",
	"a=fmtp:111 minptime=10;useinbandfec=1",
	"a=rtpmap:101 telephone-event/8000",
	"a=fmtp:101 0-16",
	"a=ptime:20",
	"a=sendrecv",
	"",
}, "\r\n")

// rawMessage joins header lines with CRLF and appends the body with its
// Content-Length.
func rawMessage(body string, lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}

// benchInvite is an INVITE as it reaches the callee through a proxy
// (Kamailio): two Vias, Record-Route, the caller's offer.
var benchInvite = rawMessage(benchSDP,
	"INVITE sip:bob@192.0.2.20:5062 SIP/2.0",
	"Record-Route: <sip:192.0.2.1;lr;ftag=9fxced76sl>",
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK6a3c.1f2e3d4c5b6a7980.0",
	"Via: SIP/2.0/UDP 192.0.2.10:5060;rport=5060;received=192.0.2.10;branch=z9hG4bK776asdhds",
	"Max-Forwards: 69",
	`From: "Alice" <sip:alice@example.com>;tag=9fxced76sl`,
	"To: <sip:bob@example.com>",
	"Call-ID: 3848276298220188511@192.0.2.10",
	"CSeq: 2 INVITE",
	"Contact: <sip:alice@192.0.2.10:5060>",
	"User-Agent: softphone",
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO",
	"Supported: replaces, timer",
	"Content-Type: application/sdp",
)

// bench200 is the callee's 200 OK to that INVITE, as the caller gets it.
var bench200 = rawMessage(benchAnswerSDP,
	"SIP/2.0 200 OK",
	"Via: SIP/2.0/UDP 192.0.2.10:5060;rport=5060;received=192.0.2.10;branch=z9hG4bK776asdhds",
	"Record-Route: <sip:192.0.2.1;lr;ftag=9fxced76sl>",
	`From: "Alice" <sip:alice@example.com>;tag=9fxced76sl`,
	"To: <sip:bob@example.com>;tag=8321234356",
	"Call-ID: 3848276298220188511@192.0.2.10",
	"CSeq: 2 INVITE",
	"Contact: <sip:bob@192.0.2.20:5062>",
	"User-Agent: baresip v3.10.1 (x86_64/Linux)",
	"Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, SUBSCRIBE, INFO, MESSAGE, UPDATE, REFER",
	"Supported: replaces, norefersub",
	"Content-Type: application/sdp",
)

// benchParse parses raw once per iteration with one parser, as sipgo's UDP
// transport does for every datagram, and reads the headers our handlers
// use.
func benchParse(b *testing.B, raw []byte) {
	p := sip.NewParser()
	check := func() {
		msg, err := p.ParseSIP(raw)
		if err != nil {
			b.Fatal(err)
		}
		var from *sip.FromHeader
		switch m := msg.(type) {
		case *sip.Request:
			from = m.From()
		case *sip.Response:
			from = m.From()
		}
		if from == nil || len(msg.Body()) == 0 {
			b.Fatalf("parsed %q: no From or no body", msg.String())
		}
	}
	check()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		check()
	}
}

func BenchmarkParseInvite(b *testing.B) { benchParse(b, benchInvite) }

func BenchmarkParse200OK(b *testing.B) { benchParse(b, bench200) }

// benchUA is a UA on a loopback port: building requests with it needs no
// route lookup and sends nothing.
func benchUA(b *testing.B) *UA {
	ua, err := Listen("127.0.0.1:0", WithLogger(quietLog))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ua.Close() })
	return ua
}

var benchTarget = Target{Username: "alice", Password: "alice-secret", DisplayName: "Alice",
	Domain: "example.com", Proxy: "192.0.2.1:5060", Transport: "udp"}

// BenchmarkNewInvite builds our outgoing INVITE (headers, tags, Call-ID,
// SDP offer) and serializes it as the transport does before sending.
func BenchmarkNewInvite(b *testing.B) {
	ua := benchUA(b)
	to, err := ParseTarget("sip:bob@example.com")
	if err != nil {
		b.Fatal(err)
	}
	o := InviteOptions{From: &benchTarget, Offer: []byte(benchSDP)}
	ctx := context.Background()
	var buf strings.Builder
	b.ReportAllocs()
	for b.Loop() {
		req, _, err := ua.newInvite(ctx, o, to)
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		req.StringWrite(&buf)
	}
	if !strings.HasPrefix(buf.String(), "INVITE sip:bob@example.com SIP/2.0\r\n") {
		b.Fatalf("built %q", buf.String())
	}
}

// BenchmarkNewRegister builds a REGISTER refresh and serializes it.
func BenchmarkNewRegister(b *testing.B) {
	ua := benchUA(b)
	r, err := ua.NewRegistration(benchTarget)
	if err != nil {
		b.Fatal(err)
	}
	dest, err := benchTarget.Destination()
	if err != nil {
		b.Fatal(err)
	}
	ip := ua.Addr().IP
	var buf strings.Builder
	b.ReportAllocs()
	for b.Loop() {
		req, _, err := r.newRequest(dest, ip, 3600)
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		req.StringWrite(&buf)
	}
	if !strings.HasPrefix(buf.String(), "REGISTER sip:example.com SIP/2.0\r\n") {
		b.Fatalf("built %q", buf.String())
	}
}

// BenchmarkDigestAuthorize answers a registrar's 401 (parse the challenge,
// compute the response, add the Authorization header), per algorithm.
func BenchmarkDigestAuthorize(b *testing.B) {
	cred := Credentials{Username: "alice", Password: "alice-secret"}
	for _, alg := range []string{"MD5", "SHA-256"} {
		b.Run(alg, func(b *testing.B) {
			msg, err := sip.ParseMessage(rawMessage("",
				"SIP/2.0 401 Unauthorized",
				"Via: SIP/2.0/UDP 192.0.2.10:5060;rport=5060;received=192.0.2.10;branch=z9hG4bKreg1",
				"From: <sip:alice@example.com>;tag=abc",
				"To: <sip:alice@example.com>;tag=registrar",
				"Call-ID: reg-1",
				"CSeq: 1 REGISTER",
				`WWW-Authenticate: Digest realm="example.com", nonce="Zb1xL2W9cO0hYv3rQ2a8Jm1kTqY=", qop="auth", algorithm=`+alg,
			))
			if err != nil {
				b.Fatal(err)
			}
			res := msg.(*sip.Response)
			req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: "example.com"})
			b.ReportAllocs()
			for b.Loop() {
				// The first answer for this request, as on a fresh challenge.
				req.RemoveHeader("Authorization")
				if _, _, err := authorize(req, res, cred); err != nil {
					b.Fatal(err)
				}
			}
			if h := req.GetHeader("Authorization"); h == nil || !strings.Contains(h.Value(), "algorithm="+alg) {
				b.Fatalf("Authorization %v", h)
			}
		})
	}
}
