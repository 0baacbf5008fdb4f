//go:build !unix && !windows

package store

import "os"

// processAlive reports whether a process with this id runs. Where that
// cannot be asked cheaply, an unfinished call of another process is taken
// as interrupted only if the process cannot be found.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
