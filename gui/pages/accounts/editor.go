package accounts

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gioui.org/io/key"
	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/env"
)

// fieldID names the editor's text fields.
type fieldID int

const (
	fName fieldID = iota
	fDisplay
	fUser
	fAuth
	fPass
	fDomain
	fProxy
	fCA
	fExpires
	fFwdAlways
	fFwdBusy
	fFwdNoAnswer
	fFwdAfter
	fVoicemail
	fSTUN
	fTURN
	fTURNUser
	fTURNPass
	nFields
)

// fieldSpec is a text field's key (as config.CheckAccount reports it),
// label, placeholder and help line.
type fieldSpec struct {
	key, label, hint, help string
}

var fieldSpecs = [nFields]fieldSpec{
	fName:    {"name", "Account name", "office", "A short name for this account: letters, digits, . _ -"},
	fDisplay: {"display_name", "Display name", "Alice Smith", "Optional. Shown to the people you call"},
	fUser:    {"username", "Username", "alice", "The user part of your SIP address"},
	fAuth:    {"auth_username", "Authentication username", "Same as username", "Optional. Only if your provider gives a separate one"},
	fPass:    {"password", "Password", "", "Stored in the configuration file"},
	fDomain:  {"domain", "Domain", "sip.example.com", "Your provider's SIP domain, host or host:port"},
	fProxy:   {"proxy", "Outbound proxy", "None", "Optional. host or host:port"},
	fCA:      {"ca_file", "CA file", "System certificates", "Optional. PEM bundle to trust for TLS"},
	fExpires: {"expires", "Registration interval", "600", "Seconds, 1 to 604800"},

	fFwdAlways:   {"forward_always", "Forward all calls to", "Off", "A number, user or SIP address; calls no longer ring here"},
	fFwdBusy:     {"forward_busy", "Forward when busy to", "Off", "Calls refused while busy or in do not disturb go there"},
	fFwdNoAnswer: {"forward_no_answer", "Forward calls not answered to", "Off", "Calls still ringing after the delay go there"},
	fFwdAfter:    {"forward_no_answer_after", "No-answer delay", "20", "Seconds of ringing before forwarding, 1 to 600"},
	fVoicemail:   {"voicemail", "Voicemail number", "None", "What the voicemail button calls, e.g. *97"},

	fSTUN:     {"stun_server", "STUN server", "None", "Optional. host or host:port; finds your public address"},
	fTURN:     {"turn_server", "TURN server", "None", "Optional. host or host:port; relays media no direct path reaches"},
	fTURNUser: {"turn_username", "TURN username", "", "Given with the TURN server"},
	fTURNPass: {"turn_password", "TURN password", "", "Kept where the account's password is"},
}

// field is one text field's state.
type field struct {
	ed         widget.Editor
	initial    string
	touched    bool // changed, or left after being focused: its message shows
	wasFocused bool
}

// editor is the add/edit form.
type editor struct {
	orig  string // name of the account edited; "" for a new one
	isNew bool
	base  config.Account // the account as it was, for fields not on the form

	f         [nFields]field
	transport widget.Enum
	enabled   widget.Bool
	feat      featureSwitches
	media     mediaSwitches
	showPw    widget.Clickable
	pwShown   bool

	back, cancel, save, remove, confirm, keep widget.Clickable
	confirming                                bool
	focused                                   bool // first field focused once
	showAll                                   bool // a save was tried: every message shows

	checked  config.Account
	checkVer int
	errs     map[string]string

	// Written by the save command, under Page.mu.
	busy       bool
	done       bool
	saveErr    string
	serverErrs map[string]string
}

