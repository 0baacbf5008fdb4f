// Package settings is the screen for the phone's settings: microphone and
// speaker (with a live input level when the phone can measure it), codec
// order, ringtone and theme. Apply saves them to the configuration file.
package settings

import (
	"fmt"
	"image"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// LevelMeter is implemented by a Phone that can measure the microphone.
// InputLevel is the current input level from 0 (silence) to 1 (full
// scale), e.g. the peak of the last few tens of milliseconds. It is read
// on every frame while the meter shows, so it must not block.
type LevelMeter interface{ InputLevel() float64 }

// codecInfo names a codec the phone offers, by its config name.
type codecInfo struct{ name, label, detail string }

var knownCodecs = []codecInfo{
	{"opus", "Opus", "Wideband, best quality on poor networks"},
	{"g722", "G.722", "Wideband HD voice"},
	{"pcmu", "PCMU", "G.711 µ-law, narrowband, supported everywhere"},
	{"pcma", "PCMA", "G.711 A-law, narrowband"},
}

func codecByName(name string) (codecInfo, bool) {
	for _, c := range knownCodecs {
		if c.name == name {
			return c, true
		}
	}
	return codecInfo{}, false
}

// codecRow is one line of the codec list.
type codecRow struct {
	info     codecInfo
	on       widget.Bool
	up, down widget.Clickable
}

// saved is what the config file holds, as read or last applied.
type saved struct {
	path  string
	audio config.Audio
	ui    config.UI
}

// Page is the screen's state between frames.
type Page struct {
	list     widget.List
	input    widget.Enum
	output   widget.Enum
	codecs   []*codecRow
	ringtone widget.Editor
	theme    widget.Enum
	path     widget.Selectable

	refresh, apply, revert widget.Clickable
	formSet                bool // the form shows the loaded settings

	// mu guards what commands on other goroutines write.
	mu         sync.Mutex
	base       *saved // nil until read
	loading    bool
	devices    []audio.DeviceInfo
	devErr     string
	devLoaded  bool
	devLoading bool
	applying   bool
	appliedAt  time.Time
	applyErr   string
	newTheme   string // applied theme the window should switch to
}

// New makes the page.
func New() *Page {
	p := &Page{}
	p.ringtone.SingleLine = true
	p.list.Axis = layout.Vertical
	return p
}

// Layout draws the page and handles its input.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	p.update(gtx, e)
	th := e.Theme
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			return widgets.Column(gtx, th, &p.list, 720, p.items(gtx, e))
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutBar(gtx, e) }),
	)
}

// update handles input before drawing.
func (p *Page) update(gtx layout.Context, e *env.Env) {
	p.load(e)
	p.loadDevices(e, false)

	p.mu.Lock()
	base, newTheme := p.base, p.newTheme
	p.newTheme = ""
	p.mu.Unlock()
	if base != nil && !p.formSet {
		p.setForm(*base)
	}
	if newTheme != "" {
		// The theme is shared with the whole window: switching it in
		// place, on the frame goroutine, restyles every screen.
		if dark := newTheme == "dark"; dark != e.Theme.Dark {
			*e.Theme = *theme.New(dark, e.Theme.Shaper)
		}
	}

	if p.refresh.Clicked(gtx) {
		p.loadDevices(e, true)
	}
	for i, r := range p.codecs {
		if r.up.Clicked(gtx) && i > 0 {
			p.codecs[i-1], p.codecs[i] = p.codecs[i], p.codecs[i-1]
		}
		if r.down.Clicked(gtx) && i < len(p.codecs)-1 {
			p.codecs[i+1], p.codecs[i] = p.codecs[i], p.codecs[i+1]
		}
		r.on.Update(gtx)
	}
	p.input.Update(gtx)
	p.output.Update(gtx)
	p.theme.Update(gtx)
	for {
		if _, ok := p.ringtone.Update(gtx); !ok {
			break
		}
	}
	if p.revert.Clicked(gtx) && base != nil {
		p.setForm(*base)
	}
	if p.apply.Clicked(gtx) {
		p.doApply(e)
	}
}

// load reads the settings from the config on another goroutine, once.
func (p *Page) load(e *env.Env) {
	p.mu.Lock()
	start := p.base == nil && !p.loading
	p.loading = p.loading || start
	p.mu.Unlock()
	if !start {
		return
	}
	e.Run("Read settings", func() error {
		c := e.Phone.Config()
		s := &saved{path: c.Path, audio: c.Audio, ui: c.UI}
		s.audio.Codecs = slices.Clone(c.Audio.Codecs)
		p.mu.Lock()
		p.base, p.loading = s, false
		p.mu.Unlock()
		return nil
	})
}

// loadDevices lists the audio devices on another goroutine: once, and
// again on Refresh.
func (p *Page) loadDevices(e *env.Env, force bool) {
	p.mu.Lock()
	start := !p.devLoading && (force || !p.devLoaded)
	p.devLoading = p.devLoading || start
	p.mu.Unlock()
	if !start {
		return
	}
	e.Run("List audio devices", func() error {
		ds, err := e.Phone.AudioDevices()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.devLoading, p.devLoaded = false, true
		if err != nil {
			p.devErr = err.Error()
			return err
		}
		p.devices, p.devErr = ds, ""
		return nil
	})
}

// setForm shows s in the form.
func (p *Page) setForm(s saved) {
	p.formSet = true
	p.input.Value, p.output.Value = s.audio.Input, s.audio.Output
	p.ringtone.SetText(s.audio.Ringtone)
	p.theme.Value = themeName(s.ui.Theme)
	p.codecs = p.codecs[:0]
	on := effectiveCodecs(s.audio.Codecs)
	for _, n := range on {
		if c, ok := codecByName(n); ok {
			p.codecs = append(p.codecs, &codecRow{info: c, on: widget.Bool{Value: true}})
		}
	}
	for _, c := range knownCodecs {
		if !slices.Contains(on, c.name) {
			p.codecs = append(p.codecs, &codecRow{info: c})
		}
	}
}

