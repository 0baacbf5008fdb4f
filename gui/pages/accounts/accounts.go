// Package accounts is the screen for the SIP accounts: how each one's
// registration stands (with a retry for a failed one), and an editor to
// add, change, enable, disable or remove them.
package accounts

import (
	"context"
	"slices"
	"sync"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/text"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// Page is the screen's state between frames.
type Page struct {
	list    widget.List
	add     widget.Clickable
	addHint widget.Clickable // the button of the "no account" state
	rows    map[string]*row  // by account name
	ed      *editor          // nil: the status list is shown

	// mu guards what commands running on other goroutines write, and
	// the accounts they read.
	mu       sync.Mutex
	accounts []config.Account // the model's Config.Accounts, as of this frame
	toggling map[string]bool  // enable switches in flight: the value asked for
	ver      int              // bumped whenever accounts changes
}

// version tells the editor to validate again; call with mu held.
func (p *Page) version() int { return p.ver }

// row is one account card's widgets.
type row struct {
	retry, edit widget.Clickable
	enabled     widget.Bool
}

// New makes the page.
func New() *Page {
	return &Page{rows: map[string]*row{}, toggling: map[string]bool{}}
}

// entry is one account as listed: its config (if read yet) and status.
type entry struct {
	name   string
	cfg    config.Account
	hasCfg bool
	status account.Status
	known  bool // the core reported a status
}

// Layout draws the page and handles its input.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	p.update(gtx, e)
	if p.ed != nil {
		return p.ed.layout(gtx, e, p)
	}
	return p.layoutList(gtx, e)
}

// update handles input before drawing.
func (p *Page) update(gtx layout.Context, e *env.Env) {
	p.sync(e.Model)
	if p.ed != nil {
		p.ed.update(gtx, e, p)
		return
	}
	if p.add.Clicked(gtx) || p.addHint.Clicked(gtx) {
		p.openEditor(nil)
	}
	for _, en := range p.entries(e) {
		r := p.row(en.name)
		if r.retry.Clicked(gtx) {
			name := en.name
			e.Run("Retry "+name, func(context.Context) error { return e.Phone.Register(name) })
		}
		if r.edit.Clicked(gtx) && en.hasCfg {
			a := en.cfg
			p.openEditor(&a)
		}
		if r.enabled.Update(gtx) && en.hasCfg {
			p.setEnabled(e, en.name, r.enabled.Value)
		}
	}
}

// sync takes the accounts of the configuration in force, as the phone's
// state has them this frame.
func (p *Page) sync(m env.Model) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ver == 0 || !slices.EqualFunc(p.accounts, m.Config.Accounts, config.Account.Equal) {
		p.accounts = slices.Clone(m.Config.Accounts)
		p.ver++
	}
}

// cached returns a copy of the accounts in force.
func (p *Page) cached() []config.Account {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.accounts)
}

// saveAccounts sends the new list; once applied, the phone's state has
// it. done, if set, runs with the result on the command's goroutine,
// under mu.
func (p *Page) saveAccounts(e *env.Env, what string, list []config.Account, done func(err error)) {
	e.Run(what, func(ctx context.Context) error {
		err := e.Phone.UpdateAccounts(ctx, list)
		p.mu.Lock()
		if done != nil {
			done(err)
		}
		p.mu.Unlock()
		return err
	})
}

func (p *Page) setEnabled(e *env.Env, name string, on bool) {
	list := p.cached()
	i := slices.IndexFunc(list, func(a config.Account) bool { return a.Name == name })
	if i < 0 {
		return
	}
	list[i].Enabled = on
	p.mu.Lock()
	p.toggling[name] = on
	p.mu.Unlock()
	verb := "Disable "
	if on {
		verb = "Enable "
	}
	p.saveAccounts(e, verb+name, list, func(error) { delete(p.toggling, name) })
}

func (p *Page) openEditor(a *config.Account) {
	p.ed = newEditor(a)
}

func (p *Page) row(name string) *row {
	r := p.rows[name]
	if r == nil {
		r = &row{}
		p.rows[name] = r
	}
	return r
}

// entries merges the config's accounts (file order) with the statuses the
// core reports.
func (p *Page) entries(e *env.Env) []entry {
	accs := p.cached()
	var out []entry
	seen := map[string]bool{}
	status := func(name string) (account.Status, bool) {
		for _, s := range e.Model.Accounts {
			if s.Account == name {
				return s, true
			}
		}
		return account.Status{}, false
	}
	for _, a := range accs {
		s, known := status(a.Name)
		out = append(out, entry{name: a.Name, cfg: a, hasCfg: true, status: s, known: known})
		seen[a.Name] = true
	}
	for _, s := range e.Model.Accounts {
		if !seen[s.Account] {
			out = append(out, entry{name: s.Account, status: s, known: true, cfg: config.Account{Enabled: true}, hasCfg: false})
		}
	}
	return out
}

// layoutList is the status list, or the "no account" state.
func (p *Page) layoutList(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	entries := p.entries(e)
	items := []layout.Widget{
		func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
					return widgets.Heading(gtx, th, 24, "Accounts")
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if len(entries) == 0 {
						return layout.Dimensions{}
					}
					return widgets.Button(gtx, th, &p.add, icAdd, "Add account", "Add an account", widgets.Primary)
				}),
			)
		},
	}
	if len(entries) == 0 {
		items = append(items, func(gtx layout.Context) layout.Dimensions { return p.layoutEmpty(gtx, e) })
	}
	for _, en := range entries {
		items = append(items, func(gtx layout.Context) layout.Dimensions { return p.layoutEntry(gtx, e, en) })
	}
	if len(entries) > 0 {
		items = append(items, func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Left: 4, Right: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.Described(gtx, "This device's SIP address", func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 13, th.Muted, "Direct calls reach this device at "+localAddress(e))
				})
			})
		})
	}
	return widgets.Column(gtx, th, &p.list, 720, items)
}

