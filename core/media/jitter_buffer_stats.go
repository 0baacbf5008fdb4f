package media

import "time"

// JitterStats are a jitter buffer's counters since it was made, and its
// current delay figures.
type JitterStats struct {
	Received  uint64 // packets given to Put, duplicates and late ones included
	Played    uint64 // packets handed out as FramePacket
	Lost      uint64 // FrameLost for missing packets (inserted frames not included)
	Late      uint64 // packets that arrived after their slot, dropped
	Duplicate uint64 // packets received twice, dropped
	Reordered uint64 // packets that arrived after a higher sequence number
	// Dropped counts frames taken out of the timeline: packets dropped to
	// shrink the delay, on overflow or restart, and silent slots skipped.
	Dropped uint64
	// Inserted counts frames added to grow the delay: concealed frames in
	// speech, silent slots elsewhere.
	Inserted uint64

	TargetDelay time.Duration // the delay the buffer aims at
	// CurrentDelay is how long the quickest recent packets wait before
	// playout: the delay the buffer adds on top of the network's.
	CurrentDelay time.Duration
	Jitter       time.Duration // RFC 3550 interarrival jitter
}
