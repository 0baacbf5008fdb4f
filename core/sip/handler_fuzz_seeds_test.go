package sip

import (
	"strconv"
	"strings"
)

// wire joins a request's start line and headers with CRLF and adds the
// body with its Content-Length.
func wire(body string, lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	b.WriteString(body)
	return b.String()
}

func crlfBody(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

const fuzzOffer = `v=0
o=- 1 1 IN IP4 198.18.0.2
s=-
c=IN IP4 198.18.0.2
t=0 0
m=audio 4000 RTP/AVP 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=sendrecv
`

// inDialog are the headers of a request inside the call newFuzzUA sets up.
func inDialog(method string, cseq int, extra ...string) []string {
	return append([]string{
		method + " sip:softphone@198.18.0.1:5060 SIP/2.0",
		"Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-" + strings.ToLower(method) + strconv.Itoa(cseq),
		"Max-Forwards: 70",
		"From: <sip:alice@198.18.0.2>;tag=" + fuzzFromTag,
		"To: <sip:softphone@198.18.0.1>;tag=" + fuzzUATag,
		"Call-ID: " + fuzzCallID,
		"CSeq: " + strconv.Itoa(cseq) + " " + method,
		"Contact: <sip:alice@198.18.0.2:5060>",
	}, extra...)
}

// inSub are the headers of a NOTIFY of one of newFuzzUA's subscriptions.
func inSub(event string, cseq int, extra ...string) []string {
	return append([]string{
		"NOTIFY sip:softphone@198.18.0.1:5060 SIP/2.0",
		"Via: SIP/2.0/UDP 198.18.0.3:5060;branch=z9hG4bK-n" + strconv.Itoa(cseq),
		"From: <sip:bob@198.18.0.3>;tag=notifier",
		"To: <sip:softphone@198.18.0.1>;tag=" + fuzzSubTag,
		"Call-ID: " + fuzzSubCallID(event),
		"CSeq: " + strconv.Itoa(cseq) + " NOTIFY",
		"Event: " + event,
		"Contact: <sip:bob@198.18.0.3:5060>",
	}, extra...)
}

var fuzzInvite = wire(crlfBody(fuzzOffer),
	"INVITE sip:softphone@198.18.0.1:5060 SIP/2.0",
	"Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-setup;rport",
	"Max-Forwards: 70",
	"From: \"Alice\" <sip:alice@198.18.0.2>;tag="+fuzzFromTag,
	"To: <sip:softphone@198.18.0.1>",
	"Call-ID: "+fuzzCallID,
	"CSeq: 1 INVITE",
	"Contact: <sip:alice@198.18.0.2:5060>",
	"Allow: INVITE, ACK, CANCEL, BYE, REFER, NOTIFY, INFO",
	"Content-Type: application/sdp",
)

const (
	dialogInfoBody = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:bob@198.18.0.3">
<dialog id="d1" call-id="x@198.18.0.3" local-tag="a" remote-tag="b" direction="recipient">
<state>early</state>
<remote><identity display="Carol">sip:carol@198.18.0.4</identity></remote>
</dialog>
</dialog-info>
`
	pidfBody = `<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@198.18.0.3">
<tuple id="t1"><status><basic>open</basic></status><note>Lunch</note></tuple>
</presence>
`
	mwiBody = "Messages-Waiting: yes\r\nMessage-Account: sip:*97@198.18.0.3\r\nVoice-Message: 2/8 (0/2)\r\n"
)

var fuzzMessage = wire("Hello, are you there? \u00e9",
	"MESSAGE sip:softphone@198.18.0.1 SIP/2.0",
	"Via: SIP/2.0/UDP 198.18.0.2;branch=z9hG4bK-m1",
	"From: \"Alice\" <sip:alice@198.18.0.2>;tag=m1",
	"To: <sip:softphone@198.18.0.1>",
	"Call-ID: msg-1@198.18.0.2",
	"CSeq: 1 MESSAGE",
	"Content-Type: text/plain;charset=UTF-8",
)

func fuzzRequestSeeds() []string {
	out := []string{
		fuzzInvite,
		// A new call that replaces another (attended transfer, pickup), late offer.
		wire("",
			"INVITE sip:softphone@198.18.0.1:5060;transport=tcp SIP/2.0",
			"Via: SIP/2.0/TCP 198.18.0.4:5060;branch=z9hG4bK-r1",
			"From: <sip:carol@198.18.0.4>;tag=c1",
			"To: \"Me\" <sip:softphone@198.18.0.1>",
			"Call-ID: new-1@198.18.0.4",
			"CSeq: 7 INVITE",
			"Contact: <sip:carol@198.18.0.4;transport=tcp>",
			"Replaces: "+fuzzCallID+";to-tag="+fuzzUATag+";from-tag="+fuzzFromTag+";early-only",
			"Referred-By: <sip:alice@198.18.0.2>",
			"Call-Info: <sip:198.18.0.3>;answer-after=0",
		),
		// An offer we cannot take, and one without a Contact.
		wire("v=0\r\nm=video 0 RTP/AVP 96\r\n",
			"INVITE sip:softphone@198.18.0.1 SIP/2.0",
			"Via: SIP/2.0/UDP 198.18.0.2;branch=z9hG4bK-bad",
			"From: <sip:alice@198.18.0.2>;tag=x",
			"To: <sip:softphone@198.18.0.1>",
			"Call-ID: bad@198.18.0.2",
			"CSeq: 1 INVITE",
			"Contact: <sip:alice@198.18.0.2>",
			"Content-Type: application/sdp",
		),
		wire("",
			"INVITE sip:softphone@198.18.0.1 SIP/2.0",
			"Via: SIP/2.0/UDP 198.18.0.2;branch=z9hG4bK-nc",
			"From: <sip:alice@198.18.0.2>;tag=x",
			"To: <sip:softphone@198.18.0.1>",
			"Call-ID: nc@198.18.0.2",
			"CSeq: 1 INVITE",
		),
		// Hold: a re-INVITE with sendonly.
		wire(crlfBody(strings.Replace(fuzzOffer, "sendrecv", "sendonly", 1)),
			append(inDialog("INVITE", 2), "Content-Type: application/sdp")...),
		wire("", inDialog("ACK", 1)...),
		wire("", inDialog("BYE", 3)...),
		wire("Signal=5\r\nDuration=160\r\n", append(inDialog("INFO", 4), "Content-Type: application/dtmf-relay")...),
		wire("#", append(inDialog("INFO", 5), "Content-Type: application/dtmf")...),
		wire("", append(inDialog("REFER", 6),
			"Refer-To: <sip:carol@198.18.0.4>",
			"Referred-By: \"Alice\" <sip:alice@198.18.0.2>")...),
		wire("", append(inDialog("REFER", 7),
			"Refer-To: <sip:carol@198.18.0.4?Replaces=xfer-2%40198.18.0.4%3Bto-tag%3Dt2%3Bfrom-tag%3Df2>",
			"b: <sip:alice@198.18.0.2>")...),
		wire("", append(inDialog("REFER", 8), "r: tel:+15550100")...),
		wire("SIP/2.0 180 Ringing\r\n", append(inDialog("NOTIFY", 9),
			"Event: refer", "Subscription-State: active;expires=60", "Content-Type: message/sipfrag;version=2.0")...),
		wire("SIP/2.0 200 OK\r\n", append(inDialog("NOTIFY", 10),
			"Event: refer;id=7", "Subscription-State: terminated;reason=noresource", "Content-Type: message/sipfrag")...),
		wire(crlfBody(dialogInfoBody), append(inSub("dialog", 2),
			"Subscription-State: active;expires=3600", "Content-Type: application/dialog-info+xml")...),
		wire(crlfBody(pidfBody), append(inSub("presence", 3),
			"Subscription-State: terminated;reason=probation;retry-after=30", "Content-Type: application/pidf+xml")...),
		wire(mwiBody, append(inSub("message-summary", 4),
			"Subscription-State: active;expires=600", "Content-Type: application/simple-message-summary")...),
		// Unsolicited MWI (no To tag).
		wire(mwiBody,
			"NOTIFY sip:softphone@198.18.0.1 SIP/2.0",
			"Via: SIP/2.0/UDP 198.18.0.3;branch=z9hG4bK-mwi",
			"From: <sip:voicemail@198.18.0.3>;tag=vm",
			"To: <sip:softphone@198.18.0.1>",
			"Call-ID: mwi@198.18.0.3",
			"CSeq: 1 NOTIFY",
			"Event: message-summary",
			"Content-Type: application/simple-message-summary",
		),
		fuzzMessage,
		wire(`<?xml version="1.0"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>active</state></isComposing>`,
			"MESSAGE sip:softphone@198.18.0.1 SIP/2.0",
			"Via: SIP/2.0/UDP 198.18.0.2;branch=z9hG4bK-m2",
			"From: <sip:alice@198.18.0.2>;tag=m2",
			"To: <sip:softphone@198.18.0.1>",
			"Call-ID: msg-2@198.18.0.2",
			"CSeq: 2 MESSAGE",
			"Content-Type: application/im-iscomposing+xml",
		),
		wire("caf\xe9",
			"MESSAGE sip:softphone@198.18.0.1 SIP/2.0",
			"Via: SIP/2.0/UDP 198.18.0.2;branch=z9hG4bK-m3",
			"From: <sip:alice@198.18.0.2>;tag=m3",
			"To: <sip:softphone@198.18.0.1>;tag=not-ours",
			"Call-ID: msg-3@198.18.0.2",
			"CSeq: 3 MESSAGE",
			"Content-Type: text/plain; charset=ISO-8859-1",
		),
		wire("",
			"OPTIONS sip:softphone@198.18.0.1 SIP/2.0",
			"Via: SIP/2.0/UDP 198.18.0.2;branch=z9hG4bK-o1",
			"From: <sip:alice@198.18.0.2>;tag=o1",
			"To: <sip:softphone@198.18.0.1>",
			"Call-ID: opt@198.18.0.2",
			"CSeq: 1 OPTIONS",
			"Accept: application/sdp",
		),
		wire("",
			"CANCEL sip:softphone@198.18.0.1 SIP/2.0",
			"Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-setup",
			"From: <sip:alice@198.18.0.2>;tag="+fuzzFromTag,
			"To: <sip:softphone@198.18.0.1>",
			"Call-ID: "+fuzzCallID,
			"CSeq: 1 CANCEL",
		),
		// A BYE for no dialog of ours, and one with a lower CSeq.
		wire("",
			"BYE sip:softphone@198.18.0.1 SIP/2.0",
			"Via: SIP/2.0/UDP 198.18.0.2;branch=z9hG4bK-b9",
			"From: <sip:alice@198.18.0.2>;tag=zz",
			"To: <sip:softphone@198.18.0.1>;tag=yy",
			"Call-ID: gone@198.18.0.2",
			"CSeq: 9 BYE",
		),
		wire("", inDialog("BYE", 0)...),
		"INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bKx\r\nCSeq: 1 INVITE\r\n\r\n",
		"\x00\xff garbage \r\n\r\n",
	}
	return out
}

// fuzzSequenceSeeds are requests that make sense one after the other.
func fuzzSequenceSeeds() [][]string {
	refer := wire("", append(inDialog("REFER", 6), "Refer-To: <sip:carol@198.18.0.4>")...)
	referAgain := wire("", append(inDialog("REFER", 7), "Refer-To: <sip:dave@198.18.0.5>")...)
	progress := wire("SIP/2.0 100 Trying\r\n", append(inDialog("NOTIFY", 8),
		"Event: refer", "Subscription-State: active", "Content-Type: message/sipfrag")...)
	final := wire("SIP/2.0 503 Service Unavailable\r\n", append(inDialog("NOTIFY", 9),
		"Event: refer", "Subscription-State: terminated", "Content-Type: message/sipfrag")...)
	bye := wire("", inDialog("BYE", 10)...)
	info := wire("Signal=1\r\nDuration=100\r\n", append(inDialog("INFO", 11), "Content-Type: application/dtmf-relay")...)
	blf := func(cseq int, state string) string {
		return wire(crlfBody(dialogInfoBody), append(inSub("dialog", cseq),
			"Subscription-State: "+state, "Content-Type: application/dialog-info+xml")...)
	}
	return [][]string{
		{refer, referAgain, progress, final},
		{progress, bye, final, info},
		{bye, bye, refer},
		{fuzzRequestSeeds()[1], bye},
		{blf(5, "active"), blf(5, "active"), blf(4, "active"), blf(6, "terminated;reason=rejected")},
		{fuzzMessage, fuzzMessage},
	}
}
