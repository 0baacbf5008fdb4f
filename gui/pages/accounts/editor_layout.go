package accounts

import (
	"image"
	"image/color"
	"strings"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

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
		ed.layoutCallHandling(th, fld),
		ed.layoutVoicemail(th, fld),
		ed.layoutMedia(th, fld, server),
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
					switch id {
					case fPass:
						return eye(gtx, th, &ed.showPw, ed.pwShown, "password")
					case fTURNPass:
						return eye(gtx, th, &ed.media.showPw, ed.media.pwShown, "TURN password")
					}
					return layout.Dimensions{}
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

// eye is the button showing or hiding a password field's text.
func eye(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, shown bool, what string) layout.Dimensions {
	ic, d := icShow, "Show "+what
	if shown {
		ic, d = icHide, "Hide "+what
	}
	return widgets.IconButton(gtx, th, clk, ic, d)
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
