package sip

import (
	"strconv"
	"strings"
	"time"
)

// Call-handling hints a caller may put in its INVITE, next to the 302 we
// may answer it with: an intercom or paging caller asks us to answer by
// ourselves, at once or after a delay.

// MaxAnswerAfter bounds an answer-after hint; longer ones are ignored.
const MaxAnswerAfter = time.Hour

// AnswerAfter is the caller's auto-answer hint: ok when the INVITE asks to
// be answered without the user, after delay. It reads the forms phones
// send: `Call-Info: <uri>;answer-after=N` (RFC 7462's style),
// `Alert-Info: <uri>;info=alert-autoanswer[;delay=N]` and
// `Answer-Mode: Auto` (RFC 5373).
func (in *Incoming) AnswerAfter() (delay time.Duration, ok bool) {
	values := func(name string) []string {
		var out []string
		for _, h := range in.req.GetHeaders(name) {
			out = append(out, h.Value())
		}
		return out
	}
	return ParseAnswerAfter(values("Call-Info"), values("Alert-Info"), values("Answer-Mode"))
}

// ParseAnswerAfter reads the auto-answer hint from the values of the
// Call-Info, Alert-Info and Answer-Mode headers; the shortest delay wins.
// Malformed or out-of-range values are ignored, not guessed at.
func ParseAnswerAfter(callInfo, alertInfo, answerMode []string) (delay time.Duration, ok bool) {
	take := func(d time.Duration) {
		if !ok || d < delay {
			delay, ok = d, true
		}
	}
	for _, v := range callInfo {
		for _, e := range splitEntries(v) {
			if d, found := seconds(entryParams(e), "answer-after"); found {
				take(d)
			}
		}
	}
	for _, v := range alertInfo {
		for _, e := range splitEntries(v) {
			ps := entryParams(e)
			if d, found := seconds(ps, "answer-after"); found {
				take(d)
				continue
			}
			if info, has := ps["info"]; has && strings.EqualFold(strings.Trim(info, `"`), "alert-autoanswer") {
				d, found := seconds(ps, "delay")
				_, hasDelay := ps["delay"]
				switch {
				case found:
					take(d)
				case !hasDelay:
					take(0)
				}
			}
		}
	}
	for _, v := range answerMode {
		mode, _, _ := strings.Cut(v, ";")
		if strings.EqualFold(strings.TrimSpace(mode), "auto") {
			take(0)
		}
	}
	return delay, ok
}

// splitEntries splits a header value on the commas between entries,
// leaving those inside <...> or quotes.
func splitEntries(v string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			depth++
		case c == '>' && depth > 0:
			depth--
		case c == ',' && depth == 0:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

// entryParams returns the lower-cased parameters after an entry's <uri>
// (or, without one, after its first ';'): "answer-after" → "5".
func entryParams(e string) map[string]string {
	e = strings.TrimSpace(e)
	rest := e
	if strings.HasPrefix(e, "<") {
		i := strings.IndexByte(e, '>')
		if i < 0 {
			return nil
		}
		rest = e[i+1:]
	} else if i := strings.IndexByte(e, ';'); i >= 0 {
		rest = e[i:]
	} else if strings.Contains(e, "=") {
		rest = ";" + e // "info=alert-autoanswer" alone
	}
	ps := map[string]string{}
	for _, p := range strings.Split(rest, ";")[1:] {
		k, v, _ := strings.Cut(p, "=")
		ps[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return ps
}

// seconds reads a whole number of seconds in [0, MaxAnswerAfter].
func seconds(ps map[string]string, key string) (time.Duration, bool) {
	v, has := ps[key]
	if !has || v == "" || len(v) > 5 {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || time.Duration(n)*time.Second > MaxAnswerAfter {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}
