package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/softphone/softphone/core/call"
)

const consoleHelp = `commands (IDs may be a unique prefix; without one, the only or newest call the command applies to):
  dial URI                  place a call (URI, user, number or speed-dial slot)
  answer [ID]               answer a ringing call (a call in progress goes on hold)
  reject [ID] [CODE]        refuse a ringing call (CODE 400-699; by default 486 Busy Here
                            while another call is up, else 603 Decline)
  hangup [ID]               end a call
  hold [ID] / resume [ID]   put a call on hold, take it off
  mute [ID] / unmute [ID]   stop or restart sending the microphone
  dtmf [ID] DIGITS          send DTMF (0-9 * # A-D)
  transfer [ID] TARGET      blind transfer
  atransfer [ID CONSULT_ID] attended transfer: join ID's far end to CONSULT_ID's
  merge [ID ID...]          join calls into a local conference (default: every call up)
  split [ID]                take a call out of its conference
  record [ID] / stoprecord [ID]
  dnd on|off                do not disturb, on every account (saved)
  message TO TEXT...        send a SIP MESSAGE
  voicemail [ACCOUNT]       call the voicemail
  mwi                       show the voicemail status of each account
  watch [URI...]            watch these extensions' busy lamps (replaces the set; no URI: show)
  unwatch                   stop watching every extension
  pickup URI                answer a watched extension's ringing call
  calls                     list the calls
  help                      this text
  quit                      hang up, unregister and exit (also at end of input)
`

// consoleCmd is one parsed console line. IDs are call-ID prefixes as
// typed; empty ones are picked among the calls when the command runs.
type consoleCmd struct {
	name string
	ids  []string
	arg  string   // URI, target, digits, text, account, "on"/"off"
	to   string   // message recipient
	uris []string // watch
	code int      // reject code; 0 = default
}

var errEmptyLine = errors.New("empty line")

// parseConsoleLine parses one console line; comments start with '#'.
// It checks the shape of the arguments; the phone checks the rest.
func parseConsoleLine(line string) (consoleCmd, error) {
	if i := strings.IndexFunc(line, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }); i >= 0 {
		return consoleCmd{}, fmt.Errorf("control character %q in the line", line[i])
	}
	fields := strings.Fields(line)
	if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
		return consoleCmd{}, errEmptyLine
	}
	name, args := strings.ToLower(fields[0]), fields[1:]
	c := consoleCmd{name: name}
	nargs := func(lo, hi int, usage string) error {
		if len(args) < lo || hi >= 0 && len(args) > hi {
			return fmt.Errorf("usage: %s %s", name, usage)
		}
		return nil
	}
	switch name {
	case "dial", "call":
		c.name = "dial"
		if err := nargs(1, 1, "URI"); err != nil {
			return c, err
		}
		c.arg = args[0]
	case "answer", "hangup", "hold", "resume", "split", "record", "stoprecord", "mute", "unmute":
		if err := nargs(0, 1, "[ID]"); err != nil {
			return c, err
		}
		c.ids = args
	case "reject":
		if err := nargs(0, 2, "[ID] [CODE]"); err != nil {
			return c, err
		}
		// One argument: a 3-digit number is the code, anything else an ID.
		if len(args) == 1 && len(args[0]) == 3 && isDigits(args[0]) || len(args) == 2 {
			code, err := rejectCode(args[len(args)-1])
			if err != nil {
				return c, err
			}
			c.code = code
			args = args[:len(args)-1]
		}
		c.ids = args
	case "dtmf":
		if err := nargs(1, 2, "[ID] DIGITS"); err != nil {
			return c, err
		}
		c.ids, c.arg = args[:len(args)-1], strings.ToUpper(args[len(args)-1])
		if strings.Trim(c.arg, "0123456789*#ABCD") != "" {
			return c, fmt.Errorf("dtmf: bad digits %q (want 0-9, *, #, A-D)", args[len(args)-1])
		}
	case "transfer", "xfer":
		c.name = "transfer"
		if err := nargs(1, 2, "[ID] TARGET"); err != nil {
			return c, err
		}
		c.ids, c.arg = args[:len(args)-1], args[len(args)-1]
	case "atransfer":
		if len(args) != 0 && len(args) != 2 {
			return c, errors.New("usage: atransfer [ID CONSULT_ID]")
		}
		c.ids = args
	case "merge", "conference":
		c.name = "merge"
		if len(args) == 1 {
			return c, errors.New("usage: merge [ID ID...] (two calls or more)")
		}
		c.ids = args
	case "dnd":
		if err := nargs(1, 1, "on|off"); err != nil {
			return c, err
		}
		switch strings.ToLower(args[0]) {
		case "on", "off":
			c.arg = strings.ToLower(args[0])
		default:
			return c, errors.New("usage: dnd on|off")
		}
	case "message", "msg":
		c.name = "message"
		if err := nargs(2, -1, "TO TEXT..."); err != nil {
			return c, err
		}
		c.to = args[0]
		// The text keeps its inner spacing: everything after TO.
		rest := strings.TrimSpace(line)
		rest = strings.TrimSpace(rest[len(fields[0]):])
		c.arg = strings.TrimSpace(rest[len(c.to):])
	case "voicemail", "vm":
		c.name = "voicemail"
		if err := nargs(0, 1, "[ACCOUNT]"); err != nil {
			return c, err
		}
		if len(args) == 1 {
			c.arg = args[0]
		}
	case "watch":
		c.uris = args
	case "pickup":
		if err := nargs(1, 1, "URI"); err != nil {
			return c, err
		}
		c.arg = args[0]
	case "mwi", "calls", "unwatch", "help":
		if err := nargs(0, 0, ""); err != nil {
			return c, err
		}
	case "quit", "exit":
		c.name = "quit"
		if err := nargs(0, 0, ""); err != nil {
			return c, err
		}
	default:
		return c, fmt.Errorf("unknown command %q (try help)", fields[0])
	}
	if len(c.ids) == 0 {
		c.ids = nil
	}
	if len(c.uris) == 0 {
		c.uris = nil
	}
	return c, nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func rejectCode(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || !isDigits(s) || n < 400 || n > 699 {
		return 0, fmt.Errorf("reject: code %q must be a SIP error status, 400 to 699", s)
	}
	return n, nil
}

