//go:build !unix

package bench

import (
	"os"
	"os/exec"
)

// inGroup does nothing: there are no process groups to start here, and
// what runs in one (linphone-desktop under D-Bus) is a Linux program.
func inGroup(*exec.Cmd) {}

// terminate ends pid: a signal cannot ask it to.
func terminate(pid int) { kill(pid) }

// killGroup ends pid alone.
func killGroup(pid int) { kill(pid) }

func kill(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}