func newEditor(a *config.Account) *editor {
	ed := &editor{isNew: a == nil}
	if a == nil {
		ed.base = config.Account{Transport: config.DefaultTransport, Expires: config.DefaultExpires, Enabled: true}
	} else {
		ed.base, ed.orig = *a, a.Name
	}
	b := ed.base
	vals := [nFields]string{
		fName: b.Name, fDisplay: b.DisplayName, fUser: b.Username, fAuth: b.AuthUsername,
		fPass: b.Password, fDomain: b.Domain, fProxy: b.Proxy, fCA: b.CAFile,
		fExpires: strconv.Itoa(b.Expires),

		fFwdAlways: b.ForwardAlways, fFwdBusy: b.ForwardBusy, fFwdNoAnswer: b.ForwardNoAnswer,
		fFwdAfter: delayText(b.ForwardNoAnswerAfter), fVoicemail: b.Voicemail,

		fSTUN: b.STUNServer, fTURN: b.TURNServer, fTURNUser: b.TURNUsername, fTURNPass: b.TURNPassword,
	}
	for i := range ed.f {
		f := &ed.f[i]
		f.ed.SingleLine, f.ed.Submit = true, true
		f.ed.SetText(vals[i])
		f.initial = vals[i]
	}
	ed.f[fPass].ed.Mask = '•'
	ed.f[fTURNPass].ed.Mask = '•'
	ed.f[fExpires].ed.Filter = "0123456789"
	ed.f[fExpires].ed.MaxLen = 6
	ed.f[fExpires].ed.InputHint = key.HintNumeric
	ed.f[fDomain].ed.InputHint = key.HintURL
	ed.f[fFwdAfter].ed.Filter = "0123456789"
	ed.f[fFwdAfter].ed.MaxLen = 3
	ed.f[fFwdAfter].ed.InputHint = key.HintNumeric
	ed.feat.set(b.Features)
	ed.media.set(b.Media)
	ed.transport.Value = strings.ToLower(b.Transport)
	if ed.transport.Value == "" {
		ed.transport.Value = config.DefaultTransport
	}
	ed.enabled.Value = b.Enabled
	ed.checkVer = -1
	return ed
}

// account is the form's content as an account.
func (ed *editor) account() config.Account {
	a := ed.base
	t := func(id fieldID) string { return strings.TrimSpace(ed.f[id].ed.Text()) }
	a.Name, a.DisplayName, a.Username, a.AuthUsername = t(fName), t(fDisplay), t(fUser), t(fAuth)
	a.Password = ed.f[fPass].ed.Text()
	a.Domain, a.Proxy, a.CAFile = t(fDomain), t(fProxy), t(fCA)
	a.Expires, _ = strconv.Atoi(t(fExpires))
	a.Transport = ed.transport.Value
	a.Enabled = ed.enabled.Value
	a.ForwardAlways, a.ForwardBusy, a.ForwardNoAnswer = t(fFwdAlways), t(fFwdBusy), t(fFwdNoAnswer)
	a.ForwardNoAnswerAfter, _ = strconv.Atoi(t(fFwdAfter)) // "" is 0, the default delay
	a.Voicemail = t(fVoicemail)
	ed.feat.apply(&a.Features)
	ed.applyMedia(&a.Media)
	return a
}

func (ed *editor) update(gtx layout.Context, e *env.Env, p *Page) {
	submit := false
	for i := range ed.f {
		f := &ed.f[i]
		for {
			ev, ok := f.ed.Update(gtx)
			if !ok {
				break
			}
			if _, ok := ev.(widget.SubmitEvent); ok {
				submit = true
			}
		}
		focused := gtx.Focused(&f.ed)
		if f.wasFocused && !focused || f.ed.Text() != f.initial {
			f.touched = true
		}
		f.wasFocused = focused
	}
	ed.transport.Update(gtx)
	ed.enabled.Update(gtx)
	ed.feat.update(gtx)
	ed.media.update(gtx)
	if ed.showPw.Clicked(gtx) {
		ed.pwShown = !ed.pwShown
	}
	ed.f[fPass].ed.Mask = '•'
	if ed.pwShown {
		ed.f[fPass].ed.Mask = 0
	}
	ed.f[fTURNPass].ed.Mask = '•'
	if ed.media.pwShown {
		ed.f[fTURNPass].ed.Mask = 0
	}

	p.mu.Lock()
	done, busy, ver := ed.done, ed.busy, p.version()
	p.mu.Unlock()
	if done {
		p.ed = nil
		return
	}

	// Validate as the user types: when the form or the other accounts
	// change, not every frame (CheckAccount may read the CA file).
	if a := ed.account(); !a.Equal(ed.checked) || ver != ed.checkVer {
		if ed.checkVer >= 0 && !a.Equal(ed.checked) {
			p.mu.Lock()
			ed.serverErrs, ed.saveErr = nil, ""
			p.mu.Unlock()
		}
		ed.checked, ed.checkVer = a, ver
		ed.errs = checkAccount(a, ed.others(p))
	}

	if !ed.focused {
		ed.focused = true
		if ed.isNew {
			gtx.Execute(key.FocusCmd{Tag: &ed.f[fName].ed})
		}
	}
	if (ed.back.Clicked(gtx) || ed.cancel.Clicked(gtx)) && !busy {
		p.ed = nil
		return
	}
	if ed.remove.Clicked(gtx) && !ed.isNew {
		ed.confirming = true
	}
	if ed.keep.Clicked(gtx) {
		ed.confirming = false
	}
	if ed.confirm.Clicked(gtx) && ed.confirming && !busy {
		ed.doRemove(e, p)
	}
	if ed.save.Clicked(gtx) || submit {
		ed.trySave(e, p)
	}
}