// themeName is "light" or "dark"; "" reads as light.
func themeName(s string) string {
	if strings.EqualFold(s, "dark") {
		return "dark"
	}
	return "light"
}

// effectiveCodecs is the preference list a config means: empty is every
// codec in the default order. Names are lower-cased; unknown ones dropped.
func effectiveCodecs(names []string) []string {
	if len(names) == 0 {
		out := make([]string, len(knownCodecs))
		for i, c := range knownCodecs {
			out[i] = c.name
		}
		return out
	}
	var out []string
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if _, ok := codecByName(n); ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// form is what the form holds, on top of base (so fields this screen does
// not show are kept).
func (p *Page) form(base saved) (config.Audio, config.UI) {
	a := base.audio
	a.Input, a.Output = p.input.Value, p.output.Value
	a.Ringtone = strings.TrimSpace(p.ringtone.Text())
	a.Codecs = nil
	for _, r := range p.codecs {
		if r.on.Value {
			a.Codecs = append(a.Codecs, r.info.name)
		}
	}
	// Every codec in the default order is what an empty list says: keep
	// the file as it was.
	if len(base.audio.Codecs) == 0 && slices.Equal(a.Codecs, effectiveCodecs(nil)) {
		a.Codecs = nil
	}
	ui := base.ui
	ui.Theme = p.theme.Value
	if ui.Theme == "light" && base.ui.Theme == "" {
		ui.Theme = ""
	}
	return a, ui
}

// dirty reports whether the form differs from what is saved.
func (p *Page) dirty(base saved) bool {
	a, ui := p.form(base)
	return a.Input != base.audio.Input || a.Output != base.audio.Output ||
		a.Ringtone != base.audio.Ringtone ||
		!slices.Equal(effectiveCodecs(a.Codecs), effectiveCodecs(base.audio.Codecs)) ||
		themeName(ui.Theme) != themeName(base.ui.Theme)
}

// problem is why the form cannot be applied, or "".
func (p *Page) problem() string {
	for _, r := range p.codecs {
		if r.on.Value {
			return ""
		}
	}
	return "Enable at least one codec"
}

func (p *Page) doApply(e *env.Env) {
	p.mu.Lock()
	base, busy := p.base, p.applying
	p.mu.Unlock()
	if base == nil || busy || !p.dirty(*base) || p.problem() != "" {
		return
	}
	a, ui := p.form(*base)
	p.mu.Lock()
	p.applying, p.applyErr = true, ""
	p.mu.Unlock()
	e.Run("Apply settings", func() error {
		err := e.Phone.UpdateSettings(a, ui)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.applying = false
		if err != nil {
			p.applyErr = err.Error()
			return err
		}
		p.base = &saved{path: base.path, audio: a, ui: ui}
		p.appliedAt = time.Now()
		p.newTheme = themeName(ui.Theme)
		return nil
	})
}

// items are the screen's sections, top to bottom.
func (p *Page) items(gtx layout.Context, e *env.Env) []layout.Widget {
	th := e.Theme
	p.mu.Lock()
	base := p.base
	p.mu.Unlock()
	items := []layout.Widget{
		func(gtx layout.Context) layout.Dimensions { return widgets.Heading(gtx, th, 24, "Settings") },
		func(gtx layout.Context) layout.Dimensions { return p.layoutDevices(gtx, e) },
		func(gtx layout.Context) layout.Dimensions { return p.layoutCodecs(gtx, th) },
		func(gtx layout.Context) layout.Dimensions { return p.layoutRingtone(gtx, th) },
		func(gtx layout.Context) layout.Dimensions { return p.layoutTheme(gtx, th) },
	}
	if base != nil {
		items = append(items, func(gtx layout.Context) layout.Dimensions { return p.layoutPath(gtx, th, base.path) })
	}
	return items
}

// section is a card with a title, an optional subtitle and action, and
// its content.
func section(gtx layout.Context, th *theme.Theme, title, sub string, action layout.Widget, content layout.Widget) layout.Dimensions {
	return widgets.Card(gtx, th, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
						return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
							layout.Rigid(func(gtx layout.Context) layout.Dimensions { return widgets.Heading(gtx, th, 17, title) }),
							layout.Rigid(func(gtx layout.Context) layout.Dimensions {
								if sub == "" {
									return layout.Dimensions{}
								}
								return layout.Inset{Top: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
									return widgets.Label(gtx, th, 13, th.Muted, sub)
								})
							}),
						)
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if action == nil {
							return layout.Dimensions{}
						}
						return layout.Inset{Left: 8}.Layout(gtx, action)
					}),
				)
			}),
			widgets.VSpace(12),
			layout.Rigid(content),
		)
	})
}

// subheading is a small title with an icon inside a section.
func subheading(gtx layout.Context, th *theme.Theme, ic *widget.Icon, s string) layout.Dimensions {
	return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Dp(20)
			gtx.Constraints.Max.X = gtx.Dp(20)
			return ic.Layout(gtx, th.Muted)
		}),
		widgets.HSpace(8),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, 15, s)
			l.Font.Weight = font.Medium
			return l.Layout(gtx)
		}),
	)
}

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
	meter, hasMeter := e.Phone.(LevelMeter)
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
				if !hasMeter {
					return layout.Dimensions{}
				}
				return layout.Inset{Top: 8, Left: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return levelMeter(gtx, th, meter.InputLevel())
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
