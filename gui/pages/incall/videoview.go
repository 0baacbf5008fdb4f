package incall

import (
	"image"
	"image/color"

	"gioui.org/io/event"
	"gioui.org/io/pointer"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/text"
	"gioui.org/unit"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// showsVideo says whether the page shows c as a video call: the far
// end's pictures come in, no panel is open and the user did not ask for
// the controls instead. A conference shows its legs, not one picture.
func (p *Page) showsVideo(c call.Info, remote *video.Feed, legs []call.Info) bool {
	return videoOn(c) && remote != nil && p.panel == panelControls && !p.video.grid && len(legs) < 2
}

// layoutVideoCall is the call as video: who and how long on top, the far
// end's picture (with ours in a corner) in the middle, the video's
// controls and End call under it.
func (p *Page) layoutVideoCall(gtx layout.Context, e *env.Env, c call.Info, live, legs []call.Info, remote, local *video.Feed) layout.Dimensions {
	th := e.Theme
	handset := e.Size == env.Handset
	pad := unit.Dp(16)
	if handset {
		pad = 8
	}
	name, _ := widgets.Names(c.Remote)
	return layout.UniformInset(pad).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if len(live) < 2 {
					return layout.Dimensions{}
				}
				return layout.Inset{Bottom: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return p.layoutCalls(gtx, e, live, c)
				})
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				line := name + " · " + videoStatus(c, gtx)
				return layout.Inset{Bottom: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					l := material.Label(th.Theme, unit.Sp(16), line)
					l.MaxLines, l.Alignment = 1, text.Middle
					return widgets.Described(gtx, "Video call with "+line, l.Layout)
				})
			}),
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				gtx.Constraints.Min = gtx.Constraints.Max
				return p.layoutVideoArea(gtx, e, c, remote, local)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Top: 8, Bottom: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return p.layoutVideoBar(gtx, e, c, handset)
				})
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutBottom(gtx, e, c, legs, true) }),
		)
	})
}

// videoStatus is the call's duration (or state) and what we send.
func videoStatus(c call.Info, gtx layout.Context) string {
	s := widgets.Duration(c, gtx.Now)
	if s == "" || c.State != call.Connected {
		s = widgets.StateText(c)
	}
	switch {
	case c.Video.Screen:
		s += " · sharing your screen"
	case !c.Video.Sending:
		s += " · your camera is off"
	}
	return s
}

// layoutFullVideo is the call's video alone, with a small bar over its
// foot: microphone, camera, leave full screen, end the call.
func (p *Page) layoutFullVideo(gtx layout.Context, e *env.Env, c call.Info, remote, local *video.Feed) layout.Dimensions {
	th := e.Theme
	gtx.Constraints.Min = gtx.Constraints.Max
	return layout.Stack{Alignment: layout.S}.Layout(gtx,
		layout.Expanded(func(gtx layout.Context) layout.Dimensions {
			return p.layoutVideoArea(gtx, e, c, remote, local)
		}),
		layout.Stacked(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Bottom: 16}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Stack{}.Layout(gtx,
					layout.Expanded(func(gtx layout.Context) layout.Dimensions {
						r := image.Rectangle{Max: gtx.Constraints.Min}
						bg := th.Surface
						bg.A = 0xD8
						paint.FillShape(gtx.Ops, bg, clip.UniformRRect(r, gtx.Dp(20)).Op(gtx.Ops))
						return layout.Dimensions{Size: r.Max}
					}),
					layout.Stacked(func(gtx layout.Context) layout.Dimensions {
						return layout.UniformInset(8).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							name, _ := widgets.Names(c.Remote)
							ctls := []control{p.muteControl(c), p.cameraControl(c),
								{btn: &p.video.exitFull, icon: p.ic.fullExit, label: "Exit full", desc: "Leave full screen", enabled: true},
								{btn: &p.hangup, icon: p.ic.hangup, label: "End call", desc: "Hang up the call with " + name, on: true, danger: true, enabled: true}}
							return p.layoutControlRow(gtx, e, ctls)
						})
					}),
				)
			})
		}),
	)
}