// others are the accounts the edited one must not clash with.
func (ed *editor) others(p *Page) []config.Account {
	list := p.cached()
	return slices.DeleteFunc(list, func(a config.Account) bool { return !ed.isNew && a.Name == ed.orig })
}

// valid reports whether Save may run.
func (ed *editor) valid(p *Page) bool {
	return len(ed.errs) == 0
}

func (ed *editor) trySave(e *env.Env, p *Page) {
	p.mu.Lock()
	busy := ed.busy
	p.mu.Unlock()
	if busy {
		return
	}
	if !ed.valid(p) {
		ed.showAll = true
		return
	}
	a := ed.account()
	list := p.cached()
	i := slices.IndexFunc(list, func(x config.Account) bool { return !ed.isNew && x.Name == ed.orig })
	if i < 0 {
		list = append(list, a)
		i = len(list) - 1
	} else {
		list[i] = a
	}
	p.mu.Lock()
	ed.busy, ed.saveErr, ed.serverErrs = true, "", nil
	p.mu.Unlock()
	p.saveAccounts(e, "Save account", list, func(err error) {
		ed.busy = false
		if err == nil {
			ed.done = true
			return
		}
		ed.saveErr, ed.serverErrs = splitErrors(err, i)
	})
}

func (ed *editor) doRemove(e *env.Env, p *Page) {
	list := p.cached()
	list = slices.DeleteFunc(list, func(a config.Account) bool { return a.Name == ed.orig })
	p.mu.Lock()
	ed.busy, ed.saveErr = true, ""
	p.mu.Unlock()
	p.saveAccounts(e, "Remove account "+ed.orig, list, func(err error) {
		ed.busy = false
		if err == nil {
			ed.done = true
			return
		}
		ed.saveErr = err.Error()
	})
}

// splitErrors sorts a save error into messages for the edited account's
// fields (account index i) and the rest.
func splitErrors(err error, i int) (general string, fields map[string]string) {
	var es config.Errors
	if !errors.As(err, &es) {
		return err.Error(), nil
	}
	prefix := fmt.Sprintf("account[%d].", i+1)
	fields = map[string]string{}
	var rest []string
	for _, fe := range es {
		if k, ok := strings.CutPrefix(fe.Field, prefix); ok {
			fields[k] = fe.Msg
		} else {
			rest = append(rest, fe.Error())
		}
	}
	if len(rest) > 0 {
		general = strings.Join(rest, "\n")
	} else if len(fields) > 0 {
		general = "The server side check found problems in the fields marked below."
	}
	return general, fields
}

// message is the line under a field: its error, if it should show.
func (ed *editor) message(k string, touched bool, server map[string]string) string {
	if m := ed.errs[k]; m != "" && (touched || ed.showAll || !ed.isNew) {
		return m
	}
	return server[k]
}

// missing lists the labels of fields whose errors are not shown yet.
func (ed *editor) missing() []string {
	var out []string
	for i, s := range fieldSpecs {
		if ed.errs[s.key] != "" && !(ed.f[i].touched || ed.showAll || !ed.isNew) {
			out = append(out, s.label)
		}
	}
	return out
}
