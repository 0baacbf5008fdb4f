//go:build unix

package bench

import (
	"os/exec"
	"syscall"
)

// inGroup makes cmd start a process group of its own, so that killGroup
// also ends what it started (dbus-run-session starts the program).
func inGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// terminate asks pid to end.
func terminate(pid int) { _ = syscall.Kill(pid, syscall.SIGTERM) }

// killGroup kills the group inGroup started with pid.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