// layoutVideoArea draws the far end's picture letter-boxed in the whole
// area, and ours in a corner when we send.
func (p *Page) layoutVideoArea(gtx layout.Context, e *env.Env, c call.Info, remote, local *video.Feed) layout.Dimensions {
	area := gtx.Constraints.Max
	name, _ := widgets.Names(c.Remote)
	dims := widgets.Described(gtx, "Video from "+name, func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints = layout.Exact(area)
		dims, pic := p.video.remote.Layout(gtx, remote)
		if pic.Empty() {
			layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				l := material.Body1(e.Theme.Theme, "Waiting for "+name+"’s video…")
				l.Color = color.NRGBA{R: 0xD0, G: 0xD0, B: 0xD0, A: 0xFF}
				return l.Layout(gtx)
			})
		}
		return dims
	})
	if local != nil && c.Video != nil && c.Video.Sending {
		p.layoutPreview(gtx, e, c, local, area)
	}
	return dims
}

// previewSize is the corner picture's size for a picture of aspect src
// in an area: a quarter of its width, within 96..240 dp, at most half its
// height.
func previewSize(gtx layout.Context, src, area image.Point) image.Point {
	if src.X <= 0 || src.Y <= 0 {
		src = image.Pt(4, 3)
	}
	w := min(max(area.X/4, gtx.Dp(96)), gtx.Dp(240), area.X)
	h := w * src.Y / src.X
	if h > area.Y/2 {
		h = area.Y / 2
		w = h * src.X / src.Y
	}
	return image.Pt(w, h)
}

// previewRoom is how far the preview of size moves in area, inside a
// margin: its offset runs from margin to margin+room.
func previewRoom(size, area image.Point, margin int) image.Point {
	return image.Pt(max(area.X-size.X-2*margin, 0), max(area.Y-size.Y-2*margin, 0))
}

// previewOffset is where the preview sits for a place (fractions of the
// room).
func previewOffset(place [2]float32, room image.Point, margin int) image.Point {
	return image.Pt(margin+int(place[0]*float32(room.X)+0.5), margin+int(place[1]*float32(room.Y)+0.5))
}

// placeOf is the place (fractions of the room, clamped) of an offset.
func placeOf(off, room image.Point, margin int, old [2]float32) [2]float32 {
	frac := func(v, r int, was float32) float32 {
		if r <= 0 {
			return was
		}
		return min(max(float32(v-margin)/float32(r), 0), 1)
	}
	return [2]float32{frac(off.X, room.X, old[0]), frac(off.Y, room.Y, old[1])}
}

// layoutPreview draws our own picture in a corner of the area; the user
// drags it anywhere inside.
func (p *Page) layoutPreview(gtx layout.Context, e *env.Env, c call.Info, local *video.Feed, area image.Point) {
	v := &p.video
	size := previewSize(gtx, v.local.Peek(local), area)
	margin := gtx.Dp(12)
	room := previewRoom(size, area, margin)
	for {
		ev, ok := gtx.Event(pointer.Filter{Target: &v.drag, Kinds: pointer.Press | pointer.Drag | pointer.Release | pointer.Cancel})
		if !ok {
			break
		}
		pe, ok := ev.(pointer.Event)
		if !ok {
			continue
		}
		// Positions are the preview's own, as it was in the last frame.
		at := image.Pt(int(pe.Position.X+0.5), int(pe.Position.Y+0.5)).Add(v.lastOff)
		switch pe.Kind {
		case pointer.Press:
			v.drag = dragState{active: true, grab: at, start: v.lastOff}
		case pointer.Drag:
			if v.drag.active {
				v.place = placeOf(v.drag.start.Add(at.Sub(v.drag.grab)), room, margin, v.place)
			}
		case pointer.Release, pointer.Cancel:
			v.drag.active = false
		}
	}
	off := previewOffset(v.place, room, margin)
	v.lastOff = off
	defer op.Offset(off).Push(gtx.Ops).Pop()
	r := image.Rectangle{Max: size}
	defer clip.Rect(r).Push(gtx.Ops).Pop()
	event.Op(gtx.Ops, &v.drag)
	pointer.CursorGrab.Add(gtx.Ops)
	desc := "Your camera; drag it to move it"
	if c.Video.Screen {
		desc = "Your shared screen; drag it to move it"
	}
	semantic.DescriptionOp(desc).Add(gtx.Ops)
	gtx.Constraints = layout.Exact(size)
	v.local.Layout(gtx, local)
	widgets.Outline(gtx, size, e.Theme.Surface, 0)
}

