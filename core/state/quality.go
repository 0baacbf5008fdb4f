package state

import (
	"maps"
	"time"

	"github.com/softphone/softphone/core/media"
)

// Quality is a call's media figures as RTCP and the receiver see them.
type Quality struct {
	media.Stats
	At time.Time // when they were read
}

// Qualities are the latest figures of each call, by call id. The zero
// value holds none. It is immutable: With and Without return new ones.
type Qualities struct{ m map[string]Quality }

// Get is call id's figures, if it has any.
func (q Qualities) Get(id string) (Quality, bool) {
	v, ok := q.m[id]
	return v, ok
}

// Len is how many calls have figures.
func (q Qualities) Len() int { return len(q.m) }

// With is q with call id's figures set to v.
func (q Qualities) With(id string, v Quality) Qualities {
	m := make(map[string]Quality, len(q.m)+1)
	maps.Copy(m, q.m)
	m[id] = v
	return Qualities{m}
}
