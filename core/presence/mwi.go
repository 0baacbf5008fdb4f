// Package presence reads and writes the bodies of SIP event packages: the
// message summary of voicemail (RFC 3842), dialog state for busy lamps
// (RFC 4235) and presence documents (PIDF, RFC 3863). It does no I/O.
package presence

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxBody bounds the bodies the parsers accept: real documents are a few
// hundred bytes, and a hostile peer must not make us chew megabytes.
const MaxBody = 64 << 10

// ErrTooLarge is returned for a body over MaxBody.
var ErrTooLarge = errors.New("presence: body too large")

// Counts are the messages of one class: new and old, and of those the
// urgent ones (RFC 3842 "new/old (urgent-new/urgent-old)").
type Counts struct {
	New, Old             int
	UrgentNew, UrgentOld int
}

// MessageSummary is an application/simple-message-summary body.
type MessageSummary struct {
	Waiting bool   // Messages-Waiting: yes
	Account string // Message-Account, when given
	// Classes holds the counts by message class in lower case
	// ("voice-message", "fax-message", ...).
	Classes map[string]Counts
}

// Voice is the voice-message counts (zero when absent).
func (s MessageSummary) Voice() Counts { return s.Classes["voice-message"] }

// messageClasses are RFC 3458's message-context-class values.
var messageClasses = map[string]bool{
	"voice-message": true, "fax-message": true, "pager-message": true,
	"multimedia-message": true, "text-message": true, "none": true,
}

// ParseMessageSummary reads a message-summary body. Messages-Waiting is
// required; unknown headers (and the optional message headers after the
// blank line) are ignored; a malformed count line is an error.
func ParseMessageSummary(body []byte) (MessageSummary, error) {
	if len(body) > MaxBody {
		return MessageSummary{}, ErrTooLarge
	}
	var s MessageSummary
	seenWaiting := false
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	for line := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(line) == "" {
			if seenWaiting {
				break // the message headers (RFC 3842 5.2) follow: not ours
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return MessageSummary{}, fmt.Errorf("presence: message summary: line %q has no colon", line)
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		switch {
		case name == "messages-waiting":
			switch strings.ToLower(value) {
			case "yes":
				s.Waiting = true
			case "no":
				s.Waiting = false
			default:
				return MessageSummary{}, fmt.Errorf("presence: Messages-Waiting %q: want yes or no", value)
			}
			seenWaiting = true
		case name == "message-account":
			s.Account = value
		case messageClasses[name]:
			c, err := parseCounts(value)
			if err != nil {
				return MessageSummary{}, fmt.Errorf("presence: %s: %w", name, err)
			}
			if s.Classes == nil {
				s.Classes = map[string]Counts{}
			}
			s.Classes[name] = c
		}
	}
	if !seenWaiting {
		return MessageSummary{}, errors.New("presence: message summary without Messages-Waiting")
	}
	return s, nil
}

// parseCounts reads "new/old" with an optional " (urgent-new/urgent-old)".
func parseCounts(v string) (Counts, error) {
	main, urgent, hasUrgent := strings.Cut(v, "(")
	var c Counts
	var err error
	if c.New, c.Old, err = pair(main); err != nil {
		return Counts{}, err
	}
	if hasUrgent {
		inner, ok := strings.CutSuffix(strings.TrimSpace(urgent), ")")
		if !ok {
			return Counts{}, fmt.Errorf("counts %q: unclosed parenthesis", v)
		}
		if c.UrgentNew, c.UrgentOld, err = pair(inner); err != nil {
			return Counts{}, err
		}
	}
	return c, nil
}

// maxCount keeps absurd counts out (a mailbox does not hold a billion messages).
const maxCount = 1_000_000

func pair(s string) (int, int, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, 0, fmt.Errorf("counts %q: want new/old", s)
	}
	n, err1 := strconv.Atoi(strings.TrimSpace(a))
	o, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || n < 0 || o < 0 || n > maxCount || o > maxCount {
		return 0, 0, fmt.Errorf("counts %q: want two numbers from 0 to %d", s, maxCount)
	}
	return n, o, nil
}

// Format writes the summary as an application/simple-message-summary
// body (classes in a fixed order, so the output is stable).
func (s MessageSummary) Format() []byte {
	var b strings.Builder
	if s.Waiting {
		b.WriteString("Messages-Waiting: yes\r\n")
	} else {
		b.WriteString("Messages-Waiting: no\r\n")
	}
	if s.Account != "" {
		fmt.Fprintf(&b, "Message-Account: %s\r\n", s.Account)
	}
	for _, class := range []string{"voice-message", "fax-message", "pager-message", "multimedia-message", "text-message", "none"} {
		c, ok := s.Classes[class]
		if !ok {
			continue
		}
		name := strings.ToUpper(class[:1]) + class[1:]
		if i := strings.IndexByte(name, '-'); i >= 0 && i+1 < len(name) {
			name = name[:i+1] + strings.ToUpper(name[i+1:i+2]) + name[i+2:]
		}
		fmt.Fprintf(&b, "%s: %d/%d (%d/%d)\r\n", name, c.New, c.Old, c.UrgentNew, c.UrgentOld)
	}
	return []byte(b.String())
}
