package presence

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Line is what a busy lamp shows for an extension.
type Line string

// Line states, from least to most active.
const (
	LineUnknown Line = "unknown" // nothing known yet (no or empty NOTIFY)
	LineIdle    Line = "idle"
	LineRinging Line = "ringing" // a call is offered to the extension
	LineBusy    Line = "busy"    // in a call, or placing one
)

// rank orders the states so the most active dialog decides.
func (l Line) rank() int {
	switch l {
	case LineIdle:
		return 1
	case LineRinging:
		return 2
	case LineBusy:
		return 3
	}
	return 0
}

// Dialog is one <dialog> of a dialog-info document.
type Dialog struct {
	ID        string
	CallID    string
	LocalTag  string // the watched extension's tag
	RemoteTag string // the other party's tag
	Direction string // "initiator" (the extension called) or "recipient" (it is called)
	State     string // lower case: trying, proceeding, early, confirmed, terminated
	Local     Party
	Remote    Party
}

// Party is a dialog's <local> or <remote> element.
type Party struct {
	Identity string // URI
	Display  string
	Target   string // contact URI, when given
}

// DialogInfo is an application/dialog-info+xml document.
type DialogInfo struct {
	Entity  string
	Version int
	Full    bool // state="full": the dialogs are all there is; else partial
	Dialogs []Dialog
}

type xmlDialogInfo struct {
	XMLName xml.Name    `xml:"dialog-info"`
	Version string      `xml:"version,attr"`
	State   string      `xml:"state,attr"`
	Entity  string      `xml:"entity,attr"`
	Dialogs []xmlDialog `xml:"dialog"`
}

type xmlDialog struct {
	ID        string   `xml:"id,attr"`
	CallID    string   `xml:"call-id,attr"`
	LocalTag  string   `xml:"local-tag,attr"`
	RemoteTag string   `xml:"remote-tag,attr"`
	Direction string   `xml:"direction,attr"`
	State     string   `xml:"state"`
	Local     xmlParty `xml:"local"`
	Remote    xmlParty `xml:"remote"`
}

type xmlParty struct {
	Identity struct {
		Display string `xml:"display,attr"`
		URI     string `xml:",chardata"`
	} `xml:"identity"`
	Target struct {
		URI string `xml:"uri,attr"`
	} `xml:"target"`
}

// dialogStates are RFC 4235's dialog states.
var dialogStates = map[string]bool{"trying": true, "proceeding": true, "early": true, "confirmed": true, "terminated": true}

// ParseDialogInfo reads a dialog-info document. States are matched without
// regard to case (Kamailio writes "Trying"); an unknown state is an error,
// as is a document that is not dialog-info.
func ParseDialogInfo(body []byte) (DialogInfo, error) {
	if len(body) > MaxBody {
		return DialogInfo{}, ErrTooLarge
	}
	var x xmlDialogInfo
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	if err := dec.Decode(&x); err != nil {
		return DialogInfo{}, fmt.Errorf("presence: dialog-info: %w", err)
	}
	info := DialogInfo{Entity: strings.TrimSpace(x.Entity)}
	switch strings.ToLower(strings.TrimSpace(x.State)) {
	case "full":
		info.Full = true
	case "partial":
	default:
		return DialogInfo{}, fmt.Errorf("presence: dialog-info state %q: want full or partial", x.State)
	}
	v, err := strconv.Atoi(strings.TrimSpace(x.Version))
	if err != nil || v < 0 {
		return DialogInfo{}, fmt.Errorf("presence: dialog-info version %q: want a number", x.Version)
	}
	info.Version = v
	for _, d := range x.Dialogs {
		st := strings.ToLower(strings.TrimSpace(d.State))
		if !dialogStates[st] {
			return DialogInfo{}, fmt.Errorf("presence: dialog %q state %q: want trying, proceeding, early, confirmed or terminated", d.ID, d.State)
		}
		if d.ID == "" {
			return DialogInfo{}, errors.New("presence: dialog without id")
		}
		info.Dialogs = append(info.Dialogs, Dialog{
			ID: d.ID, CallID: strings.TrimSpace(d.CallID), LocalTag: strings.TrimSpace(d.LocalTag), RemoteTag: strings.TrimSpace(d.RemoteTag),
			Direction: strings.ToLower(strings.TrimSpace(d.Direction)), State: st,
			Local:  Party{Identity: strings.TrimSpace(d.Local.Identity.URI), Display: d.Local.Identity.Display, Target: strings.TrimSpace(d.Local.Target.URI)},
			Remote: Party{Identity: strings.TrimSpace(d.Remote.Identity.URI), Display: d.Remote.Identity.Display, Target: strings.TrimSpace(d.Remote.Target.URI)},
		})
	}
	return info, nil
}

// Line is what one dialog means for the lamp: an offered call rings, a
// confirmed one or one the extension places is busy, an ended one is idle.
func (d Dialog) Line() Line {
	switch d.State {
	case "terminated":
		return LineIdle
	case "confirmed":
		return LineBusy
	}
	if d.Direction == "initiator" {
		return LineBusy // dialling out: off hook
	}
	return LineRinging
}

// Tracker keeps an extension's dialogs across NOTIFYs: full documents
// replace what it knows, partial ones update the dialogs they name.
// The zero value knows nothing (LineUnknown).
type Tracker struct {
	known   bool
	version int
	dialogs map[string]Dialog
	order   []string // dialog ids in arrival order, for a stable Ringing()
}

// Reset forgets everything (a new subscription starts over).
func (t *Tracker) Reset() { *t = Tracker{} }

// Version is the version of the last document applied.
func (t *Tracker) Version() int { return t.version }

// Apply takes one document. A version older than the last one applied is
// stale (a reordered NOTIFY) and ignored; Apply reports whether it was used.
func (t *Tracker) Apply(info DialogInfo) bool {
	if t.known && info.Version < t.version {
		return false
	}
	if info.Full || !t.known {
		t.dialogs, t.order = map[string]Dialog{}, nil
	}
	t.known, t.version = true, info.Version
	for _, d := range info.Dialogs {
		if d.State == "terminated" {
			delete(t.dialogs, d.ID)
			continue
		}
		if _, ok := t.dialogs[d.ID]; !ok {
			t.order = append(t.order, d.ID)
		}
		t.dialogs[d.ID] = d
	}
	live := t.order[:0]
	for _, id := range t.order {
		if _, ok := t.dialogs[id]; ok {
			live = append(live, id)
		}
	}
	t.order = live
	return true
}

// Line is the most active state among the live dialogs.
func (t *Tracker) Line() Line {
	if !t.known {
		return LineUnknown
	}
	best := LineIdle
	for _, d := range t.dialogs {
		if l := d.Line(); l.rank() > best.rank() {
			best = l
		}
	}
	return best
}

// Ringing returns the first live dialog offering a call to the extension
// (what a directed pickup replaces).
func (t *Tracker) Ringing() (Dialog, bool) {
	for _, id := range t.order {
		if d := t.dialogs[id]; d.Line() == LineRinging {
			return d, true
		}
	}
	return Dialog{}, false
}
