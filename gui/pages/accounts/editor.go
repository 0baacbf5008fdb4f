package accounts

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"gioui.org/font"
	"gioui.org/io/key"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
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
	}
	for i := range ed.f {
		f := &ed.f[i]
		f.ed.SingleLine, f.ed.Submit = true, true
		f.ed.SetText(vals[i])
		f.initial = vals[i]
	}
	ed.f[fPass].ed.Mask = '•'
	ed.f[fExpires].ed.Filter = "0123456789"
	ed.f[fExpires].ed.MaxLen = 6
	ed.f[fExpires].ed.InputHint = key.HintNumeric
	ed.f[fDomain].ed.InputHint = key.HintURL
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
	if ed.showPw.Clicked(gtx) {
		ed.pwShown = !ed.pwShown
	}
	ed.f[fPass].ed.Mask = '•'
	if ed.pwShown {
		ed.f[fPass].ed.Mask = 0
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
	if a := ed.account(); a != ed.checked || ver != ed.checkVer {
		if ed.checkVer >= 0 && a != ed.checked {
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
	list, _ := p.cached()
	return slices.DeleteFunc(list, func(a config.Account) bool { return !ed.isNew && a.Name == ed.orig })
}

// valid reports whether Save may run.
func (ed *editor) valid(p *Page) bool {
	_, loaded := p.cached()
	return loaded && len(ed.errs) == 0
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
	list, _ := p.cached()
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
	list, _ := p.cached()
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

func (ed *editor) layout(gtx layout.Context, e *env.Env, p *Page) layout.Dimensions {
	th := e.Theme
	p.mu.Lock()
	busy, saveErr, server := ed.busy, ed.saveErr, ed.serverErrs
	p.mu.Unlock()
	if busy {
		gtx = gtx.Disabled()
	}
	title := "New account"
	if !ed.isNew {
		title = "Edit " + ed.orig
	}
	fld := func(id fieldID) layout.Widget {
		return func(gtx layout.Context) layout.Dimensions {
			return ed.layoutField(gtx, th, id, ed.message(fieldSpecs[id].key, ed.f[id].touched, server))
		}
	}
	items := []layout.Widget{
		func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return widgets.IconButton(gtx, th, &ed.back, icBack, "Back to accounts without saving")
				}),
				widgets.HSpace(4),
				layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
					return widgets.Heading(gtx, th, 24, title)
				}),
			)
		},
		ed.section(th, "Account", pair(fld(fName), fld(fDisplay))),
		ed.section(th, "Sign in", pair(fld(fUser), fld(fAuth)), func(gtx layout.Context) layout.Dimensions {
			return ed.layoutField(gtx, th, fPass, ed.message("password", ed.f[fPass].touched, server))
		}),
		ed.section(th, "Server", pair(fld(fDomain), fld(fProxy)),
			func(gtx layout.Context) layout.Dimensions { return ed.layoutTransport(gtx, th, server) },
			pair(fld(fCA), fld(fExpires))),
		func(gtx layout.Context) layout.Dimensions { return ed.layoutEnabled(gtx, th) },
	}
	if saveErr != "" {
		items = append(items, func(gtx layout.Context) layout.Dimensions {
			return widgets.Described(gtx, "Save failed", func(gtx layout.Context) layout.Dimensions {
				return notice(gtx, th, th.Danger, "Not saved: "+saveErr)
			})
		})
	}
	items = append(items, func(gtx layout.Context) layout.Dimensions { return ed.layoutActions(gtx, th, p, busy) })
	return widgets.Column(gtx, th, &p.list, 760, items)
}

// pair puts two fields side by side when there is room, else stacks them.
func pair(a, b layout.Widget) layout.Widget {
	return func(gtx layout.Context) layout.Dimensions {
		if gtx.Metric.PxToDp(gtx.Constraints.Max.X) < 560 {
			return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
				layout.Rigid(a), widgets.VSpace(12), layout.Rigid(b))
		}
		return layout.Flex{}.Layout(gtx,
			layout.Flexed(1, a), widgets.HSpace(16), layout.Flexed(1, b))
	}
}

