package testlab

// Kill ends baresip at once with SIGKILL (its whole process group): no BYE,
// no CANCEL, no unregistration, as when the far end's machine loses power or
// its network. Its calls stay up on the other side until something there
// notices. Stop, and the test's cleanup, then do nothing more.
func (b *Baresip) Kill() error {
	b.stopOnce.Do(func() {
		if b.proc == nil {
			return
		}
		b.stopErr = b.kill()
	})
	return b.stopErr
}
