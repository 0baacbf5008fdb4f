//go:build unix

package api

import (
	"io/fs"
	"os"
	"syscall"
)

// umask sets the process's file mode mask and returns the old one.
func umask(m int) int { return syscall.Umask(m) }

// private says whether fi is ours and closed to everyone else.
func private(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid() && fi.Mode().Perm()&0o077 == 0
}
