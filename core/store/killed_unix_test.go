//go:build unix

package store

import (
	"errors"
	"os/exec"
	"syscall"
)

// killed says whether a child's Wait error is its death by SIGKILL.
func killed(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL
}
