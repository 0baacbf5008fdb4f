//go:build windows

// Package notify shows desktop notifications. On Windows: a notification
// area balloon, which Windows 10 and later show as a toast. A balloon needs
// no AppUserModelID or Start-menu shortcut, so it works for a program run
// from anywhere, installed or not.
package notify

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32  = windows.NewLazySystemDLL("user32.dll")
	shell32 = windows.NewLazySystemDLL("shell32.dll")
	kernel  = windows.NewLazySystemDLL("kernel32.dll")

	procRegisterClassEx  = user32.NewProc("RegisterClassExW")
	procCreateWindowEx   = user32.NewProc("CreateWindowExW")
	procDefWindowProc    = user32.NewProc("DefWindowProcW")
	procGetMessage       = user32.NewProc("GetMessageW")
	procDispatchMessage  = user32.NewProc("DispatchMessageW")
	procPostMessage      = user32.NewProc("PostMessageW")
	procDestroyWindow    = user32.NewProc("DestroyWindow")
	procLoadIcon         = user32.NewProc("LoadIconW")
	procShellNotifyIcon  = shell32.NewProc("Shell_NotifyIconW")
	procGetModuleHandle  = kernel.NewProc("GetModuleHandleW")
	procUnregisterClass  = user32.NewProc("UnregisterClassW")
	procPostQuitMessage  = user32.NewProc("PostQuitMessage")
	procGetCurrentThread = kernel.NewProc("GetCurrentThreadId")
)

const (
	nimAdd        = 0
	nimModify     = 1
	nimDelete     = 2
	nimSetVersion = 4

	nifMessage = 0x01
	nifIcon    = 0x02
	nifTip     = 0x04
	nifInfo    = 0x10

	niifInfo     = 0x1
	notifyIconV4 = 4

	wmUser  = 0x0400
	wmClose = 0x0010

	idiApplication = 32512
	hwndMessage    = ^uintptr(2) // (HWND)-3: a message-only window
	iconID         = 1
	className      = "SoftphoneNotify"
)

// shown is how long a balloon's icon stays in the notification area,
// as long as the Linux notification's expiry.
const shown = 30 * time.Second

// notifyIconData is NOTIFYICONDATAW (the Vista and later layout).
type notifyIconData struct {
	Size            uint32
	Wnd             windows.HWND
	ID              uint32
	Flags           uint32
	CallbackMessage uint32
	Icon            windows.Handle
	Tip             [128]uint16
	State           uint32
	StateMask       uint32
	Info            [256]uint16
	Version         uint32 // union with uTimeout
	InfoTitle       [64]uint16
	InfoFlags       uint32
	GUIDItem        windows.GUID
	BalloonIcon     windows.Handle
}

type wndClassEx struct {
	Size       uint32
	Style      uint32
	WndProc    uintptr
	ClsExtra   int32
	WndExtra   int32
	Instance   windows.Handle
	Icon       windows.Handle
	Cursor     windows.Handle
	Background windows.Handle
	MenuName   *uint16
	ClassName  *uint16
	IconSm     windows.Handle
}

type msg struct {
	Wnd     windows.HWND
	Message uint32
	WParam  uintptr
	LParam  uintptr
	Time    uint32
	Pt      struct{ X, Y int32 }
}

// Desktop owns one message-only window, on a thread of its own, that owns
// the balloon's notification-area icon. The window is made at the first
// notification, not at start: most runs never need it, and a program's
// first windows are better not made by two threads at once.
type Desktop struct {
	mu    sync.Mutex   // guards every field below; Notify and Close hold it
	wnd   windows.HWND // 0 until the first notification
	icon  windows.Handle
	done  chan struct{} // closed when the window's thread has ended
	added bool          // the icon is in the notification area
	timer *time.Timer   // removes the icon when the balloon is over
	gen   uint64        // the latest balloon's number, for its timer
}

// New returns a notifier; its window is made when first needed.
func New() (*Desktop, error) { return &Desktop{}, nil }

// start makes the window and its thread. d.mu is held.
func (d *Desktop) start() error {
	if d.wnd != 0 {
		return nil
	}
	d.done = make(chan struct{})
	ready := make(chan error, 1)
	go d.loop(ready)
	return <-ready
}

