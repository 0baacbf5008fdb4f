package state

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/softphone/softphone/core/call"
)

// liveCalls is the bus's working copy of the calls and their figures,
// changed in place by each event and copied out only when State is read:
// a copy per event would cost every call's entry each time one call
// changes or reports (quadratic in the calls, and garbage that held a
// phone with hundreds of calls at twice its memory). Guarded by Bus.mu.
type liveCalls struct {
	byID    map[string]call.Info
	order   []string // by start, then id
	quality map[string]Quality
}

func newLiveCalls(calls []call.Info, q Qualities) liveCalls {
	l := liveCalls{byID: map[string]call.Info{}, quality: maps.Clone(q.m)}
	if l.quality == nil {
		l.quality = map[string]Quality{}
	}
	for _, c := range calls {
		l.call(c)
	}
	return l
}

// call lists, updates or (once ended) drops a call.
func (l *liveCalls) call(info call.Info) {
	old, listed := l.byID[info.ID]
	if info.State == call.Ended {
		if listed {
			delete(l.byID, info.ID)
			delete(l.quality, info.ID)
			l.order = slices.DeleteFunc(l.order, func(id string) bool { return id == info.ID })
		}
		return
	}
	l.byID[info.ID] = info
	if listed && old.Started.Equal(info.Started) {
		return
	}
	if listed {
		l.order = slices.DeleteFunc(l.order, func(id string) bool { return id == info.ID })
	}
	i, _ := slices.BinarySearchFunc(l.order, info, func(id string, t call.Info) int {
		return byStart(l.byID[id], t)
	})
	l.order = slices.Insert(l.order, i, info.ID)
}

// stats keeps a listed call's latest figures.
func (l *liveCalls) stats(e CallStatsEvent) {
	if _, ok := l.byID[e.CallID]; ok && !e.Final {
		l.quality[e.CallID] = Quality{Stats: e.Stats, At: time.Now()}
	}
}

// snapshot copies the calls out, oldest first, with their figures.
func (l *liveCalls) snapshot() ([]call.Info, Qualities) {
	calls := make([]call.Info, len(l.order))
	for i, id := range l.order {
		calls[i] = l.byID[id]
	}
	return calls, Qualities{maps.Clone(l.quality)}
}

func byStart(a, b call.Info) int {
	if c := a.Started.Compare(b.Started); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}
