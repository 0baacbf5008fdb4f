//go:build windows

package userfile

import (
	"errors"
	"io"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// busyTries bounds how long ReadFile waits for another handle to let go:
// 20 tries, 10 ms doubling to 200 ms, about 3 s in all.
const busyTries = 20

// ReadFile reads path sharing delete with others, so that a save's
// replace (a rename over it) or a link's removal can go ahead while the
// file is read: os.ReadFile's handle does not share delete. A sharing
// violation from another handle passes in a moment and is waited out.
func ReadFile(path string) ([]byte, error) {
	wait := 10 * time.Millisecond
	for i := 0; ; i++ {
		b, err := readShared(path)
		if err == nil || i == busyTries-1 || !Busy(err) {
			return b, err
		}
		time.Sleep(wait)
		wait = min(2*wait, 200*time.Millisecond)
	}
}

func readShared(path string) ([]byte, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(h), path)
	defer f.Close()
	return io.ReadAll(f)
}

// Busy says whether err is another handle holding the file, which
// Windows reports as access denied or a sharing or lock violation.
func Busy(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}
