package testlab

import "syscall"

// setPdeathsig kills Kamailio's main process when the test binary dies
// without running its cleanups.
func setPdeathsig(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
