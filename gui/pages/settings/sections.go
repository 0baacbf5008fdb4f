package settings

import (
	"fmt"
	"image"
	"math"
	"strings"
	"time"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// deviceChoice is one radio of a device list.
type deviceChoice struct{ key, label, note string }

// deviceChoices lists "System default" and the devices for one direction.
// A device is keyed by its ID, or by its name when that is what the file
// says, so the choice shows and is saved as the user wrote it. A device
// in the file but not present is listed as not connected.
func deviceChoices(ds []audio.DeviceInfo, capture bool, current string, loaded bool) []deviceChoice {
	out := []deviceChoice{{key: "", label: "System default"}}
	found := current == ""
	for _, d := range ds {
		if capture && !d.Capture || !capture && !d.Playback {
			continue
		}
		// A device that is itself "the default" repeats the first choice.
		if isDefaultAlias(d) && current != d.ID && current != d.Name {
			continue
		}
		k := d.ID
		if current != "" && current == d.Name && current != d.ID {
			k = d.Name
		}
		found = found || k == current
		c := deviceChoice{key: k, label: d.Name}
		if c.label == "" {
			c.label = d.ID
		}
		if d.IsDefault {
			c.note = "Default"
		}
		out = append(out, c)
	}
	if !found && loaded {
		out = append(out, deviceChoice{key: current, label: current, note: "Not found"})
	}
	return out
}

// isDefaultAlias reports a device that stands for the system default
// rather than a piece of hardware (some drivers list one).
func isDefaultAlias(d audio.DeviceInfo) bool {
	for _, s := range []string{d.ID, d.Name} {
		if strings.EqualFold(s, "default") || strings.EqualFold(s, "system default") {
			return true
		}
	}
	return false
}

func (p *Page) layoutDevices(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	p.mu.Lock()
	ds, devErr, loaded, loading := p.devices, p.devErr, p.devLoaded, p.devLoading
	p.mu.Unlock()
	refresh := func(gtx layout.Context) layout.Dimensions {
		if loading {
			gtx = gtx.Disabled()
		}
		return widgets.Button(gtx, th, &p.refresh, icRefresh, "Refresh", "Refresh the list of audio devices", widgets.Secondary)
	}
	list := func(gtx layout.Context, group *widget.Enum, capture bool, what string) layout.Dimensions {
		cs := deviceChoices(ds, capture, group.Value, loaded)
		children := make([]layout.FlexChild, 0, len(cs))
		for _, c := range cs {
			children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return radio(gtx, th, group, c.key, c.label, c.note, what+" "+c.label)
			}))
		}
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx, children...)
	}
	return section(gtx, th, "Audio devices", "Used for new calls", refresh, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if devErr == "" {
					if !loaded {
						return widgets.Label(gtx, th, 14, th.Muted, "Looking for devices…")
					}
					return layout.Dimensions{}
				}
				return layout.Inset{Bottom: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.ErrorLine(gtx, th, "Could not list the devices: "+devErr)
				})
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return subheading(gtx, th, icMic, "Microphone") }),
			widgets.VSpace(4),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return list(gtx, &p.input, true, "Microphone") }),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				// InputLevel does not block: the phone measures on its own.
				return layout.Inset{Top: 8, Left: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return levelMeter(gtx, th, e.Phone.InputLevel())
				})
			}),
			widgets.VSpace(16),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return subheading(gtx, th, icSpeaker, "Speaker") }),
			widgets.VSpace(4),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return list(gtx, &p.output, false, "Speaker") }),
		)
	})
}

// radio is a radio button with an optional note under its label.
func radio(gtx layout.Context, th *theme.Theme, group *widget.Enum, key, label, note, desc string) layout.Dimensions {
	gtx.Constraints.Min.X = 0
	return widgets.Described(gtx, desc, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				rb := material.RadioButton(th.Theme, group, key, label)
				rb.Size, rb.TextSize, rb.IconColor = 22, 15, th.ContrastBg
				return rb.Layout(gtx)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if note == "" {
					return layout.Dimensions{}
				}
				return layout.Inset{Left: 6}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.Badge(gtx, th, note)
				})
			}),
		)
	})
}

