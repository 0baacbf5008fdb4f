//go:build windows

package config

import (
	"os"
	"path/filepath"
	"time"

	"github.com/softphone/softphone/internal/userfile"
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

// readFile reads path sharing delete with others (userfile.ReadFile),
// so that a save's replace can go ahead while the file is read.
func readFile(path string) ([]byte, error) { return userfile.ReadFile(path) }

// transient says whether err is another process holding the file.
func transient(err error) bool { return userfile.Busy(err) }
