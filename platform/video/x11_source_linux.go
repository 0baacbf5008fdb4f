package video

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/shm"
	"github.com/jezek/xgb/xproto"
	"golang.org/x/sys/unix"

	"github.com/softphone/softphone/core/video"
)

// defaultFPS is the rate of screen and window capture when the caller
// asks for none: enough for slides and documents, cheap on the CPU.
const defaultFPS = 15

var errClosed = errors.New("video: capture source closed")

// xsource captures one X11 screen (its root window) or one window with
// GetImage, through MIT-SHM when the server shares memory with us.
type xsource struct {
	conn     *xgb.Conn
	root     xproto.Window
	window   xproto.Window // 0: the whole screen
	screenW  int
	screenH  int
	maxW     int
	maxH     int
	period   time.Duration
	now      func() time.Time
	timer    *time.Timer
	due      time.Time
	done     chan struct{} // closed by Close
	closeOne sync.Once

	// mu guards the capture state below: Close waits for a Read that is
	// converting out of the shared segment before it unmaps it.
	mu     sync.Mutex
	closed bool
	seg    shm.Seg
	shmBuf []byte // attached System V segment; nil: plain GetImage
	pic    picture
	sc     scaler
	have   bool // pic holds a captured frame
}

func newXSource(conn *xgb.Conn, scr *xproto.ScreenInfo, window xproto.Window, c video.Constraints, now func() time.Time) *xsource {
	fps := c.FPS
	if fps <= 0 {
		fps = defaultFPS
	}
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &xsource{
		conn: conn, root: scr.Root, window: window,
		screenW: int(scr.WidthInPixels), screenH: int(scr.HeightInPixels),
		maxW: c.Width, maxH: c.Height,
		period: time.Second / time.Duration(fps), now: now, timer: t,
		done: make(chan struct{}),
	}
}

// attachShm shares a segment as large as the screen with the X server
// (its connection is ready for MIT-SHM). It fails for a remote server, or
// one in another IPC namespace.
func (s *xsource) attachShm() error {
	size := s.screenW * s.screenH * 4
	id, err := unix.SysvShmGet(unix.IPC_PRIVATE, size, unix.IPC_CREAT|0o600)
	if err != nil {
		return fmt.Errorf("shmget: %w", err)
	}
	// Marked for removal at once: it lives while we and the server have
	// it attached, and no longer.
	defer func() { _, _ = unix.SysvShmCtl(id, unix.IPC_RMID, nil) }()
	buf, err := unix.SysvShmAttach(id, 0, 0)
	if err != nil {
		return fmt.Errorf("shmat: %w", err)
	}
	seg, err := shm.NewSegId(s.conn)
	if err == nil {
		err = shm.AttachChecked(s.conn, seg, uint32(id), false).Check()
	}
	if err != nil {
		_ = unix.SysvShmDetach(buf)
		return fmt.Errorf("MIT-SHM attach: %w", err)
	}
	s.seg, s.shmBuf = seg, buf
	return nil
}

// detachShm stops using the shared segment.
func (s *xsource) detachShm() {
	if s.shmBuf == nil {
		return
	}
	_ = unix.SysvShmDetach(s.shmBuf)
	s.shmBuf = nil
}

// Read waits for the next frame's time and captures it. A window that is
// unmapped or wholly off the screen repeats its last frame; one that was
// destroyed ends the source with video.ErrNoDevice. One goroutine reads;
// Close may come from another.
func (s *xsource) Read(ctx context.Context) (video.Frame, error) {
	if err := s.wait(ctx); err != nil {
		return video.Frame{}, err
	}
	at := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return video.Frame{}, errClosed
	}
	if err := s.capture(); err != nil {
		select {
		case <-s.done: // our Close cut the connection: not a lost device
			return video.Frame{}, errClosed
		default:
		}
		return video.Frame{}, err
	}
	return video.Frame{Image: s.pic.img, At: at}, nil
}

// wait paces the source at its rate; a reader that fell behind by more
// than a frame starts a new schedule rather than getting a burst.
func (s *xsource) wait(ctx context.Context) error {
	now := s.now()
	if s.due.IsZero() || now.Sub(s.due) > s.period {
		s.due = now
	}
	if d := s.due.Sub(now); d > 0 {
		s.timer.Reset(d)
		select {
		case <-ctx.Done():
			s.timer.Stop()
			return ctx.Err()
		case <-s.done:
			s.timer.Stop()
			return errClosed
		case <-s.timer.C:
		}
	} else if err := ctx.Err(); err != nil {
		return err
	}
	s.due = s.due.Add(s.period)
	return nil
}

