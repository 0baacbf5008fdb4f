package cti

import (
	"context"
	"net/url"
)

// popup opens the expanded URL on a goroutine of its own, bounded by
// popupTimeout. At most MaxPopups open at once: a burst of calls must not
// start a browser per call.
func (w *watcher) popup(tmpl string, v Vars) {
	if w.o.Opener == nil {
		return
	}
	target := Expand(tmpl, v)
	// The configuration checked the template; the values are escaped.
	// Checked again because the URL goes to a program that would also
	// take a file name or an option.
	if u, err := url.Parse(target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		w.log.Warn("cti: screen-pop URL is not http(s); not opened", "call", v.CallID)
		return
	}
	select {
	case w.popups <- struct{}{}:
	default:
		w.log.Warn("cti: screen-pop skipped: too many opening", "call", v.CallID, "max", MaxPopups)
		return
	}
	w.jobs.Add(1)
	go func() {
		defer w.jobs.Done()
		defer func() { <-w.popups }()
		ctx, cancel := context.WithTimeout(w.run, popupTimeout)
		defer cancel()
		if err := w.o.Opener.Open(ctx, target); err != nil {
			w.log.Warn("cti: screen-pop failed", "call", v.CallID, "err", err)
		}
	}()
}
