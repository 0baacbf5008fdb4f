package accounts

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/gui/theme"
)

// tone is the colour family of a state.
type tone int

const (
	toneOff tone = iota
	toneOK
	toneBusy
	toneBad
)

func (t tone) color(th *theme.Theme) color.NRGBA {
	switch t {
	case toneOK:
		return th.Accept
	case toneBusy:
		return th.Warning
	case toneBad:
		return th.Danger
	}
	return th.Muted
}

// stateLine is how one account's registration reads on screen.
type stateLine struct {
	Title  string // "Registered", "Failed: 403 Forbidden", "Off"
	Detail string // expiry, next attempt; may be ""
	Tone   tone
}

// describeState turns a status into text. enabled is from the config;
// known says whether the core reported a status for the account.
func describeState(s account.Status, known, enabled bool, now time.Time) stateLine {
	if !enabled {
		return stateLine{Title: "Off", Detail: "Not registering; enable to sign in", Tone: toneOff}
	}
	if !known {
		return stateLine{Title: "Not registered", Tone: toneOff}
	}
	switch s.State {
	case account.Registered:
		l := stateLine{Title: "Registered", Tone: toneOK}
		if s.Expires > 0 && !s.At.IsZero() {
			l.Detail = "Expires " + clock(s.At.Add(time.Duration(s.Expires)*time.Second), now) +
				" (" + duration(s.Expires) + " granted)"
		}
		return l
	case account.Registering:
		return stateLine{Title: "Registering…", Detail: "Contacting the server", Tone: toneBusy}
	case account.Failed:
		l := stateLine{Title: "Failed: " + failReason(s), Tone: toneBad}
		if s.RetryIn > 0 && !s.At.IsZero() {
			if next := s.At.Add(s.RetryIn); next.After(now) {
				l.Detail = "Next attempt " + clock(next, now)
			}
		}
		return l
	}
	return stateLine{Title: "Not registered", Tone: toneOff}
}

// failReason is the server's code and phrase, or what went wrong.
func failReason(s account.Status) string {
	r := strings.TrimSpace(s.Reason)
	switch {
	case r != "" && s.Code != 0 && !strings.Contains(r, strconv.Itoa(s.Code)):
		return strconv.Itoa(s.Code) + " " + r
	case r != "":
		return r
	case s.Code != 0:
		return "SIP " + strconv.Itoa(s.Code)
	}
	return "no response"
}

// clock formats t for a status line: "at 14:32" today, else with the date.
func clock(t, now time.Time) string {
	t = t.Local()
	ty, tm, td := t.Date()
	ny, nm, nd := now.Local().Date()
	if ty != ny || tm != nm || td != nd {
		return "on " + t.Format("Jan 2, 15:04")
	}
	return "at " + t.Format("15:04")
}

// duration formats seconds as "600 s", "10 min", "1 h", "2 d".
func duration(sec int) string {
	switch {
	case sec%86400 == 0:
		return fmt.Sprintf("%d d", sec/86400)
	case sec%3600 == 0:
		return fmt.Sprintf("%d h", sec/3600)
	case sec%60 == 0:
		return fmt.Sprintf("%d min", sec/60)
	}
	return fmt.Sprintf("%d s", sec)
}
