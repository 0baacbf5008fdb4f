//go:build unix

package testlab

import (
	"os"
	"syscall"
)

// sysProcAttr puts Kamailio (and the children it forks) into a process group
// of its own, so that they can be killed together.
func sysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	setPdeathsig(attr)
	return attr
}

func terminate(p *os.Process) { _ = p.Signal(syscall.SIGTERM) }

func kill(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGKILL) }

// killGroup kills what is left of the process group led by p (p has exited).
func killGroup(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGKILL) }
