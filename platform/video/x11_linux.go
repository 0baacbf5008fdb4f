package video

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/shm"
	"github.com/jezek/xgb/xproto"

	"github.com/softphone/softphone/core/video"
)

// Device IDs of X11 screens ("screen:0") and windows ("window:0x1a00003").
const (
	screenPrefix = "screen:"
	windowPrefix = "window:"
)

var errNoDisplay = errors.New("no X display set")

// dialX connects to the driver's X display.
func (d *Driver) dialX(ctx context.Context) (*xgb.Conn, error) {
	if d.opts.display == "" {
		return nil, errNoDisplay
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := xgb.NewConnDisplay(d.opts.display)
	if err != nil {
		return nil, fmt.Errorf("x11 display %q: %w", d.opts.display, err)
	}
	return c, nil
}

// x11Devices lists each screen and each named, mapped top-level window.
func (d *Driver) x11Devices(ctx context.Context) ([]video.DeviceInfo, error) {
	conn, err := d.dialX(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	setup := xproto.Setup(conn)
	var list []video.DeviceInfo
	for i, s := range setup.Roots {
		list = append(list, video.DeviceInfo{
			ID:   screenPrefix + strconv.Itoa(i),
			Name: fmt.Sprintf("Screen %d (%dx%d)", i, s.WidthInPixels, s.HeightInPixels),
			Kind: video.KindScreen,
		})
	}
	at, err := internAtoms(conn)
	if err != nil {
		return nil, err
	}
	for _, s := range setup.Roots {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ws, err := topLevels(conn, s.Root, at)
		if err != nil {
			return nil, err
		}
		list = append(list, ws...)
	}
	return list, nil
}

// atoms are the property names window listing reads.
type atoms struct {
	clientList, netWMName, utf8 xproto.Atom
}

func internAtoms(conn *xgb.Conn) (atoms, error) {
	cl := xproto.InternAtom(conn, true, uint16(len("_NET_CLIENT_LIST")), "_NET_CLIENT_LIST")
	nn := xproto.InternAtom(conn, false, uint16(len("_NET_WM_NAME")), "_NET_WM_NAME")
	u8 := xproto.InternAtom(conn, false, uint16(len("UTF8_STRING")), "UTF8_STRING")
	var a atoms
	for _, p := range []struct {
		c xproto.InternAtomCookie
		a *xproto.Atom
	}{{cl, &a.clientList}, {nn, &a.netWMName}, {u8, &a.utf8}} {
		r, err := p.c.Reply()
		if err != nil {
			return atoms{}, fmt.Errorf("x11 InternAtom: %w", err)
		}
		*p.a = r.Atom
	}
	return a, nil
}

// topLevels lists the windows a user would pick from: the window
// manager's client list when there is one (EWMH), else the root's
// children; mapped, not override-redirect (menus, tooltips), with a name.
func topLevels(conn *xgb.Conn, root xproto.Window, at atoms) ([]video.DeviceInfo, error) {
	var cands []xproto.Window
	if at.clientList != xproto.AtomNone {
		r, err := xproto.GetProperty(conn, false, root, at.clientList, xproto.AtomWindow, 0, 1<<16).Reply()
		if err == nil && r.Format == 32 {
			for i := 0; i+4 <= len(r.Value); i += 4 {
				cands = append(cands, xproto.Window(xgb.Get32(r.Value[i:])))
			}
		}
	}
	if len(cands) == 0 {
		r, err := xproto.QueryTree(conn, root).Reply()
		if err != nil {
			return nil, fmt.Errorf("x11 QueryTree: %w", err)
		}
		cands = r.Children
	}
	// Ask for everything first, then read the replies: one round trip.
	type asked struct {
		attr      xproto.GetWindowAttributesCookie
		net, name xproto.GetPropertyCookie
	}
	qs := make([]asked, len(cands))
	for i, w := range cands {
		qs[i] = asked{
			attr: xproto.GetWindowAttributes(conn, w),
			net:  xproto.GetProperty(conn, false, w, at.netWMName, at.utf8, 0, 1024),
			name: xproto.GetProperty(conn, false, w, xproto.AtomWmName, xproto.GetPropertyTypeAny, 0, 1024),
		}
	}
	var list []video.DeviceInfo
	for i, w := range cands {
		a, aerr := qs[i].attr.Reply()
		n, nerr := qs[i].net.Reply()
		o, oerr := qs[i].name.Reply()
		if aerr != nil || a.MapState != xproto.MapStateViewable || a.OverrideRedirect || a.Class == xproto.WindowClassInputOnly {
			continue // gone meanwhile, hidden, or not a window one shares
		}
		var name string
		if nerr == nil && len(n.Value) > 0 && utf8.Valid(n.Value) {
			name = string(n.Value)
		} else if oerr == nil && len(o.Value) > 0 {
			name = latin1(o.Value)
		}
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		list = append(list, video.DeviceInfo{ID: windowID(w), Name: name, Kind: video.KindWindow})
	}
	return list, nil
}

func windowID(w xproto.Window) string { return windowPrefix + "0x" + strconv.FormatUint(uint64(w), 16) }

// latin1 converts an ICCCM STRING property (ISO 8859-1) to UTF-8.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// gone reports whether an X error means the drawable no longer exists.
func gone(err error) bool {
	switch err.(type) {
	case xproto.WindowError, xproto.DrawableError:
		return true
	}
	return false
}

// openX11 opens "screen:N" or "window:0x…".
func (d *Driver) openX11(ctx context.Context, id string, c video.Constraints) (video.Source, error) {
	conn, err := d.dialX(ctx)
	if err != nil {
		return nil, fmt.Errorf("capture device %q: %w (%w)", id, video.ErrNoDevice, err)
	}
	src, err := d.newXSource(conn, id, c)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return src, nil
}

// newXSource finds the screen or window id names on conn and sets up a
// source capturing it.
func (d *Driver) newXSource(conn *xgb.Conn, id string, c video.Constraints) (*xsource, error) {
	setup := xproto.Setup(conn)
	noDev := fmt.Errorf("capture device %q: %w", id, video.ErrNoDevice)
	var (
		scr    *xproto.ScreenInfo
		window xproto.Window
	)
	if n, ok := strings.CutPrefix(id, screenPrefix); ok {
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i >= len(setup.Roots) {
			return nil, noDev
		}
		scr = &setup.Roots[i]
	} else {
		hex, ok := strings.CutPrefix(strings.TrimPrefix(id, windowPrefix), "0x")
		v, err := strconv.ParseUint(hex, 16, 32)
		if !ok || err != nil || v == 0 {
			return nil, noDev
		}
		window = xproto.Window(v)
		g, err := xproto.GetGeometry(conn, xproto.Drawable(window)).Reply()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", noDev, err)
		}
		for i := range setup.Roots {
			if setup.Roots[i].Root == g.Root {
				scr = &setup.Roots[i]
			}
		}
		if scr == nil {
			return nil, noDev
		}
		if err := checkFormat(setup, g.Depth); err != nil {
			return nil, fmt.Errorf("capture device %q: %w", id, err)
		}
	}
	if err := checkFormat(setup, scr.RootDepth); err != nil {
		return nil, fmt.Errorf("capture device %q: %w", id, err)
	}
	s := newXSource(conn, scr, window, c, d.opts.now)
	if !d.opts.noShm {
		err := d.initShm(conn)
		if err == nil {
			err = s.attachShm()
		}
		if err != nil {
			d.opts.log.Debug("video: X capture without MIT-SHM", "display", d.opts.display, "err", err)
		}
	}
	return s, nil
}

// initShm readies conn for MIT-SHM requests. xgb's shm.Init also writes
// the extension's event and error decoders into package maps that every
// connection's reader consults: that is done once, and later connections
// only learn the extension's opcode, so that a running capture never
// reads those maps while they are written.
func (d *Driver) initShm(conn *xgb.Conn) error {
	d.xinit.Lock()
	defer d.xinit.Unlock()
	if !d.shmInited {
		if err := shm.Init(conn); err != nil {
			return err
		}
		d.shmInited = true
		return nil
	}
	const name = "MIT-SHM"
	r, err := xproto.QueryExtension(conn, uint16(len(name)), name).Reply()
	if err != nil {
		return err
	}
	if !r.Present {
		return errors.New("no MIT-SHM extension")
	}
	conn.ExtLock.Lock()
	conn.Extensions[name] = r.MajorOpcode
	conn.ExtLock.Unlock()
	return nil
}

// checkFormat accepts the pixel layout convert reads: 32 bits a pixel,
// blue first (LSBFirst byte order), at that depth.
func checkFormat(setup *xproto.SetupInfo, depth byte) error {
	if setup.ImageByteOrder != xproto.ImageOrderLSBFirst {
		return errors.New("x11 server with MSB-first images is not supported")
	}
	for _, f := range setup.PixmapFormats {
		if f.Depth == depth {
			if f.BitsPerPixel != 32 {
				return fmt.Errorf("x11 depth %d at %d bits a pixel is not supported", depth, f.BitsPerPixel)
			}
			return nil
		}
	}
	return fmt.Errorf("x11 depth %d has no pixmap format", depth)
}
