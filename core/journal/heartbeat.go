package journal

import (
	"context"
	"time"
)

// The heartbeat saves, while calls run, the time they were last known to
// go, so that a call cut by a crash or kill -9 ends (and lasts) within
// one interval of the truth: the store ends it at that time when it is
// next opened. It ticks only while calls run; each tick is one UPDATE.

// ticker starts ticks every interval; stop ends them. New uses a
// time.Ticker; the package's tests send their own ticks.
type ticker func(every time.Duration) (ticks <-chan time.Time, stop func())

func timeTicker(every time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(every)
	return t.C, t.Stop
}

// heartbeat is the loop's ticker while calls run; only the loop uses it.
type heartbeat struct {
	start ticker
	every time.Duration
	ticks <-chan time.Time // nil while no call runs: the loop never wakes for it
	stop  func()
}

// follow starts the ticks when calls run and ends them when none does.
func (h *heartbeat) follow(running int) {
	switch {
	case running > 0 && h.ticks == nil:
		h.ticks, h.stop = h.start(h.every)
	case running == 0 && h.ticks != nil:
		h.end()
	}
}

// end stops the ticks, if they run.
func (h *heartbeat) end() {
	if h.stop != nil {
		h.stop()
	}
	h.ticks, h.stop = nil, nil
}

// touch notes that the running calls still went at now (the tick's time).
// Nothing a screen lists changes, so it reports nothing.
func (j *Journal) touch(now time.Time) {
	if len(j.active) == 0 {
		return
	}
	ids := make([]string, 0, len(j.active))
	for id := range j.active {
		ids = append(ids, id)
	}
	j.write("touch", "", func(ctx context.Context) error { return j.st.Touch(ctx, now, ids...) })
}
