package video

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/softphone/softphone/core/video"
)

// cameraPrefix starts a camera's ID: "camera:/dev/video0".
const cameraPrefix = "camera:"

// V4L2 constants and structures (linux/videodev2.h) this capture uses:
// single-planar capture of YUYV into mmap buffers.
const (
	v4l2CapVideoCapture = 0x00000001
	v4l2CapStreaming    = 0x04000000
	v4l2CapDeviceCaps   = 0x80000000
	v4l2BufTypeCapture  = 1
	v4l2MemoryMmap      = 1
	v4l2FieldNone       = 1
	v4l2PixFmtYUYV      = 'Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24
	v4l2Buffers         = 4
)

type v4l2Capability struct {
	Driver       [16]byte
	Card         [32]byte
	BusInfo      [32]byte
	Version      uint32
	Capabilities uint32
	DeviceCaps   uint32
	Reserved     [3]uint32
}

type v4l2PixFormat struct {
	Width, Height, PixelFormat, Field, BytesPerLine, SizeImage uint32
	Colorspace, Priv, Flags, YCbCrEnc, Quantization, XferFunc  uint32
}

type v4l2Format struct {
	Type uint32
	// The kernel's union holds pointers (struct v4l2_window): it is
	// pointer-aligned, which the zero-length array reproduces.
	Fmt struct {
		_   [0]uintptr
		Pix v4l2PixFormat
		_   [200 - unsafe.Sizeof(v4l2PixFormat{})]byte
	}
}

type v4l2RequestBuffers struct {
	Count, Type, Memory, Capabilities uint32
	Flags                             uint8
	Reserved                          [3]uint8
}

type v4l2Buffer struct {
	Index, Type, BytesUsed, Flags, Field uint32
	Timestamp                            unix.Timeval
	Timecode                             [16]byte
	Sequence, Memory                     uint32
	Offset                               uintptr // union m: offset, userptr, planes, fd
	Length, Reserved2                    uint32
	RequestFD                            uint32
}

type v4l2StreamParm struct {
	Type    uint32
	Capture struct {
		Capability, CaptureMode uint32
		TimePerFrame            [2]uint32 // numerator, denominator
		ExtendedMode            uint32
		ReadBuffers             uint32
		Reserved                [4]uint32
	}
	_ [200 - 40]byte
}

// ioc builds an ioctl request number the way <asm-generic/ioctl.h> does
// (dir 2 bits, size 14, type 8, nr 8), as on x86, arm and riscv.
func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | 'V'<<8 | nr }

const (
	iocW = 1
	iocR = 2
)

var (
	vidiocQueryCap  = ioc(iocR, 0, unsafe.Sizeof(v4l2Capability{}))
	vidiocSFmt      = ioc(iocR|iocW, 5, unsafe.Sizeof(v4l2Format{}))
	vidiocReqBufs   = ioc(iocR|iocW, 8, unsafe.Sizeof(v4l2RequestBuffers{}))
	vidiocQueryBuf  = ioc(iocR|iocW, 9, unsafe.Sizeof(v4l2Buffer{}))
	vidiocQBuf      = ioc(iocR|iocW, 15, unsafe.Sizeof(v4l2Buffer{}))
	vidiocDQBuf     = ioc(iocR|iocW, 17, unsafe.Sizeof(v4l2Buffer{}))
	vidiocStreamOn  = ioc(iocW, 18, 4)
	vidiocStreamOff = ioc(iocW, 19, 4)
	vidiocSParm     = ioc(iocR|iocW, 22, unsafe.Sizeof(v4l2StreamParm{}))
)

func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
		switch e {
		case 0:
			return nil
		case unix.EINTR:
			continue
		}
		return e
	}
}

// cameraDevices lists the /dev/video* nodes that capture video (a
// camera's metadata nodes do not).
func (d *Driver) cameraDevices(ctx context.Context) []video.DeviceInfo {
	return cameraDevicesIn(ctx, "/dev")
}

