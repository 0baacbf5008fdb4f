package history

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"gioui.org/io/clipboard"
	"gioui.org/layout"
	"gioui.org/widget"
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

var (
	icRecorded = widgets.MustIcon(icons.AVFiberManualRecord)
)

// openTimeout bounds starting the file manager.
const openTimeout = 5 * time.Second

// recButtons are the controls of an entry's recording.
type recButtons struct {
	show, open, copy widget.Clickable
}

// OpenFolder shows a folder in the system's file manager; tests replace
// it (Page.OpenFolder).
func OpenFolder(dir string) error {
	var name string
	var args []string
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		name = "xdg-open"
	case "darwin":
		name = "open"
	case "windows":
		name = "explorer"
	default:
		return fmt.Errorf("opening a folder is not supported on %s", runtime.GOOS)
	}
	args = append(args, dir)
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	// explorer exits 1 even when it opened the folder: only a failure to
	// start counts.
	go func() { _ = cmd.Wait() }()
	return nil
}

// recordingButton is an entry's recording mark: tap it to show where the
// file is.
func (p *Page) recordingButton(gtx layout.Context, e *env.Env, c core.HistoryEntry) layout.Dimensions {
	th := e.Theme
	b := p.recButtons(c.ID)
	if b.show.Clicked(gtx) {
		p.shownRec[c.ID] = !p.shownRec[c.ID]
	}
	desc := "Recorded: show the recording of this call"
	if p.shownRec[c.ID] {
		desc = "Recorded: hide the recording's place"
	}
	return widgets.TintedIconButton(gtx, th, &b.show, icRecorded, desc, th.Danger)
}

func (p *Page) recButtons(id int64) *recButtons {
	b := p.recBtns[id]
	if b == nil {
		b = &recButtons{}
		p.recBtns[id] = b
	}
	return b
}

// layoutRecording is the recording's path under its entry, with Open
// folder and Copy path.
func (p *Page) layoutRecording(gtx layout.Context, e *env.Env, c core.HistoryEntry) layout.Dimensions {
	th := e.Theme
	b := p.recButtons(c.ID)
	if b.open.Clicked(gtx) {
		dir, open := filepath.Dir(c.Recording), p.OpenFolder
		e.Run("Open folder", func(context.Context) error { return open(dir) })
	}
	if b.copy.Clicked(gtx) {
		gtx.Execute(clipboard.WriteCmd{Type: "application/text", Data: io.NopCloser(strings.NewReader(c.Recording))})
	}
	return layout.Inset{Left: 54, Right: 8, Bottom: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return widgets.Muted(gtx, th, "Recording") }),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.Described(gtx, "Recording: "+c.Recording, func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 14, th.Fg, c.Recording)
				})
			}),
			layout.Rigid(layout.Spacer{Height: 6}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if p.OpenFolder == nil {
							return layout.Dimensions{}
						}
						return layout.Inset{Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return widgets.PlainButton(gtx, th, &b.open, "Open folder", "Open the folder of the recording")
						})
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.PlainButton(gtx, th, &b.copy, "Copy path", "Copy the recording's path")
					}),
				)
			}),
		)
	})
}
