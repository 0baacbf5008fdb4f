package incall

import (
	"fmt"
	"image"
	"strings"
	"time"

	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/text"
	"gioui.org/unit"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// Quality is the call-quality grade the badge shows.
type Quality int

const (
	Unknown Quality = iota // no figures yet
	Good
	Fair
	Poor
)

func (q Quality) String() string {
	return [...]string{"—", "Good", "Fair", "Poor"}[q]
}

// Figures are what the grade is made of.
type Figures struct {
	Jitter  time.Duration // the worse of both directions
	LossPct float64       // the worse of both directions, in percent
	RTT     time.Duration // 0 until RTCP gave one
}

// Grade grades the figures: good below 1 % loss, 30 ms jitter and 150 ms
// round trip; fair below 5 %, 60 ms and 300 ms; poor beyond.
func Grade(f Figures) Quality {
	switch {
	case f.LossPct < 1 && f.Jitter < 30*time.Millisecond && f.RTT < 150*time.Millisecond:
		return Good
	case f.LossPct < 5 && f.Jitter < 60*time.Millisecond && f.RTT < 300*time.Millisecond:
		return Fair
	default:
		return Poor
	}
}

// Assess turns the call's figures into a grade's inputs. Loss is over
// the interval since prev when packets came in meanwhile (what the call
// sounds like now), else since the start. ok is false until audio has
// come in.
func Assess(cur, prev core.Quality) (f Figures, ok bool) {
	if cur.PacketsReceived == 0 {
		return Figures{}, false
	}
	recv, lost := cur.PacketsReceived, cur.Lost
	if dr := cur.PacketsReceived - prev.PacketsReceived; prev.PacketsReceived > 0 && cur.PacketsReceived > prev.PacketsReceived && cur.Lost >= prev.Lost {
		recv, lost = dr, cur.Lost-prev.Lost
	}
	if recv+lost > 0 {
		f.LossPct = 100 * float64(lost) / float64(recv+lost)
	}
	f.LossPct = max(f.LossPct, 100*cur.RemoteFractionLost)
	f.Jitter = max(cur.Jitter, cur.RemoteJitter)
	f.RTT = cur.RTT
	return f, true
}

// statsWindow is how far back the loss is measured.
const statsWindow = 5 * time.Second

// quality follows the figures of the shown call as the phone's state
// reports them (a new reading every second or so).
type quality struct {
	id       string
	cur      core.Quality
	base     core.Quality // reading at the start of the loss window
	baseAt   time.Time
	seen     bool // cur holds a reading
	fig      Figures
	grade    Quality
	figuresK bool
}

// observe takes call id's latest reading from the model's figures, if it
// is a new one.
func (q *quality) observe(id string, all core.Qualities) {
	if q.id != id {
		*q = quality{id: id}
	}
	r, ok := all.Get(id)
	if !ok || (q.seen && r == q.cur) {
		return
	}
	at := r.At
	if q.baseAt.IsZero() || at.Sub(q.baseAt) > statsWindow {
		if q.seen {
			q.base = q.cur
		}
		q.baseAt = at
	}
	q.cur, q.seen = r, true
	q.fig, q.figuresK = Assess(q.cur, q.base)
	q.grade = Unknown
	if q.figuresK {
		q.grade = Grade(q.fig)
	}
}

// text is the badge's detail line, with the network path once known
// (it may be before any audio came in).
func (q *quality) text() string {
	path := ""
	if p := PathName(q.cur.Path); p != "" {
		path = " · " + p
	}
	if !q.figuresK {
		return "No audio figures yet" + path
	}
	rtt := "RTT —"
	if q.fig.RTT > 0 {
		rtt = fmt.Sprintf("RTT %d ms", q.fig.RTT.Milliseconds())
	}
	return fmt.Sprintf("Jitter %d ms · Loss %s%% · %s%s", q.fig.Jitter.Milliseconds(), pct(q.fig.LossPct), rtt, path)
}

func pct(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// layoutBadge draws "Good  🔒SRTP  Opus · Jitter 8 ms · Loss 0.0% · RTT 42 ms
// · Via relay", the details under the rest when narrow. secure is the
// encryption mark, nil for none.
func (q *quality) layoutBadge(gtx layout.Context, th *theme.Theme, codec string, secure layout.Widget, narrow bool) layout.Dimensions {
	grade := q.grade
	col := th.Muted
	switch grade {
	case Good:
		col = th.Accept
	case Fair:
		col = th.Warning
	case Poor:
		col = th.Danger
	}
	detail := q.text()
	if codec != "" {
		detail = CodecName(codec) + " · " + detail
	}
	pill := func(gtx layout.Context) layout.Dimensions {
		return layout.Stack{Alignment: layout.Center}.Layout(gtx,
			layout.Expanded(func(gtx layout.Context) layout.Dimensions {
				r := image.Rectangle{Max: gtx.Constraints.Min}
				bg := col
				if grade == Unknown {
					bg = th.Surface
				}
				paint.FillShape(gtx.Ops, bg, clip.UniformRRect(r, r.Dy()/2).Op(gtx.Ops))
				return layout.Dimensions{Size: r.Max}
			}),
			layout.Stacked(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Top: 2, Bottom: 2, Left: 10, Right: 10}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					l := material.Label(th.Theme, unit.Sp(13), "Quality "+grade.String())
					l.Color = th.OnColor
					if grade == Unknown {
						l.Color = th.Fg
					}
					return l.Layout(gtx)
				})
			}),
		)
	}
	details := func(gtx layout.Context) layout.Dimensions {
		l := material.Label(th.Theme, unit.Sp(13), detail)
		l.Color = th.Muted
		l.MaxLines = 1
		if narrow {
			// The path can make the line too long for a phone.
			l.MaxLines, l.Alignment = 2, text.Middle
		}
		return l.Layout(gtx)
	}
	// The pill and, beside it, the encryption mark.
	head := func(gtx layout.Context) layout.Dimensions {
		if secure == nil {
			return pill(gtx)
		}
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(pill),
			layout.Rigid(layout.Spacer{Width: 8}.Layout),
			layout.Rigid(secure),
		)
	}
	desc := "Call quality " + qualityWord(grade) + ". " + detail
	if narrow {
		return widgets.Described(gtx, desc, func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(head),
				layout.Rigid(layout.Spacer{Height: 4}.Layout),
				layout.Rigid(details),
			)
		})
	}
	return widgets.Described(gtx, desc, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(head),
			layout.Rigid(layout.Spacer{Width: 8}.Layout),
			layout.Rigid(details),
		)
	})
}

func qualityWord(q Quality) string {
	if q == Unknown {
		return "not known yet"
	}
	return q.String()
}

// CodecName is how the codec is shown: "opus" is Opus, "pcmu" G.711 µ-law.
func CodecName(c string) string {
	switch strings.ToLower(c) {
	case "opus":
		return "Opus"
	case "g722":
		return "G.722"
	case "pcmu":
		return "G.711 µ-law"
	case "pcma":
		return "G.711 A-law"
	}
	return strings.ToUpper(c)
}
