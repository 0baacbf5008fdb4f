package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

// consoleReply is the answer to one console line: "ok ..." or "error: ..."
// for people, an object with "event":"reply" in JSON.
type consoleReply struct {
	Command    string                   `json:"command"`
	OK         bool                     `json:"ok"`
	Error      string                   `json:"error,omitempty"`
	Call       string                   `json:"call,omitempty"`       // the call acted on or placed
	Calls      []call.Info              `json:"calls,omitempty"`      // calls; the calls merged
	Conference string                   `json:"conference,omitempty"` // merge
	Path       string                   `json:"path,omitempty"`       // record
	Message    *core.Message            `json:"message,omitempty"`    // message
	Voicemail  []core.VoicemailStatus   `json:"voicemail,omitempty"`  // mwi
	Watched    map[string]core.BLFState `json:"watched,omitempty"`    // watch without URIs

	text string // human form after "ok <command>"
}

func (consoleReply) Kind() string { return "reply" }

func (r consoleReply) MarshalJSON() ([]byte, error) {
	type plain consoleReply
	body, err := json.Marshal(plain(r))
	if err != nil {
		return nil, err
	}
	return append([]byte(`{"event":"reply",`), body[1:]...), nil
}

// human is the reply as printed without --json.
func (r consoleReply) human() string {
	if !r.OK {
		return "error: " + r.Command + ": " + r.Error
	}
	s := "ok " + r.Command
	if r.text != "" {
		if strings.Contains(r.text, "\n") {
			return strings.TrimRight(r.text, "\n") + "\n" + s
		}
		s += " " + r.text
	}
	return s
}

// consoleRunner carries out parsed console lines on a phone.
type consoleRunner struct {
	phone   core.Phone
	account string // --account: what dial and message use
}

// run executes cmd and says how it went; "quit" and "help" are the
// console loop's.
func (cr *consoleRunner) run(ctx context.Context, cmd consoleCmd) consoleReply {
	r := consoleReply{Command: cmd.name}
	if err := cr.do(ctx, cmd, &r); err != nil {
		r.OK, r.Error = false, err.Error()
		return r
	}
	r.OK = true
	return r
}

func (cr *consoleRunner) do(ctx context.Context, cmd consoleCmd, r *consoleReply) error {
	p := cr.phone
	one := func() (string, error) {
		prefix := ""
		if len(cmd.ids) > 0 {
			prefix = cmd.ids[0]
		}
		c, err := pickCall(p.State().Calls, cmd.name, prefix)
		r.Call = c.ID
		return c.ID, err
	}
	switch cmd.name {
	case "dial":
		to, err := speedDial(ctx, p, cmd.arg)
		if err != nil {
			return err
		}
		id, err := p.Dial(ctx, to, core.DialOptions{Account: cr.account, HoldOthers: true})
		r.Call, r.text = id, id
		return err
	case "voicemail":
		id, err := p.DialVoicemail(ctx, cmd.arg)
		r.Call, r.text = id, id
		return err
	case "pickup":
		id, err := p.Pickup(ctx, cmd.arg)
		r.Call, r.text = id, id
		return err
	case "atransfer", "merge":
		ids, err := pickCalls(p.State().Calls, cmd.name, cmd.ids)
		if err != nil {
			return err
		}
		r.text = strings.Join(ids, " ")
		if cmd.name == "atransfer" {
			r.Call = ids[0]
			return p.AttendedTransfer(ctx, ids[0], ids[1])
		}
		conf, err := p.Merge(ctx, ids...)
		r.Conference = conf
		r.text = conf + " " + r.text
		return err
	case "dnd":
		r.text = cmd.arg
		return p.SetDND(ctx, "", cmd.arg == "on")
	case "message":
		m, err := p.SendMessage(cr.account, cmd.to, cmd.arg)
		if err != nil {
			return err
		}
		r.Message, r.text = &m, m.Key
		return nil
	case "mwi":
		r.Voicemail = p.State().Voicemail
		r.text = voicemailText(r.Voicemail)
		return nil
	case "watch":
		if len(cmd.uris) == 0 {
			r.Watched = p.State().Lamps
			r.text = watchedText(r.Watched)
			return nil
		}
		r.text = strings.Join(cmd.uris, " ")
		return p.Watch(ctx, cmd.uris)
	case "unwatch":
		return p.Watch(ctx, nil)
	case "calls":
		r.Calls = p.State().Calls // oldest first
		var b strings.Builder
		for _, c := range r.Calls {
			fmt.Fprintf(&b, "  %s\n", callLine(c))
		}
		fmt.Fprintf(&b, "%d call%s\n", len(r.Calls), plural(len(r.Calls)))
		r.text = b.String()
		return nil
	}
	id, err := one()
	if err != nil {
		return err
	}
	r.text = id
	switch cmd.name {
	case "answer":
		return p.Answer(ctx, id)
	case "reject":
		if cmd.code == 0 {
			return p.Decline(id) // the phone picks the code
		}
		return p.Reject(id, cmd.code)
	case "hangup":
		return p.Hangup(id)
	case "hold":
		return p.Hold(ctx, id)
	case "resume":
		return p.Resume(ctx, id)
	case "mute", "unmute":
		return p.Mute(id, cmd.name == "mute")
	case "dtmf":
		return p.SendDTMF(id, cmd.arg)
	case "transfer":
		r.text = id + " " + cmd.arg
		return p.Transfer(ctx, id, cmd.arg)
	case "split":
		return p.Split(ctx, id)
	case "record":
		path, err := p.StartRecording(id)
		r.Path, r.text = path, id+" "+path
		return err
	case "stoprecord":
		return p.StopRecording(id)
	}
	return fmt.Errorf("unknown command %q", cmd.name)
}

// callLine is one call in a few words: id, state, direction, far end and
// what the business features add.
func callLine(c call.Info) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s", c.ID, c.State, c.Direction, safeText(c.Remote.URI))
	if c.Codec != "" {
		fmt.Fprintf(&b, " (%s)", c.Codec)
	}
	for _, f := range []struct{ label, v string }{
		{"account", c.Account}, {"referred by", c.ReferredBy}, {"redirected to", c.Redirected},
		{"transfer", c.Transfer}, {"conference", c.Conference}, {"recording", c.Recording},
	} {
		if f.v != "" {
			fmt.Fprintf(&b, " %s %s", f.label, safeText(f.v))
		}
	}
	if c.Muted {
		b.WriteString(" muted")
	}
	if c.AutoAnswer {
		b.WriteString(" auto-answer")
	}
	return b.String()
}

func voicemailText(vs []core.VoicemailStatus) string {
	if len(vs) == 0 {
		return "no voicemail status"
	}
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  %s\n", voicemailLine(v))
	}
	return b.String()
}

func voicemailLine(v core.VoicemailStatus) string {
	s := fmt.Sprintf("%s: %d new, %d old", v.Account, v.New, v.Old)
	if v.Urgent > 0 {
		s += fmt.Sprintf(" (%d urgent)", v.Urgent)
	}
	if v.Waiting && v.New == 0 {
		s += " (messages waiting)"
	}
	if v.Number != "" {
		s += ", voicemail " + v.Number
	}
	return s
}

func watchedText(w map[string]core.BLFState) string {
	if len(w) == 0 {
		return "nothing watched"
	}
	var b strings.Builder
	for _, u := range slices.Sorted(maps.Keys(w)) {
		fmt.Fprintf(&b, "  %s %s\n", u, w[u])
	}
	return b.String()
}
