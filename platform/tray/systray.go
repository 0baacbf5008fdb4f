//go:build (linux && !android) || windows

package tray

import (
	"log/slog"
	"runtime"
	"sync"
	"time"

	"fyne.io/systray"
)

// systraySurface is the system's tray, through fyne.io/systray.
type systraySurface struct {
	log    *slog.Logger
	clicks chan Click
	done   chan struct{} // the tray's loop returned
	quit   chan struct{} // Close was called

	mu    sync.Mutex
	view  View
	items *items // nil until the menu is built
}

// items are the menu's entries.
type items struct {
	show, dnd, answer, decline, quit *systray.MenuItem
}

// newSystray starts the tray's loop, showing v. Its loop runs on a
// goroutine of its own, locked to its thread: on Windows the icon's
// hidden window and its message loop must share one thread, and on Linux
// the loop only waits; the window keeps the main thread.
func newSystray(v View, log *slog.Logger) *systraySurface {
	s := &systraySurface{log: log, clicks: make(chan Click), done: make(chan struct{}), quit: make(chan struct{}), view: v}
	systray.SetOnTapped(func() { s.send(ClickShow) })
	preset(v)
	go func() {
		runtime.LockOSThread()
		defer close(s.done)
		systray.Run(s.ready, nil)
	}()
	return s
}

// ready builds the menu once the tray is up.
func (s *systraySurface) ready() {
	it := &items{
		show: systray.AddMenuItem(LabelShow, ""),
		dnd:  systray.AddMenuItemCheckbox(LabelDND, "Refuse incoming calls", false),
	}
	it.answer = systray.AddMenuItem("Answer", "")
	it.decline = systray.AddMenuItem(LabelDecline, "")
	systray.AddSeparator()
	it.quit = systray.AddMenuItem(LabelQuit, "")
	for _, f := range []struct {
		m *systray.MenuItem
		c Click
	}{{it.show, ClickShow}, {it.dnd, ClickDND}, {it.answer, ClickAnswer}, {it.decline, ClickDecline}, {it.quit, ClickQuit}} {
		go func() {
			for {
				select {
				case <-f.m.ClickedCh:
					s.send(f.c)
				case <-s.quit:
					return
				}
			}
		}()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = it
	s.apply()
}

func (s *systraySurface) send(c Click) {
	select {
	case s.clicks <- c:
	case <-s.quit:
	}
}

// Show draws v once the menu is built, at once if it is.
func (s *systraySurface) Show(v View) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.view = v
	if s.items != nil {
		s.apply()
	}
}

// apply draws s.view; s.mu is held.
func (s *systraySurface) apply() {
	v, it := s.view, s.items
	systray.SetIcon(iconBytes(v.Icon))
	systray.SetTooltip(v.Tooltip)
	if v.DND {
		it.dnd.Check()
	} else {
		it.dnd.Uncheck()
	}
	if v.Call == "" {
		it.answer.Hide()
		it.decline.Hide()
		return
	}
	it.answer.SetTitle(v.Answer)
	it.answer.Show()
	it.decline.Show()
}

func (s *systraySurface) Clicks() <-chan Click { return s.clicks }

// Close takes the icon away and waits for the tray's loop, briefly: on
// Wine the library's removal of the icon and its window's last messages
// wait on each other until Wine's 2 s message timeout.
func (s *systraySurface) Close() {
	close(s.quit)
	systray.Quit()
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		s.log.Warn("tray: its loop did not end within 3 s")
	}
}