// meterPos maps a linear level to the bar on a -60..0 dBFS scale.
func meterPos(level float64) float64 {
	if level <= 0 || math.IsNaN(level) {
		return 0
	}
	db := 20 * math.Log10(min(level, 1))
	return max(0, 1+db/60)
}

// levelMeter draws the input level bar and asks for the next frame.
func levelMeter(gtx layout.Context, th *theme.Theme, level float64) layout.Dimensions {
	gtx.Execute(op.InvalidateCmd{At: gtx.Now.Add(50 * time.Millisecond)})
	pos := meterPos(level)
	desc := fmt.Sprintf("Microphone level %d%%", int(math.Round(pos*100)))
	return widgets.Described(gtx, desc, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				gtx.Constraints.Min.X = gtx.Dp(44)
				return widgets.Label(gtx, th, 13, th.Muted, "Level")
			}),
			widgets.HSpace(8),
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				sz := image.Pt(gtx.Constraints.Max.X, gtx.Dp(8))
				rr := sz.Y / 2
				paint.FillShape(gtx.Ops, widgets.MulAlpha(th.Fg, 0x22), clip.UniformRRect(image.Rectangle{Max: sz}, rr).Op(gtx.Ops))
				w := int(float64(sz.X) * pos)
				if w > 0 {
					c := th.Accept
					switch {
					case pos > 0.95:
						c = th.Danger
					case pos > 0.85:
						c = th.Warning
					}
					paint.FillShape(gtx.Ops, c, clip.UniformRRect(image.Rectangle{Max: image.Pt(max(w, sz.Y), sz.Y)}, rr).Op(gtx.Ops))
				}
				return layout.Dimensions{Size: sz}
			}),
		)
	})
}

func (p *Page) layoutCodecs(gtx layout.Context, th *theme.Theme) layout.Dimensions {
	prob := p.problem()
	return section(gtx, th, "Codecs", "Offered to the other side in this order; unchecked ones are never used", nil, func(gtx layout.Context) layout.Dimensions {
		children := make([]layout.FlexChild, 0, len(p.codecs)+1)
		for i, r := range p.codecs {
			children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Top: 4, Bottom: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return p.layoutCodec(gtx, th, i, r)
				})
			}))
		}
		children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if prob == "" {
				return layout.Dimensions{}
			}
			return layout.Inset{Top: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.ErrorLine(gtx, th, prob)
			})
		}))
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx, children...)
	})
}

func (p *Page) layoutCodec(gtx layout.Context, th *theme.Theme, i int, r *codecRow) layout.Dimensions {
	return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.Described(gtx, "Use "+r.info.label, func(gtx layout.Context) layout.Dimensions {
				cb := material.CheckBox(th.Theme, &r.on, "")
				cb.Size, cb.IconColor = 22, th.ContrastBg
				return cb.Layout(gtx)
			})
		}),
		widgets.HSpace(4),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					c := th.Fg
					if !r.on.Value {
						c = th.Muted
					}
					l := material.Label(th.Theme, 15, r.info.label)
					l.Color, l.Font.Weight = c, font.Medium
					return l.Layout(gtx)
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 12, th.Muted, r.info.detail)
				}),
			)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if i == 0 {
				gtx = gtx.Disabled()
			}
			return widgets.IconButton(gtx, th, &r.up, icUp, "Move "+r.info.label+" up")
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if i == len(p.codecs)-1 {
				gtx = gtx.Disabled()
			}
			return widgets.IconButton(gtx, th, &r.down, icDown, "Move "+r.info.label+" down")
		}),
	)
}