// applies says which calls a command acts on when no ID is given.
func applies(cmd string, i call.Info) bool {
	switch cmd {
	case "answer", "reject":
		return i.State == call.Incoming
	case "hold":
		return i.Established() && !i.LocalHold
	case "resume":
		return i.LocalHold
	case "split":
		return i.Conference != ""
	case "stoprecord":
		return i.Recording != ""
	case "record":
		return i.Established() && i.Recording == ""
	case "dtmf", "transfer", "mute", "unmute", "atransfer", "merge":
		return i.Established()
	default: // hangup
		return i.State != call.Ended
	}
}

// pickCall finds the call a command means: the one whose ID starts with
// prefix, or without prefix the newest call the command applies to.
func pickCall(calls []call.Info, cmd, prefix string) (call.Info, error) {
	if prefix != "" {
		var found []call.Info
		for _, c := range calls {
			if strings.HasPrefix(c.ID, strings.ToLower(prefix)) {
				found = append(found, c)
			}
		}
		switch len(found) {
		case 0:
			return call.Info{}, fmt.Errorf("no call %q", prefix)
		case 1:
			return found[0], nil
		default:
			return call.Info{}, fmt.Errorf("call ID %q is ambiguous: %s", prefix, strings.Join(callIDs(found), ", "))
		}
	}
	cands := applicable(calls, cmd)
	if len(cands) == 0 {
		return call.Info{}, fmt.Errorf("no call to %s", cmd)
	}
	return cands[len(cands)-1], nil
}

// applicable lists the calls cmd applies to, in the order of calls (the
// phone's: oldest first).
func applicable(calls []call.Info, cmd string) []call.Info {
	var out []call.Info
	for _, c := range calls {
		if applies(cmd, c) {
			out = append(out, c)
		}
	}
	return out
}

// pickCalls resolves the IDs of atransfer and merge: the ones given, else
// the calls up (atransfer: exactly two, the older is transferred to the
// newer).
func pickCalls(calls []call.Info, cmd string, prefixes []string) ([]string, error) {
	if len(prefixes) == 0 {
		up := applicable(calls, cmd)
		switch {
		case cmd == "atransfer" && len(up) != 2:
			return nil, fmt.Errorf("atransfer: %d calls up; give ID CONSULT_ID", len(up))
		case len(up) < 2:
			return nil, fmt.Errorf("%s: needs two calls up, %d are", cmd, len(up))
		}
		return callIDs(up), nil
	}
	var ids []string
	for _, p := range prefixes {
		c, err := pickCall(calls, cmd, p)
		if err != nil {
			return nil, err
		}
		if slices.Contains(ids, c.ID) {
			return nil, fmt.Errorf("%s: call %s given twice", cmd, c.ID)
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}

func callIDs(cs []call.Info) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