// section is a titled card of rows.
func (ed *editor) section(th *theme.Theme, title string, rows ...layout.Widget) layout.Widget {
	return func(gtx layout.Context) layout.Dimensions {
		return widgets.Card(gtx, th, func(gtx layout.Context) layout.Dimensions {
			children := []layout.FlexChild{
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return widgets.Heading(gtx, th, 16, title)
				}),
			}
			for _, r := range rows {
				children = append(children, widgets.VSpace(12), layout.Rigid(r))
			}
			return layout.Flex{Axis: layout.Vertical}.Layout(gtx, children...)
		})
	}
}

// layoutField is a label, an outlined text box and a help or error line.
func (ed *editor) layoutField(gtx layout.Context, th *theme.Theme, id fieldID, msg string) layout.Dimensions {
	spec := fieldSpecs[id]
	f := &ed.f[id]
	gtx.Constraints.Min.X = gtx.Constraints.Max.X
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, 13, spec.label)
			l.Color, l.Font.Weight = th.Muted, font.Medium
			if msg != "" {
				l.Color = th.Danger
			}
			return l.Layout(gtx)
		}),
		widgets.VSpace(4),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			desc := spec.label
			if msg != "" {
				desc += ": " + msg
			}
			return widgets.Described(gtx, desc, func(gtx layout.Context) layout.Dimensions {
				return widgets.TextBox(gtx, th, &f.ed, spec.hint, msg != "", func(gtx layout.Context) layout.Dimensions {
					if id != fPass {
						return layout.Dimensions{}
					}
					ic, d := icShow, "Show password"
					if ed.pwShown {
						ic, d = icHide, "Hide password"
					}
					return widgets.IconButton(gtx, th, &ed.showPw, ic, d)
				})
			})
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 4, Left: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				if msg != "" {
					return widgets.ErrorLine(gtx, th, capitalize(msg))
				}
				return widgets.Label(gtx, th, 12, th.Muted, spec.help)
			})
		}),
	)
}

// capitalize makes "must not be empty" read as a sentence.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// notice is a tinted box with a message.
func notice(gtx layout.Context, th *theme.Theme, col color.NRGBA, msg string) layout.Dimensions {
	return layout.Background{}.Layout(gtx,
		func(gtx layout.Context) layout.Dimensions {
			sz := gtx.Constraints.Min
			bg := widgets.MulAlpha(col, 0x22)
			paint.FillShape(gtx.Ops, bg, clip.UniformRRect(image.Rectangle{Max: sz}, gtx.Dp(8)).Op(gtx.Ops))
			return layout.Dimensions{Size: sz}
		},
		func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			return layout.UniformInset(12).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.Label(gtx, th, 14, th.Fg, msg)
			})
		},
	)
}

func (ed *editor) layoutTransport(gtx layout.Context, th *theme.Theme, server map[string]string) layout.Dimensions {
	msg := ed.message("transport", true, server)
	return widgets.Described(gtx, "Transport", func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				l := material.Label(th.Theme, 13, "Transport")
				l.Color, l.Font.Weight = th.Muted, font.Medium
				return l.Layout(gtx)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				opts := []struct{ key, label string }{{"udp", "UDP"}, {"tcp", "TCP"}, {"tls", "TLS"}}
				children := make([]layout.FlexChild, 0, len(opts))
				for _, o := range opts {
					children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						rb := material.RadioButton(th.Theme, &ed.transport, o.key, o.label)
						rb.Size, rb.TextSize = 22, 15
						rb.IconColor = th.ContrastBg
						return layout.Inset{Right: 16}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return widgets.Described(gtx, "Transport "+o.label, rb.Layout)
						})
					}))
				}
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx, children...)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if msg != "" {
					return widgets.ErrorLine(gtx, th, capitalize(msg))
				}
				h := "UDP suits most providers; TLS encrypts the signalling (port 5061)"
				return layout.Inset{Left: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 12, th.Muted, h)
				})
			}),
		)
	})
}