func cameraDevicesIn(ctx context.Context, dir string) []video.DeviceInfo {
	paths, _ := filepath.Glob(filepath.Join(dir, "video*"))
	sort.Strings(paths)
	var list []video.DeviceInfo
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		card, err := queryCamera(p)
		if err != nil {
			continue
		}
		list = append(list, video.DeviceInfo{ID: cameraPrefix + p, Name: card, Kind: video.KindCamera})
	}
	return list
}

// queryCamera returns the card name of a capture device.
func queryCamera(path string) (string, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(fd)
	return capture(fd)
}

// capture checks that fd is a streaming video capture device.
func capture(fd int) (string, error) {
	var c v4l2Capability
	if err := ioctl(fd, vidiocQueryCap, unsafe.Pointer(&c)); err != nil {
		return "", fmt.Errorf("VIDIOC_QUERYCAP: %w", err)
	}
	caps := c.Capabilities
	if caps&v4l2CapDeviceCaps != 0 {
		caps = c.DeviceCaps
	}
	if caps&v4l2CapVideoCapture == 0 || caps&v4l2CapStreaming == 0 {
		return "", errors.New("not a streaming video capture device")
	}
	name := string(bytes.TrimRight(c.Card[:], "\x00"))
	if name = strings.TrimSpace(name); name == "" {
		name = "Camera"
	}
	return name, nil
}

// camera captures YUYV frames from one V4L2 device; the device paces it.
type camera struct {
	now      func() time.Time
	done     chan struct{} // closed by Close
	closeOne sync.Once

	// mu guards the device: Close waits for a Read (which gives up within
	// a poll interval once done is closed) before unmapping the buffers.
	mu     sync.Mutex
	fd     int      // -1 once closed
	bufs   [][]byte // mmapped
	stride int
	pic    picture
	pfd    [1]unix.PollFd
}

func (d *Driver) openCamera(ctx context.Context, path string, c video.Constraints) (video.Source, error) {
	noDev := fmt.Errorf("camera %q: %w", path, video.ErrNoDevice)
	if !strings.HasPrefix(filepath.Clean(path), "/dev/video") || ctx.Err() != nil {
		return nil, errors.Join(noDev, ctx.Err())
	}
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", noDev, err)
	}
	cam := &camera{fd: fd, now: d.opts.now, done: make(chan struct{})}
	if err := cam.start(c); err != nil {
		_ = cam.Close()
		return nil, fmt.Errorf("camera %q: %w", path, err)
	}
	return cam, nil
}

// start asks for YUYV at c's size and rate and starts streaming.
func (cam *camera) start(c video.Constraints) error {
	if _, err := capture(cam.fd); err != nil {
		return fmt.Errorf("%w: %w", video.ErrNoDevice, err)
	}
	if c.Width <= 0 || c.Height <= 0 {
		c.Width, c.Height = 640, 480
	}
	var f v4l2Format
	f.Type = v4l2BufTypeCapture
	f.Fmt.Pix = v4l2PixFormat{Width: uint32(c.Width), Height: uint32(c.Height), PixelFormat: v4l2PixFmtYUYV, Field: v4l2FieldNone}
	if err := ioctl(cam.fd, vidiocSFmt, unsafe.Pointer(&f)); err != nil {
		return fmt.Errorf("VIDIOC_S_FMT: %w", err)
	}
	if f.Fmt.Pix.PixelFormat != v4l2PixFmtYUYV {
		return errors.New("the camera does not offer YUYV")
	}
	w, h := int(f.Fmt.Pix.Width)&^1, int(f.Fmt.Pix.Height)&^1
	cam.stride = max(int(f.Fmt.Pix.BytesPerLine), 2*int(f.Fmt.Pix.Width))
	if w < 2 || h < 2 {
		return fmt.Errorf("camera size %dx%d", w, h)
	}
	cam.pic.resize(w, h)
	if c.FPS > 0 {
		var p v4l2StreamParm
		p.Type = v4l2BufTypeCapture
		p.Capture.TimePerFrame = [2]uint32{1, uint32(c.FPS)}
		_ = ioctl(cam.fd, vidiocSParm, unsafe.Pointer(&p)) // a rate it cannot do is not fatal
	}
	rb := v4l2RequestBuffers{Count: v4l2Buffers, Type: v4l2BufTypeCapture, Memory: v4l2MemoryMmap}
	if err := ioctl(cam.fd, vidiocReqBufs, unsafe.Pointer(&rb)); err != nil {
		return fmt.Errorf("VIDIOC_REQBUFS: %w", err)
	}
	for i := uint32(0); i < rb.Count; i++ {
		b := v4l2Buffer{Index: i, Type: v4l2BufTypeCapture, Memory: v4l2MemoryMmap}
		if err := ioctl(cam.fd, vidiocQueryBuf, unsafe.Pointer(&b)); err != nil {
			return fmt.Errorf("VIDIOC_QUERYBUF: %w", err)
		}
		m, err := unix.Mmap(cam.fd, int64(b.Offset), int(b.Length), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			return fmt.Errorf("mmap: %w", err)
		}
		cam.bufs = append(cam.bufs, m)
		if err := ioctl(cam.fd, vidiocQBuf, unsafe.Pointer(&b)); err != nil {
			return fmt.Errorf("VIDIOC_QBUF: %w", err)
		}
	}
	typ := uint32(v4l2BufTypeCapture)
	if err := ioctl(cam.fd, vidiocStreamOn, unsafe.Pointer(&typ)); err != nil {
		return fmt.Errorf("VIDIOC_STREAMON: %w", err)
	}
	return nil
}

