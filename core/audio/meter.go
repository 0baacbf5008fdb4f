package audio

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"time"
)

// Meter reads an input device while someone looks at its level, and
// lets it go when nobody has asked for a while.
type Meter struct {
	open func() (Device, error) // opens the input to measure
	idle time.Duration          // unasked this long, the device closes
	log  *slog.Logger

	// mu guards what follows; the reading goroutine takes it per frame.
	mu     sync.Mutex
	level  float64
	asked  time.Time
	cancel context.CancelFunc
}

// NewMeter measures the device open gives (opened on the first Level).
func NewMeter(open func() (Device, error), log *slog.Logger) *Meter {
	if log == nil {
		log = slog.Default()
	}
	return &Meter{open: open, idle: 5 * time.Second, log: log}
}

// Level is the current level, 0..1 (RMS, full scale = 1). The first call
// opens the device; it closes again a few seconds after the last call.
func (m *Meter) Level() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked = time.Now()
	if m.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		m.cancel = cancel
		go m.run(ctx)
	}
	return m.level
}

// Close stops measuring.
func (m *Meter) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cancel != nil {
		m.cancel()
	}
}

func (m *Meter) run(ctx context.Context) {
	defer func() {
		m.mu.Lock()
		m.cancel, m.level = nil, 0
		m.mu.Unlock()
	}()
	dev, err := m.open()
	if err != nil {
		m.log.Debug("level meter", "error", err)
		return
	}
	defer dev.Close()
	buf := make([]int16, dev.Format().FrameSamples())
	for ctx.Err() == nil {
		n, err := dev.ReadFrame(buf)
		if err != nil {
			return
		}
		var sum float64
		for _, s := range buf[:n] {
			v := float64(s) / 32768
			sum += v * v
		}
		m.mu.Lock()
		m.level = math.Sqrt(sum / float64(max(n, 1)))
		idle := time.Since(m.asked) > m.idle
		m.mu.Unlock()
		if idle {
			return
		}
	}
}