func (ed *editor) layoutEnabled(gtx layout.Context, th *theme.Theme) layout.Dimensions {
	return widgets.Card(gtx, th, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.Heading(gtx, th, 16, "Sign in with this account")
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.Label(gtx, th, 12, th.Muted, "When off, the account is kept but does not register")
					}),
				)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				sw := widgets.Switch(th, &ed.enabled, "Account enabled")
				return layout.Inset{Left: 12, Right: 4}.Layout(gtx, sw.Layout)
			}),
		)
	})
}

func (ed *editor) layoutActions(gtx layout.Context, th *theme.Theme, p *Page, busy bool) layout.Dimensions {
	if ed.confirming {
		return widgets.Described(gtx, "Confirm removing "+ed.orig, func(gtx layout.Context) layout.Dimensions {
			return layout.Background{}.Layout(gtx,
				func(gtx layout.Context) layout.Dimensions {
					sz := gtx.Constraints.Min
					tint := uint8(0x1c)
					if th.Dark {
						tint = 0x14
					}
					paint.FillShape(gtx.Ops, widgets.MulAlpha(th.Danger, tint), clip.UniformRRect(image.Rectangle{Max: sz}, gtx.Dp(12)).Op(gtx.Ops))
					return layout.Dimensions{Size: sz}
				},
				func(gtx layout.Context) layout.Dimensions {
					gtx.Constraints.Min.X = gtx.Constraints.Max.X
					return layout.UniformInset(16).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
							layout.Rigid(func(gtx layout.Context) layout.Dimensions {
								return widgets.Heading(gtx, th, 16, "Remove "+ed.orig+"?")
							}),
							widgets.VSpace(4),
							layout.Rigid(func(gtx layout.Context) layout.Dimensions {
								return widgets.Label(gtx, th, 14, th.Fg, "It stops registering and is deleted from the configuration file, password included.")
							}),
							widgets.VSpace(12),
							layout.Rigid(func(gtx layout.Context) layout.Dimensions {
								gtx.Constraints.Min.X = gtx.Constraints.Max.X
								return layout.Flex{Spacing: layout.SpaceStart}.Layout(gtx,
									layout.Rigid(func(gtx layout.Context) layout.Dimensions {
										return widgets.Button(gtx, th, &ed.keep, nil, "Keep", "Keep the account", widgets.Secondary)
									}),
									widgets.HSpace(8),
									layout.Rigid(func(gtx layout.Context) layout.Dimensions {
										return widgets.Button(gtx, th, &ed.confirm, icDelete, "Remove", "Remove account "+ed.orig+" for good", widgets.Danger)
									}),
								)
							}),
						)
					})
				},
			)
		})
	}
	valid := ed.valid(p)
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if ed.isNew {
						return layout.Dimensions{}
					}
					return dangerText(gtx, th, &ed.remove, "Remove", "Remove account "+ed.orig)
				}),
				layout.Flexed(1, layout.Spacer{}.Layout),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return widgets.Button(gtx, th, &ed.cancel, nil, "Cancel", "Cancel and discard changes", widgets.Secondary)
				}),
				widgets.HSpace(8),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if !valid {
						gtx = gtx.Disabled()
					}
					label := "Save"
					if busy {
						label = "Saving…"
					}
					return widgets.Button(gtx, th, &ed.save, nil, label, "Save the account", widgets.Primary)
				}),
			)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if valid {
				return layout.Dimensions{}
			}
			msg := "Fix the fields marked in red to save"
			if m := ed.missing(); len(m) > 0 {
				msg = "To save, fill in: " + strings.Join(m, ", ")
			}
			return layout.Inset{Top: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				gtx.Constraints.Min.X = gtx.Constraints.Max.X
				return layout.E.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 13, th.Muted, msg)
				})
			})
		}),
	)
}

// dangerText is a text button in the danger colour.
func dangerText(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, label, desc string) layout.Dimensions {
	t := *th
	m := *th.Theme
	t.Theme = &m
	m.Palette.ContrastBg = th.Danger
	return widgets.Button(gtx, &t, clk, icDelete, label, desc, widgets.Flat)
}
