//go:build windows

package store

import (
	"errors"

	"golang.org/x/sys/windows"
)

// stillActive is the exit code GetExitCodeProcess reports for a process
// that has not exited.
const stillActive = 259

// processAlive reports whether a process with this id runs: it can be
// opened and has no exit code yet (access denied means it runs as
// another user).
func processAlive(pid int) bool {
	if pid <= 0 || pid > 1<<31-1 {
		return false
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return errors.Is(err, windows.ERROR_ACCESS_DENIED)
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return true // it exists; say so rather than end its calls
	}
	return code == stillActive
}