func (p *Page) layoutRingtone(gtx layout.Context, th *theme.Theme) layout.Dimensions {
	return section(gtx, th, "Ringtone", "", nil, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.Described(gtx, "Ringtone file", func(gtx layout.Context) layout.Dimensions {
					return widgets.TextBox(gtx, th, &p.ringtone, "Built-in ringtone", false, nil)
				})
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Top: 4, Left: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 12, th.Muted, "Path to a WAV file. Leave empty for the built-in ringtone.")
				})
			}),
		)
	})
}

func (p *Page) layoutTheme(gtx layout.Context, th *theme.Theme) layout.Dimensions {
	return section(gtx, th, "Appearance", "", nil, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return radio(gtx, th, &p.theme, "light", "Light", "", "Light theme")
			}),
			widgets.HSpace(24),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return radio(gtx, th, &p.theme, "dark", "Dark", "", "Dark theme")
			}),
		)
	})
}

func (p *Page) layoutPath(gtx layout.Context, th *theme.Theme, path string) layout.Dimensions {
	return section(gtx, th, "Configuration file", "Settings and accounts are saved here", nil, func(gtx layout.Context) layout.Dimensions {
		return widgets.Described(gtx, "Configuration file path", func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, 14, path)
			l.Font.Typeface = "monospace"
			l.State = &p.path
			return l.Layout(gtx)
		})
	})
}

// layoutBar is the bottom bar: what happened, Revert and Apply.
func (p *Page) layoutBar(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	p.mu.Lock()
	base, applying, appliedAt, applyErr := p.base, p.applying, p.appliedAt, p.applyErr
	p.mu.Unlock()
	dirty := base != nil && p.dirty(*base)
	prob := p.problem()
	status, tone := "", th.Muted
	switch {
	case applying:
		status = "Saving…"
	case applyErr != "":
		status, tone = "Not saved: "+applyErr, th.Danger
	case dirty && prob != "":
		status, tone = prob, th.Danger
	case dirty:
		status = "Unsaved changes"
	case !appliedAt.IsZero() && time.Since(appliedAt) < 4*time.Second:
		status = "Saved"
		gtx.Execute(op.InvalidateCmd{At: gtx.Now.Add(4 * time.Second)})
	case base == nil:
		status = "Loading…"
	}
	return layout.Stack{}.Layout(gtx,
		layout.Expanded(func(gtx layout.Context) layout.Dimensions {
			sz := gtx.Constraints.Min
			paint.FillShape(gtx.Ops, th.Surface, clip.Rect{Max: sz}.Op())
			paint.FillShape(gtx.Ops, widgets.MulAlpha(th.Fg, 0x20), clip.Rect{Max: image.Pt(sz.X, gtx.Dp(1))}.Op())
			return layout.Dimensions{Size: sz}
		}),
		layout.Stacked(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			return layout.Inset{Left: 16, Right: 16, Top: 10, Bottom: 10}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				w := min(gtx.Constraints.Max.X, gtx.Dp(720))
				off := (gtx.Constraints.Max.X - w) / 2
				gtx.Constraints.Min.X, gtx.Constraints.Max.X = w, w
				defer op.Offset(image.Pt(off, 0)).Push(gtx.Ops).Pop()
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
						return widgets.Described(gtx, "Settings status: "+status, func(gtx layout.Context) layout.Dimensions {
							l := material.Label(th.Theme, 14, status)
							l.Color, l.MaxLines = tone, 2
							return l.Layout(gtx)
						})
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if !dirty || applying {
							return layout.Dimensions{}
						}
						return layout.Inset{Left: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return widgets.Button(gtx, th, &p.revert, nil, "Revert", "Revert to the saved settings", widgets.Flat)
						})
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if !dirty || applying || prob != "" {
							gtx = gtx.Disabled()
						}
						return layout.Inset{Left: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return widgets.Button(gtx, th, &p.apply, icCheck, "Apply", "Apply and save the settings", widgets.Primary)
						})
					}),
				)
			})
		}),
	)
}
