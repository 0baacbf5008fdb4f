package state

import (
	"hash/maphash"
	"maps"
	"time"

	"github.com/softphone/softphone/core/media"
)

// Quality is a call's media figures as RTCP and the receiver see them.
type Quality struct {
	media.Stats
	At time.Time // when they were read
}

// qualityShards splits the figures so that one call's update copies a
// sixteenth of them: every call reports every few seconds, and a copy of
// all of them per report made garbage in proportion to the calls squared.
const qualityShards = 16

// Qualities are the latest figures of each call, by call id. The zero
// value holds none. It is immutable: With and Without return new ones
// that share the shards they leave alone.
type Qualities struct {
	seed   maphash.Seed
	shards [qualityShards]map[string]Quality
}

// Get is call id's figures, if it has any.
func (q Qualities) Get(id string) (Quality, bool) {
	v, ok := q.shards[q.shard(id)][id]
	return v, ok
}

// Len is how many calls have figures.
func (q Qualities) Len() int {
	n := 0
	for _, s := range q.shards {
		n += len(s)
	}
	return n
}

// With is q with call id's figures set to v.
func (q Qualities) With(id string, v Quality) Qualities {
	if q.seed == (maphash.Seed{}) {
		q.seed = maphash.MakeSeed()
	}
	i := q.shard(id)
	s := make(map[string]Quality, len(q.shards[i])+1)
	maps.Copy(s, q.shards[i])
	s[id] = v
	q.shards[i] = s
	return q
}

// Without is q with no figures for call id.
func (q Qualities) Without(id string) Qualities {
	i := q.shard(id)
	if _, ok := q.shards[i][id]; !ok {
		return q
	}
	s := maps.Clone(q.shards[i])
	delete(s, id)
	q.shards[i] = s
	return q
}

func (q Qualities) shard(id string) int {
	if q.seed == (maphash.Seed{}) {
		return 0 // empty: every shard is nil
	}
	return int(maphash.String(q.seed, id) % qualityShards)
}
