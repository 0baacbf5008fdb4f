//go:build windows

package config

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/windows"
)

// replaceTries bounds how long replaceFile waits for a reader to let go:
// 20 tries, 10 ms doubling to 200 ms, about 3 s in all.
const replaceTries = 20

// replaceFile puts tmp in path's place in one step. Windows refuses
// while another process holds path open without sharing delete (an
// editor, a virus scanner): "Access denied" or a sharing violation.
// That passes in a moment, so it is tried again.
func replaceFile(tmp, path string) error {
	wait := 10 * time.Millisecond
	for i := 0; ; i++ {
		err := rename(tmp, path)
		if err == nil || i == replaceTries-1 || !transient(err) {
			return err
		}
		time.Sleep(wait)
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// rename renames tmp over path, both in one directory. Through os.Root
// Go asks for POSIX semantics (NTFS since Windows 10 1607) and falls
// back to a plain replace: with them a reader that shares delete (as
// readFile does) keeps the old file and does not stop the rename, which
// os.Rename's MoveFileEx refuses while the reader is open.
func rename(tmp, path string) error {
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer root.Close()
	return root.Rename(filepath.Base(tmp), filepath.Base(path))
}

// readFile reads path sharing delete with others, so that a save's
// replace (a rename over it) can go ahead while the file is being read:
// os.ReadFile's handle does not share delete, and every save would wait
// for every reader. A sharing violation from another program's handle
// is waited out as replaceFile does.
func readFile(path string) ([]byte, error) {
	wait := 10 * time.Millisecond
	for i := 0; ; i++ {
		b, err := readShared(path)
		if err == nil || i == replaceTries-1 || !transient(err) {
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

// transient says whether err is another process holding the file.
func transient(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}