// loop creates the window and pumps its messages until Close: a window
// belongs to the thread that made it, so the goroutine keeps that thread.
func (d *Desktop) loop(ready chan<- error) {
	runtime.LockOSThread()
	defer close(d.done)
	inst, _, _ := procGetModuleHandle.Call(0)
	name, _ := windows.UTF16PtrFromString(className)
	// A class per window thread: the class name is unique per process,
	// and a second Desktop after Close registers it again.
	tid, _, _ := procGetCurrentThread.Call()
	cls, _ := windows.UTF16PtrFromString(fmt.Sprintf("%s%d", className, tid))
	wc := wndClassEx{WndProc: procDefWindowProc.Addr(), Instance: windows.Handle(inst), ClassName: cls}
	wc.Size = uint32(unsafe.Sizeof(wc))
	if r, _, err := procRegisterClassEx.Call(uintptr(unsafe.Pointer(&wc))); r == 0 {
		ready <- fmt.Errorf("notify: register the window class: %w", err)
		return
	}
	defer procUnregisterClass.Call(uintptr(unsafe.Pointer(cls)), inst)
	wnd, _, err := procCreateWindowEx.Call(0, uintptr(unsafe.Pointer(cls)), uintptr(unsafe.Pointer(name)),
		0, 0, 0, 0, 0, hwndMessage, 0, inst, 0)
	if wnd == 0 {
		ready <- fmt.Errorf("notify: create the window: %w", err)
		return
	}
	d.wnd = windows.HWND(wnd) // the caller of start holds d.mu until ready
	// The program's own icon when it has one (resource 1), else Windows'.
	icon, _, _ := procLoadIcon.Call(inst, 1)
	if icon == 0 {
		icon, _, _ = procLoadIcon.Call(0, idiApplication)
	}
	d.icon = windows.Handle(icon)
	ready <- nil
	var m msg
	for {
		r, _, _ := procGetMessage.Call(uintptr(unsafe.Pointer(&m)), 0, 0, 0)
		if int32(r) <= 0 {
			return
		}
		if m.Message == wmClose && m.Wnd == windows.HWND(wnd) {
			procDestroyWindow.Call(wnd)
			procPostQuitMessage.Call(0)
			continue
		}
		procDispatchMessage.Call(uintptr(unsafe.Pointer(&m)))
	}
}

// Notify shows title and body as a balloon, replacing the previous one so
// only one call shows.
func (d *Desktop) Notify(title, body string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.start(); err != nil {
		return err
	}
	nid := d.data()
	nid.Flags = nifMessage | nifIcon | nifTip | nifInfo
	nid.CallbackMessage = wmUser + 1
	copyUTF16(nid.Tip[:], "Softphone")
	copyUTF16(nid.InfoTitle[:], title)
	copyUTF16(nid.Info[:], body)
	nid.InfoFlags = niifInfo

	op := uintptr(nimModify)
	if !d.added {
		op = nimAdd
	}
	if r, _, err := procShellNotifyIcon.Call(op, uintptr(unsafe.Pointer(nid))); r == 0 {
		return fmt.Errorf("notify: Shell_NotifyIcon: %w", errOr(err))
	}
	if !d.added {
		v := d.data()
		v.Version = notifyIconV4
		procShellNotifyIcon.Call(nimSetVersion, uintptr(unsafe.Pointer(v)))
		d.added = true
	}
	if d.timer != nil {
		d.timer.Stop()
	}
	d.gen++
	gen := d.gen
	d.timer = time.AfterFunc(shown, func() { d.expire(gen) })
	return nil
}

// expire takes the icon out of the notification area when balloon gen
// is over, unless a newer one has replaced it meanwhile.
func (d *Desktop) expire(gen uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if gen == d.gen {
		d.removeLocked()
	}
}

// removeLocked takes the icon out of the notification area; d.mu is held.
func (d *Desktop) removeLocked() {
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if d.added {
		procShellNotifyIcon.Call(nimDelete, uintptr(unsafe.Pointer(d.data())))
		d.added = false
	}
}

// Close removes the icon and ends the window's thread, if there is one.
func (d *Desktop) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.wnd == 0 {
		return nil
	}
	d.removeLocked()
	if r, _, err := procPostMessage.Call(uintptr(d.wnd), wmClose, 0, 0); r == 0 {
		return fmt.Errorf("notify: close the window: %w", errOr(err))
	}
	<-d.done
	d.wnd = 0
	return nil
}

func (d *Desktop) data() *notifyIconData {
	nid := &notifyIconData{Wnd: d.wnd, ID: iconID, Icon: d.icon}
	nid.Size = uint32(unsafe.Sizeof(*nid))
	return nid
}

// copyUTF16 copies s into a fixed-size NUL-terminated field, cut to fit.
func copyUTF16(dst []uint16, s string) {
	u, err := windows.UTF16FromString(s)
	if err != nil { // a NUL inside s: keep what precedes it
		u, _ = windows.UTF16FromString(s[:indexNUL(s)])
	}
	if len(u) > len(dst) {
		u = u[:len(dst)]
		u[len(u)-1] = 0
	}
	copy(dst, u)
}

func indexNUL(s string) int {
	for i := range len(s) {
		if s[i] == 0 {
			return i
		}
	}
	return len(s)
}

// errOr gives a Win32 call's error, or a plain one when the call set none.
func errOr(err error) error {
	if err == nil || errors.Is(err, windows.ERROR_SUCCESS) {
		return errors.New("the call failed")
	}
	return err
}