// muteControl is the microphone's switch.
func (p *Page) muteControl(c call.Info) control {
	mic, desc := p.ic.micOn, "Mute the microphone"
	if c.Muted {
		mic, desc = p.ic.micOff, "Microphone muted; unmute it"
	}
	return control{btn: &p.mute, icon: mic, label: "Mute", desc: desc, toggle: true, on: c.Muted, enabled: true}
}

// cameraControl turns sending our pictures on and off.
func (p *Page) cameraControl(c call.Info) control {
	ctl := control{btn: &p.video.camera, icon: p.ic.camOff, label: "Camera", desc: "Turn your camera on", toggle: true, enabled: videoTaken(c)}
	if c.Video != nil && c.Video.Sending {
		ctl.icon, ctl.desc, ctl.on = p.ic.cam, "Turn your camera off; keep watching", true
	}
	return ctl
}

// videoControl turns the call's video on or off.
func (p *Page) videoControl(c call.Info) control {
	if c.Video != nil && c.Video.Offered {
		name, _ := widgets.Names(c.Remote)
		return control{btn: &p.video.toggle, icon: p.ic.videoCall, label: "Video", desc: "Take the video " + name + " offers: send your camera", toggle: true, enabled: c.Established()}
	}
	if c.Video == nil {
		return control{btn: &p.video.toggle, icon: p.ic.videoCall, label: "Video", desc: "Turn video on: send your camera", toggle: true, enabled: c.Established()}
	}
	return control{btn: &p.video.toggle, icon: p.ic.videoCall, label: "Video", desc: "Turn the video off", toggle: true, on: true, enabled: true}
}

// layoutVideoBar is the video call's controls: microphone, camera, screen
// sharing, video off, full screen and the other controls; two rows on a
// phone.
func (p *Page) layoutVideoBar(gtx layout.Context, e *env.Env, c call.Info, handset bool) layout.Dimensions {
	share := control{btn: &p.video.share, icon: p.ic.share, label: "Share", desc: "Share your screen or a window", enabled: true}
	if c.Video.Screen {
		share = control{btn: &p.video.share, icon: p.ic.stopShare, label: "Stop share", desc: "Stop sharing; send your camera again", toggle: true, on: true, enabled: true}
	}
	ctls := []control{
		p.muteControl(c), p.cameraControl(c), share, p.videoControl(c),
		{btn: &p.video.fullBtn, icon: p.ic.full, label: "Full screen", desc: "Show the video full screen", enabled: true},
		{btn: &p.video.more, icon: p.ic.more, label: "More", desc: "Show all the call's controls", enabled: true},
	}
	if !handset {
		return p.layoutControlRow(gtx, e, ctls)
	}
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutControlRow(gtx, e, ctls[:3]) }),
		layout.Rigid(layout.Spacer{Height: 6}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutControlRow(gtx, e, ctls[3:]) }),
	)
}

// layoutControlRow lays compact controls side by side, sharing the width
// when it is short.
func (p *Page) layoutControlRow(gtx layout.Context, e *env.Env, ctls []control) layout.Dimensions {
	w := min(gtx.Dp(110), gtx.Constraints.Max.X/len(ctls))
	cells := make([]layout.FlexChild, 0, len(ctls))
	for _, ctl := range ctls {
		ctl.width = w
		cells = append(cells, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layoutControl(gtx, e.Theme, ctl, true)
		}))
	}
	return layout.Flex{Spacing: layout.SpaceSides, Alignment: layout.Middle}.Layout(gtx, cells...)
}
