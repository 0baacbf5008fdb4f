package media

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"
)

// ErrDTMFInfo means a SIP INFO body carries no DTMF digit we understand.
var ErrDTMFInfo = errors.New("media: bad DTMF INFO body")

// dtmfInfoMaxDuration bounds Duration=: a key is not held for minutes.
const dtmfInfoMaxDuration = time.Minute

// DTMFInfo is a digit sent in a SIP INFO request.
type DTMFInfo struct {
	Digit    rune
	Duration time.Duration // 0 when the body gives none
}

// ParseDTMFInfo reads the body of a SIP INFO request of content type
// application/dtmf-relay ("Signal=5\r\nDuration=160", Duration in ms) or
// application/dtmf ("5"). Signals may be digits (0-9 * # A-D) or event
// codes 0-15, as some phones send "Signal=11" for #.
func ParseDTMFInfo(contentType string, body []byte) (DTMFInfo, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return DTMFInfo{}, fmt.Errorf("%w: content type %q: %w", ErrDTMFInfo, contentType, err)
	}
	switch mt {
	case "application/dtmf":
		d, err := dtmfSignal(string(bytes.TrimSpace(body)))
		return DTMFInfo{Digit: d}, err
	case "application/dtmf-relay":
		return parseDTMFRelay(body)
	}
	return DTMFInfo{}, fmt.Errorf("%w: content type %q", ErrDTMFInfo, mt)
}

func parseDTMFRelay(body []byte) (DTMFInfo, error) {
	var info DTMFInfo
	signal := false
	for line := range strings.Lines(string(body)) {
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			if strings.TrimSpace(line) == "" {
				continue
			}
			return DTMFInfo{}, fmt.Errorf("%w: line %q", ErrDTMFInfo, strings.TrimSpace(line))
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch {
		case strings.EqualFold(key, "Signal"):
			d, err := dtmfSignal(val)
			if err != nil {
				return DTMFInfo{}, err
			}
			info.Digit, signal = d, true
		case strings.EqualFold(key, "Duration"):
			ms, err := strconv.ParseUint(val, 10, 32)
			if err != nil || time.Duration(ms)*time.Millisecond > dtmfInfoMaxDuration {
				return DTMFInfo{}, fmt.Errorf("%w: duration %q", ErrDTMFInfo, val)
			}
			info.Duration = time.Duration(ms) * time.Millisecond
		}
		// Other keys (some phones add their own) are no concern of ours.
	}
	if !signal {
		return DTMFInfo{}, fmt.Errorf("%w: no Signal", ErrDTMFInfo)
	}
	return info, nil
}

// dtmfSignal reads a digit, or an event code 0-15.
func dtmfSignal(s string) (rune, error) {
	if n, err := strconv.ParseUint(s, 10, 8); err == nil {
		d, err := DTMFEventDigit(uint8(n))
		if err != nil {
			return 0, fmt.Errorf("%w: signal %q: %w", ErrDTMFInfo, s, err)
		}
		return d, nil
	}
	if r := []rune(s); len(r) == 1 {
		if code, err := DTMFEventCode(r[0]); err == nil {
			return rune(dtmfDigits[code]), nil
		}
	}
	return 0, fmt.Errorf("%w: signal %q", ErrDTMFInfo, s)
}