// localAddress is the SIP address other phones can dial directly.
func localAddress(e *env.Env) string {
	if e.Model.Listen == "" {
		return "(not listening yet)"
	}
	return "sip:" + e.Model.Listen
}

func (p *Page) layoutEmpty(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	return widgets.Card(gtx, th, func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints.Min.X = gtx.Constraints.Max.X
		return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			return p.layoutEmptyContent(gtx, e)
		})
	})
}

func (p *Page) layoutEmptyContent(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
		widgets.VSpace(16),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Dp(48)
			gtx.Constraints.Max.X = gtx.Dp(48)
			return icPhone.Layout(gtx, th.Muted)
		}),
		widgets.VSpace(12),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, 20, "No account — direct calls only")
			l.Font.Weight, l.Alignment = font.SemiBold, text.Middle
			return l.Layout(gtx)
		}),
		widgets.VSpace(8),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Body1(th.Theme, "Other phones on your network can call this device at")
			l.Color, l.Alignment = th.Muted, text.Middle
			return l.Layout(gtx)
		}),
		widgets.VSpace(6),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.Described(gtx, "This device's SIP address", func(gtx layout.Context) layout.Dimensions {
				l := material.Label(th.Theme, 18, localAddress(e))
				l.Font.Typeface, l.Font.Weight = "monospace", font.Medium
				return l.Layout(gtx)
			})
		}),
		widgets.VSpace(16),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Body2(th.Theme, "Add a SIP account to call numbers through your provider or PBX.")
			l.Color, l.Alignment = th.Muted, text.Middle
			return l.Layout(gtx)
		}),
		widgets.VSpace(16),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.Button(gtx, th, &p.addHint, icAdd, "Add account", "Add an account", widgets.Primary)
		}),
		widgets.VSpace(16),
	)
}

// layoutEntry is one account's card: state light, name, transport,
// edit, on/off switch; address; registration state; Retry when failed.
func (p *Page) layoutEntry(gtx layout.Context, e *env.Env, en entry) layout.Dimensions {
	th := e.Theme
	r := p.row(en.name)
	p.mu.Lock()
	want, toggling := p.toggling[en.name]
	p.mu.Unlock()
	r.enabled.Value = en.cfg.Enabled
	if toggling {
		r.enabled.Value = want
	}
	st := describeState(en.status, en.known, en.cfg.Enabled, e.Model.Now)
	failed := en.cfg.Enabled && en.known && en.status.State == account.Failed
	const indent = 22 // text lines up with the name, right of the light
	return widgets.Card(gtx, th, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.Dot(gtx, st.Tone.color(th), 12)
					}),
					widgets.HSpace(10),
					layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
						return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
							layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
								l := material.Label(th.Theme, 18, en.name)
								l.Font.Weight, l.MaxLines = font.SemiBold, 1
								return l.Layout(gtx)
							}),
						)
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if !en.hasCfg {
							return layout.Dimensions{}
						}
						return layout.Inset{Left: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return widgets.Badge(gtx, th, upper(transportOf(en.cfg)))
						})
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if !en.hasCfg {
							gtx = gtx.Disabled()
						}
						return layout.Inset{Left: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return widgets.IconButton(gtx, th, &r.edit, icEdit, "Edit account "+en.name)
						})
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if !en.hasCfg || toggling {
							gtx = gtx.Disabled()
						}
						desc := "Enable account " + en.name
						if r.enabled.Value {
							desc = "Disable account " + en.name
						}
						return layout.Inset{Left: 4, Right: 2}.Layout(gtx, widgets.Switch(th, &r.enabled, desc).Layout)
					}),
				)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if !en.hasCfg {
					return layout.Dimensions{}
				}
				return layout.Inset{Left: indent}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 14, th.Muted, addressLine(en.cfg))
				})
			}),
			widgets.VSpace(10),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Left: indent}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.Described(gtx, "Registration of "+en.name+": "+st.Title, func(gtx layout.Context) layout.Dimensions {
						return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
							layout.Rigid(func(gtx layout.Context) layout.Dimensions {
								c := th.Fg
								if st.Tone == toneBad {
									c = th.Danger
								}
								l := material.Label(th.Theme, 15, st.Title)
								l.Color, l.Font.Weight = c, font.Medium
								return l.Layout(gtx)
							}),
							layout.Rigid(func(gtx layout.Context) layout.Dimensions {
								if st.Detail == "" {
									return layout.Dimensions{}
								}
								return widgets.Label(gtx, th, 13, th.Muted, st.Detail)
							}),
						)
					})
				})
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if !failed {
					return layout.Dimensions{}
				}
				return layout.Inset{Left: indent, Top: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					gtx.Constraints.Min.X = 0
					return widgets.Button(gtx, th, &r.retry, icRetry, "Retry now", "Retry registering "+en.name, widgets.Secondary)
				})
			}),
		)
	})
}

func transportOf(a config.Account) string {
	if a.Transport == "" {
		return config.DefaultTransport
	}
	return a.Transport
}

// addressLine is "Alice <alice@example.com>", with the proxy if any.
func addressLine(a config.Account) string {
	s := a.Username + "@" + a.Domain
	if a.DisplayName != "" {
		s = a.DisplayName + " <" + s + ">"
	}
	if a.Proxy != "" {
		s += " via " + a.Proxy
	}
	return s
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
