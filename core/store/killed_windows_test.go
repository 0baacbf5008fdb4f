package store

import (
	"errors"
	"os/exec"
)

// killed says whether a child's Wait error is its end by os.Process.Kill,
// which is TerminateProcess with exit code 1 here: the process stops
// where it is, as with SIGKILL.
func killed(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && ee.ExitCode() == 1
}
