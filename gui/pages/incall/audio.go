package incall

import (
	"context"
	"image"

	"gioui.org/font"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// loadDevices reads the device list off the frame goroutine; the frame
// shows the cached result.
func (p *Page) loadDevices(e *env.Env) {
	p.mu.Lock()
	if p.devLoading {
		p.mu.Unlock()
		return
	}
	p.devLoading = true
	p.mu.Unlock()
	e.Run("Audio devices", func(ctx context.Context) error {
		devs, err := e.Phone.AudioDevices()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.devLoading = false
		p.devErr = err
		if err == nil {
			p.devices = devs
		}
		return err
	})
}

// deviceChoice is one row of the device lists: "" is the system default.
type deviceChoice struct {
	id, name string
}

// choices lists the system default, then the devices of one direction.
func choices(devs []audio.DeviceInfo, capture bool) []deviceChoice {
	out := []deviceChoice{{"", "System default"}}
	for _, d := range devs {
		if (capture && d.Capture) || (!capture && d.Playback) {
			name := d.Name
			if name == "" {
				name = d.ID
			}
			out = append(out, deviceChoice{d.ID, name})
		}
	}
	return out
}

// current is the call's input and output: what was chosen for it here,
// else the configured devices ("" = system default).
func (p *Page) current(m env.Model, id string) (in, out string) {
	if ch, ok := p.chosen[id]; ok {
		return ch[0], ch[1]
	}
	return m.Config.Audio.Input, m.Config.Audio.Output
}

// matches says whether the setting (an ID or a name, as the config
// allows) designates the choice.
func matches(setting string, ch deviceChoice) bool {
	return setting == ch.id || (ch.id != "" && setting == ch.name)
}

// updateAudio applies a tapped device to the call.
func (p *Page) updateAudio(gtx layout.Context, e *env.Env, c call.Info) {
	p.mu.Lock()
	devs := p.devices
	in, out := p.current(e.Model, c.ID)
	p.mu.Unlock()
	ins, outs := choices(devs, true), choices(devs, false)
	p.inRows = grow(p.inRows, len(ins))
	p.outRows = grow(p.outRows, len(outs))
	changed := false
	for i := range ins {
		if p.inRows[i].Clicked(gtx) && !matches(in, ins[i]) {
			in, changed = ins[i].id, true
		}
	}
	for i := range outs {
		if p.outRows[i].Clicked(gtx) && !matches(out, outs[i]) {
			out, changed = outs[i].id, true
		}
	}
	if !changed {
		return
	}
	p.mu.Lock()
	p.chosen[c.ID] = [2]string{in, out}
	p.mu.Unlock()
	id := c.ID
	e.Run("Audio device", func(ctx context.Context) error { return e.Phone.SetCallAudio(id, in, out) })
}

func grow(s []widget.Clickable, n int) []widget.Clickable {
	for len(s) < n {
		s = append(s, widget.Clickable{})
	}
	return s
}

// layoutAudio lists the microphones and the speakers, the call's own
// checked.
func (p *Page) layoutAudio(gtx layout.Context, e *env.Env, c call.Info) layout.Dimensions {
	th := e.Theme
	p.mu.Lock()
	devs, err, loading := p.devices, p.devErr, p.devLoading
	in, out := p.current(e.Model, c.ID)
	p.mu.Unlock()

	type row struct {
		header string
		note   string
		ch     deviceChoice
		btn    *widget.Clickable
		on     bool
		kind   string
	}
	var rows []row
	switch {
	case devs == nil && loading:
		rows = append(rows, row{note: "Looking for audio devices…"})
	case devs == nil && err != nil:
		rows = append(rows, row{note: "The audio devices cannot be listed: " + err.Error()})
	}
	ins, outs := choices(devs, true), choices(devs, false)
	p.inRows = grow(p.inRows, len(ins))
	p.outRows = grow(p.outRows, len(outs))
	rows = append(rows, row{header: "Microphone"})
	for i, ch := range ins {
		rows = append(rows, row{ch: ch, btn: &p.inRows[i], on: matches(in, ch), kind: "microphone"})
	}
	rows = append(rows, row{header: "Speaker"})
	for i, ch := range outs {
		rows = append(rows, row{ch: ch, btn: &p.outRows[i], on: matches(out, ch), kind: "speaker"})
	}
	// A setting that names no listed device still shows as chosen.
	fixUnmatched := func(kind string, setting string) {
		if setting == "" {
			return
		}
		for _, r := range rows {
			if r.kind == kind && r.on {
				return
			}
		}
		for i := range rows {
			if rows[i].kind == kind && rows[i].ch.id == "" {
				rows[i].ch.name = "System default (" + setting + " not found)"
			}
		}
	}
	if devs != nil {
		fixUnmatched("microphone", in)
		fixUnmatched("speaker", out)
	}

	list := func(gtx layout.Context) layout.Dimensions {
		return material.List(th.Theme, &p.devList).Layout(gtx, len(rows), func(gtx layout.Context, i int) layout.Dimensions {
			r := rows[i]
			switch {
			case r.note != "":
				return layout.Inset{Bottom: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					l := material.Body2(th.Theme, r.note)
					l.Color = th.Muted
					return l.Layout(gtx)
				})
			case r.header != "":
				return layout.Inset{Top: 8, Bottom: 4, Left: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					l := material.Label(th.Theme, unit.Sp(14), r.header)
					l.Color = th.Muted
					l.Font.Weight = font.Medium
					return l.Layout(gtx)
				})
			}
			return r.btn.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				semantic.RadioButton.Add(gtx.Ops)
				semantic.SelectedOp(r.on).Add(gtx.Ops)
				semantic.DescriptionOp("Use " + r.ch.name + " as the " + r.kind).Add(gtx.Ops)
				gtx.Constraints.Min.X = gtx.Constraints.Max.X
				return layout.Stack{}.Layout(gtx,
					layout.Expanded(func(gtx layout.Context) layout.Dimensions {
						sz := gtx.Constraints.Min
						if r.btn.Hovered() || gtx.Focused(r.btn) {
							bg := widgets.Mix(th.Surface, th.Fg, 0.08)
							paint.FillShape(gtx.Ops, bg, clip.UniformRRect(image.Rectangle{Max: sz}, gtx.Dp(8)).Op(gtx.Ops))
						}
						return layout.Dimensions{Size: sz}
					}),
					layout.Stacked(func(gtx layout.Context) layout.Dimensions {
						return layout.Inset{Top: 10, Bottom: 10, Left: 4, Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
								layout.Rigid(func(gtx layout.Context) layout.Dimensions {
									s := gtx.Dp(22)
									gtx.Constraints = layout.Exact(image.Pt(s, s))
									if r.on {
										return p.ic.radioOn.Layout(gtx, th.ContrastBg)
									}
									return p.ic.radioOff.Layout(gtx, th.Muted)
								}),
								layout.Rigid(layout.Spacer{Width: 12}.Layout),
								layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
									l := material.Body1(th.Theme, r.ch.name)
									l.MaxLines = 1
									return l.Layout(gtx)
								}),
							)
						})
					}),
				)
			})
		})
	}
	// A card, centred, as wide as the controls.
	return layout.N.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		w := min(gtx.Constraints.Max.X, gtx.Dp(400))
		gtx.Constraints.Min.X, gtx.Constraints.Max.X = w, w
		return layout.Stack{}.Layout(gtx,
			layout.Expanded(func(gtx layout.Context) layout.Dimensions {
				r := image.Rectangle{Max: gtx.Constraints.Min}
				paint.FillShape(gtx.Ops, th.Surface, clip.UniformRRect(r, gtx.Dp(16)).Op(gtx.Ops))
				return layout.Dimensions{Size: r.Max}
			}),
			layout.Stacked(func(gtx layout.Context) layout.Dimensions {
				return layout.UniformInset(12).Layout(gtx, list)
			}),
		)
	})
}