// Read waits for the camera's next frame.
func (cam *camera) Read(ctx context.Context) (video.Frame, error) {
	cam.mu.Lock()
	defer cam.mu.Unlock()
	for {
		if err := ctx.Err(); err != nil {
			return video.Frame{}, err
		}
		select {
		case <-cam.done:
			return video.Frame{}, errClosed
		default:
		}
		// Short polls so that ctx is honoured without a wake-up pipe.
		pfd := cam.pfd[:]
		pfd[0] = unix.PollFd{Fd: int32(cam.fd), Events: unix.POLLIN}
		n, err := unix.Poll(pfd, 100)
		if err == unix.EINTR || n == 0 {
			continue
		}
		if err != nil {
			return video.Frame{}, cam.devErr("poll", err)
		}
		if pfd[0].Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0 {
			return video.Frame{}, fmt.Errorf("camera: %w", video.ErrNoDevice)
		}
		b := v4l2Buffer{Type: v4l2BufTypeCapture, Memory: v4l2MemoryMmap}
		if err := ioctl(cam.fd, vidiocDQBuf, unsafe.Pointer(&b)); err != nil {
			if err == unix.EAGAIN {
				continue
			}
			return video.Frame{}, cam.devErr("VIDIOC_DQBUF", err)
		}
		at := cam.now()
		img := cam.pic.img
		data := cam.bufs[b.Index][:min(int(b.BytesUsed), len(cam.bufs[b.Index]))]
		whole := len(data) >= cam.stride*(img.Rect.Dy()-1)+2*img.Rect.Dx()
		if whole {
			yuyvToI420(img, data, cam.stride)
		}
		// The picture is ours now: the buffer goes straight back.
		if err := ioctl(cam.fd, vidiocQBuf, unsafe.Pointer(&b)); err != nil {
			return video.Frame{}, cam.devErr("VIDIOC_QBUF", err)
		}
		if whole { // a short (damaged) frame is skipped
			return video.Frame{Image: img, At: at}, nil
		}
	}
}

func (cam *camera) devErr(op string, err error) error {
	if err == unix.ENODEV || err == unix.ENXIO {
		return fmt.Errorf("camera %s: %w (%w)", op, video.ErrNoDevice, err)
	}
	return fmt.Errorf("camera %s: %w", op, err)
}

// Close stops streaming and releases the device.
func (cam *camera) Close() error {
	var err error
	cam.closeOne.Do(func() {
		close(cam.done)
		cam.mu.Lock()
		defer cam.mu.Unlock()
		typ := uint32(v4l2BufTypeCapture)
		_ = ioctl(cam.fd, vidiocStreamOff, unsafe.Pointer(&typ))
		for _, b := range cam.bufs {
			_ = unix.Munmap(b)
		}
		cam.bufs = nil
		err = unix.Close(cam.fd)
		cam.fd = -1
	})
	return err
}
