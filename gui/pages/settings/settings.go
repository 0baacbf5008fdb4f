// Package settings is the screen for the phone's settings: microphone and
// speaker (with the microphone's live input level), codec
// order, ringtone, call recording, camera and picture size, and theme.
// Apply saves them to the configuration file.
package settings

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

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

// saved is what the configuration in force holds (the phone's state).
type saved struct {
	path  string
	audio config.Audio
	ui    config.UI
	video config.Video
}

// Page is the screen's state between frames.
type Page struct {
	list     widget.List
	input    widget.Enum
	output   widget.Enum
	codecs   []*codecRow
	ringtone widget.Editor
	recDir   widget.Editor
	recCh    widget.Enum
	theme    widget.Enum
	login    widget.Bool
	camera   widget.Enum
	vidSize  widget.Enum
	path     widget.Selectable

	refresh, apply, revert widget.Clickable
	formSet                bool // the form shows the loaded settings

	// mu guards what commands on other goroutines write, and base.
	mu         sync.Mutex
	base       *saved // the model's settings as of this frame
	devices    []audio.DeviceInfo
	devErr     string
	devLoaded  bool
	devLoading bool
	applying   bool
	appliedAt  time.Time
	applyErr   string
	newTheme   string // applied theme the window should switch to
	vidDevices []video.DeviceInfo
	vidErr     string
	vidLoaded  bool
	vidLoading bool
}

// New makes the page.
func New() *Page {
	p := &Page{}
	p.ringtone.SingleLine = true
	p.recDir.SingleLine = true
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
	old := p.sync(e.Model)
	p.loadDevices(e, false)
	p.loadVideoDevices(e)

	p.mu.Lock()
	base, newTheme := p.base, p.newTheme
	p.newTheme = ""
	p.mu.Unlock()
	// The form follows settings changed elsewhere (another front-end)
	// unless the user has changed it.
	if !p.formSet || (old != nil && !p.dirty(*old)) {
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
	p.login.Update(gtx)
	p.recCh.Update(gtx)
	p.camera.Update(gtx)
	p.vidSize.Update(gtx)
	for _, ed := range []*widget.Editor{&p.ringtone, &p.recDir} {
		for {
			if _, ok := ed.Update(gtx); !ok {
				break
			}
		}
	}
	if p.revert.Clicked(gtx) && base != nil {
		p.setForm(*base)
	}
	if p.apply.Clicked(gtx) {
		p.doApply(e)
	}
}

// sync takes the settings in force from the phone's state; when they
// changed, it returns the ones they replaced (nil the first time).
func (p *Page) sync(m env.Model) (old *saved) {
	c := m.Config
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.base != nil && p.base.path == c.Path && p.base.ui == c.UI && sameAudio(p.base.audio, c.Audio) && sameVideo(p.base.video, c.Video) {
		return nil
	}
	s := &saved{path: c.Path, audio: c.Audio, ui: c.UI, video: c.Video}
	s.audio.Codecs = slices.Clone(c.Audio.Codecs)
	s.video.Codecs = slices.Clone(c.Video.Codecs)
	old, p.base = p.base, s
	return old
}

func sameAudio(a, b config.Audio) bool {
	return a.Input == b.Input && a.Output == b.Output && a.Ringtone == b.Ringtone &&
		a.RecordDir == b.RecordDir && a.RecordChannels == b.RecordChannels && slices.Equal(a.Codecs, b.Codecs)
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
	e.Run("List audio devices", func(context.Context) error {
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
	p.recDir.SetText(s.audio.RecordDir)
	p.recCh.Value = channelsName(s.audio.RecordChannels)
	p.theme.Value = themeName(s.ui.Theme)
	p.login.Value = s.ui.StartAtLogin
	p.camera.Value = s.video.Camera
	p.vidSize.Value = videoSizeName(s.video.Size)
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

// channelsName is the recording layout a config means: "" is separate.
func channelsName(s string) string {
	if s == "" {
		return config.RecordSeparate
	}
	return s
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
	a.RecordDir = strings.TrimSpace(p.recDir.Text())
	a.RecordChannels = p.recCh.Value
	if a.RecordChannels == channelsName(base.audio.RecordChannels) {
		a.RecordChannels = base.audio.RecordChannels // "" stays ""
	}
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
	ui.StartAtLogin = p.login.Value
	return a, ui
}

// dirty reports whether the form differs from what is saved.
func (p *Page) dirty(base saved) bool {
	return p.audioDirty(base) || p.videoDirty(base.video)
}

// audioDirty reports whether the audio or window settings differ.
func (p *Page) audioDirty(base saved) bool {
	a, ui := p.form(base)
	return a.Input != base.audio.Input || a.Output != base.audio.Output ||
		a.Ringtone != base.audio.Ringtone ||
		a.RecordDir != base.audio.RecordDir || channelsName(a.RecordChannels) != channelsName(base.audio.RecordChannels) ||
		!slices.Equal(effectiveCodecs(a.Codecs), effectiveCodecs(base.audio.Codecs)) ||
		themeName(ui.Theme) != themeName(base.ui.Theme) || ui.StartAtLogin != base.ui.StartAtLogin
}

// problem is why the form cannot be applied, or "".
func (p *Page) problem() string {
	if hasControl(p.recDir.Text()) {
		return "The recording folder cannot hold control characters"
	}
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
	audioDirty := p.audioDirty(*base)
	v, videoDirty := p.videoForm(base.video), p.videoDirty(base.video)
	p.mu.Lock()
	p.applying, p.applyErr = true, ""
	p.mu.Unlock()
	e.Run("Apply settings", func(ctx context.Context) error {
		// Once applied, the phone's state has the new settings.
		var err error
		if audioDirty {
			err = e.Phone.UpdateSettings(ctx, a, ui)
		}
		if err == nil && videoDirty {
			err = e.Phone.UpdateVideo(ctx, v)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.applying = false
		if err != nil {
			p.applyErr = err.Error()
			return err
		}
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
		func(gtx layout.Context) layout.Dimensions { return p.layoutRecording(gtx, th) },
		func(gtx layout.Context) layout.Dimensions { return p.layoutVideo(gtx, th) },
		func(gtx layout.Context) layout.Dimensions { return p.layoutTheme(gtx, th) },
		func(gtx layout.Context) layout.Dimensions { return p.layoutDesktop(gtx, th) },
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