// capture grabs the screen or the window's visible part into s.pic.
func (s *xsource) capture() error {
	draw := xproto.Drawable(s.root)
	x, y, w, h := 0, 0, s.screenW, s.screenH
	if s.window != 0 {
		draw = xproto.Drawable(s.window)
		var ok bool
		var err error
		if x, y, w, h, ok, err = s.visible(); err != nil {
			return err
		}
		if !ok {
			return s.repeat(w, h)
		}
	}
	data, err := s.grab(draw, x, y, w, h)
	if err != nil {
		if _, match := err.(xproto.MatchError); match && s.window != 0 {
			return s.repeat(w, h) // unmapped between the two requests
		}
		return s.xerr(err)
	}
	ow, oh := fitSize(w, h, s.maxW, s.maxH)
	if ow == 0 {
		return s.repeat(w, h)
	}
	s.sc.convert(s.pic.resize(ow, oh), data, 4*w, w, h)
	s.have = true
	return nil
}

// visible is the part of the window on the screen, in the window's
// coordinates; ok is false when none of it can be captured now.
func (s *xsource) visible() (x, y, w, h int, ok bool, err error) {
	gc := xproto.GetGeometry(s.conn, xproto.Drawable(s.window))
	tc := xproto.TranslateCoordinates(s.conn, s.window, s.root, 0, 0)
	ac := xproto.GetWindowAttributes(s.conn, s.window)
	g, gerr := gc.Reply()
	t, terr := tc.Reply()
	a, aerr := ac.Reply()
	if err = errors.Join(gerr, terr, aerr); err != nil {
		if gone(gerr) || gone(terr) || gone(aerr) {
			return 0, 0, 0, 0, false, fmt.Errorf("%s: %w", s, video.ErrNoDevice)
		}
		return 0, 0, 0, 0, false, s.xerr(err)
	}
	w, h = int(g.Width), int(g.Height)
	if a.MapState != xproto.MapStateViewable {
		return 0, 0, w, h, false, nil
	}
	rx, ry := int(t.DstX), int(t.DstY)
	x0, y0 := max(0, -rx), max(0, -ry)
	x1, y1 := min(w, s.screenW-rx), min(h, s.screenH-ry)
	if x1-x0 < 2 || y1-y0 < 2 {
		return 0, 0, w, h, false, nil
	}
	return x0, y0, x1 - x0, y1 - y0, true, nil
}

// grab reads w×h pixels at x, y of draw as 32-bit BGRX rows.
func (s *xsource) grab(draw xproto.Drawable, x, y, w, h int) ([]byte, error) {
	if s.shmBuf != nil {
		_, err := shm.GetImage(s.conn, draw, int16(x), int16(y), uint16(w), uint16(h),
			0xffffffff, xproto.ImageFormatZPixmap, s.seg, 0).Reply()
		if err != nil {
			return nil, err
		}
		return s.shmBuf[:w*h*4], nil
	}
	r, err := xproto.GetImage(s.conn, xproto.ImageFormatZPixmap, draw, int16(x), int16(y), uint16(w), uint16(h), 0xffffffff).Reply()
	if err != nil {
		return nil, err
	}
	if len(r.Data) < w*h*4 {
		return nil, fmt.Errorf("x11 GetImage: %d bytes for %dx%d", len(r.Data), w, h)
	}
	return r.Data, nil
}

// repeat keeps the last frame, or makes a black one of the window's size
// when there is none yet.
func (s *xsource) repeat(w, h int) error {
	if s.have {
		return nil
	}
	ow, oh := fitSize(w, h, s.maxW, s.maxH)
	if ow == 0 {
		ow, oh = 2, 2
	}
	img := s.pic.resize(ow, oh)
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 128, 128
	}
	for i := range img.Y {
		img.Y[i] = 16
	}
	s.have = true
	return nil
}

// String names what the source captures, for errors.
func (s *xsource) String() string {
	if s.window == 0 {
		return fmt.Sprintf("x11 capture of screen root 0x%x", uint32(s.root))
	}
	return fmt.Sprintf("x11 capture of window 0x%x", uint32(s.window))
}

func (s *xsource) xerr(err error) error {
	// io.EOF: the X server closed the connection (it went away).
	if gone(err) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %w", s, video.ErrNoDevice)
	}
	return fmt.Errorf("%s: %w", s, err)
}

// Close ends the capture; a Read blocked in it returns an error.
func (s *xsource) Close() error {
	s.closeOne.Do(func() {
		close(s.done)
		s.conn.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.closed = true
		s.detachShm()
	})
	return nil
}
