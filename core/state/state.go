package state

import (
	"maps"
	"slices"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
)

// State is the phone at one version: everything a front-end draws. It is
// immutable: each event makes a new version, and a State once read never
// changes, so a reader holds no lock and sees one consistent moment.
// Slices and maps may be shared between versions and must not be written
// to.
type State struct {
	Version  uint64
	Listen   string           // where SIP is received, once started
	Accounts []account.Status // in the configuration's order
	// Calls are the calls in progress, oldest first (by start time, then
	// id): the same order on every read and in every front-end.
	Calls     []call.Info
	Quality   Qualities         // by call id: the latest figures of each call with media
	Voicemail []VoicemailStatus // one per account, in the configuration's order
	Lamps     map[string]BLFState
	Watched   []string      // the watched extensions, in the order given
	Config    config.Config // the settings in force (DND and forwarding are per account here)
	// Journal counts; Journal goes up with each JournalEvent, so a screen
	// listing history or messages knows to read them again.
	Journal      uint64
	UnseenMissed int
	Unread       int
	// Notices are the one-time messages for the user, oldest first.
	Notices []string
}

// Call is the call with id, if it is listed.
func (s State) Call(id string) (call.Info, bool) {
	for _, c := range s.Calls {
		if c.ID == id {
			return c, true
		}
	}
	return call.Info{}, false
}

// DND says whether do-not-disturb is on: on when every enabled account
// has it.
func (s State) DND() bool {
	on := false
	for _, a := range s.Config.Accounts {
		if !a.Enabled {
			continue
		}
		if !a.DND {
			return false
		}
		on = true
	}
	return on
}

// Seed is the state before any event: the configuration's accounts, not
// registered yet, with their voicemail numbers.
func Seed(cfg config.Config, accounts []string) State {
	s := State{Config: cfg, Lamps: map[string]BLFState{}}
	now := time.Now()
	for _, name := range accounts {
		s.Accounts = append(s.Accounts, account.Status{Account: name, State: account.Unregistered, At: now})
		vm := VoicemailStatus{Account: name}
		if a, ok := cfg.Account(name); ok {
			vm.Number = a.Voicemail
		}
		s.Voicemail = append(s.Voicemail, vm)
	}
	return s
}

// apply returns the state after e (but for the calls and their figures,
// which the bus keeps: liveCalls). It copies what it changes.
func (s State) apply(e Event) State {
	switch e := e.(type) {
	case ListeningEvent:
		s.Listen = e.Addr
	case RegistrationEvent:
		s.Accounts = replaceAccount(s.Accounts, e.Status)
	case VoicemailEvent:
		s.Voicemail = slices.Clone(s.Voicemail)
		for i := range s.Voicemail {
			if s.Voicemail[i].Account == e.Account {
				num := s.Voicemail[i].Number
				s.Voicemail[i] = e.VoicemailStatus
				if s.Voicemail[i].Number == "" {
					s.Voicemail[i].Number = num
				}
			}
		}
	case BLFEvent:
		if _, ok := s.Lamps[e.URI]; ok {
			s.Lamps = maps.Clone(s.Lamps)
			s.Lamps[e.URI] = e.State
		}
	case WatchEvent:
		lamps := make(map[string]BLFState, len(e.URIs))
		for _, u := range e.URIs {
			st, ok := s.Lamps[u]
			if !ok {
				st = BLFUnknown
			}
			lamps[u] = st
		}
		s.Lamps, s.Watched = lamps, slices.Clone(e.URIs)
	case ConfigEvent:
		s = s.withConfig(e.Config)
	case JournalEvent:
		s.Journal++
		s.UnseenMissed, s.Unread = e.UnseenMissed, e.Unread
	case NoticeEvent:
		s.Notices = append(slices.Clip(s.Notices), e.Text)
	}
	return s
}

// withConfig takes a new configuration: accounts keep their registration
// status by name, new ones start unregistered, removed ones go.
func (s State) withConfig(cfg config.Config) State {
	old, oldVM := s.Accounts, s.Voicemail
	s.Config, s.Accounts, s.Voicemail = cfg, nil, nil
	names := make([]string, 0, len(old))
	for _, a := range old {
		names = append(names, a.Account)
	}
	// The phone runs the accounts it was given; the configuration may
	// list more (disabled ones): keep the running set, in the file's order.
	for _, a := range cfg.Accounts {
		i := slices.Index(names, a.Name)
		if i < 0 {
			if !a.Enabled {
				continue
			}
			s.Accounts = append(s.Accounts, account.Status{Account: a.Name, State: account.Unregistered, At: time.Now()})
			s.Voicemail = append(s.Voicemail, VoicemailStatus{Account: a.Name, Number: a.Voicemail})
			continue
		}
		s.Accounts = append(s.Accounts, old[i])
		vm := VoicemailStatus{Account: a.Name}
		if j := slices.IndexFunc(oldVM, func(v VoicemailStatus) bool { return v.Account == a.Name }); j >= 0 {
			vm = oldVM[j]
		}
		vm.Number = a.Voicemail
		s.Voicemail = append(s.Voicemail, vm)
	}
	return s
}

func replaceAccount(list []account.Status, st account.Status) []account.Status {
	out := slices.Clone(list)
	for i := range out {
		if out[i].Account == st.Account {
			out[i] = st
			return out
		}
	}
	return append(out, st)
}
