//go:build unix && !linux

package testlab

import "syscall"

func setPdeathsig(*syscall.SysProcAttr) {}
