package audio

// SharedClock is implemented by devices whose capture and playback run on
// one clock. The media path then serves both directions from one loop:
// one wake-up per period instead of two, which is most of a call's CPU
// cost on an idle machine. Hardware with separate capture and playback
// clocks must not claim it: their drift needs a loop per direction.
type SharedClock interface {
	SharedClock() bool
}

// RoomWaiter is implemented by playback devices that can wait until they
// would accept the next frame without blocking. With separate capture and
// playback clocks the media path waits for that first, then decodes the
// frame: it reaches the device as fresh as it can be, not a period ahead
// of its turn.
type RoomWaiter interface {
	WaitRoom() error
}

// SharesClock reports whether dev's capture and playback share one clock.
func SharesClock(dev Device) bool {
	c, ok := dev.(SharedClock)
	return ok && c.SharedClock()
}

// SharedClock is true: both directions are paced from one origin.
func (d *NullDevice) SharedClock() bool { return true }

// SharedClock is true: NewFileDevice gives both directions one origin.
func (d *FileDevice) SharedClock() bool { return true }
