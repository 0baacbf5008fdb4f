package testlab

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// process is a child process with its exit status.
type process struct {
	cmd     *exec.Cmd
	logf    *os.File
	done    chan struct{}
	mu      sync.Mutex
	waitErr error
}

func startProcess(cmd *exec.Cmd, logf *os.File) (*process, error) {
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, logf: logf, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.waitErr = err
		p.mu.Unlock()
		close(p.done)
	}()
	return p, nil
}

func (p *process) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

func (p *process) exitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waitErr
}

// start picks ports, writes the config and runs baresip until ctrl_tcp
// answers. On failure everything it started is stopped again.
func (b *Baresip) start() error {
	if err := startAllowed(); err != nil {
		return err
	}
	mic, rate, chans, err := b.microphone()
	if err != nil {
		return err
	}
	cfg := &baresipConfig{dir: b.Dir, source: mic, srcRate: rate, srcChans: chans, record: b.opts.Record, contacts: b.opts.Contacts, media: mediaConfigOf(b.opts)}
	if cfg.sipPort, cfg.ctrlPort, err = baresipPorts(); err != nil {
		return err
	}
	if cfg.rtpMin, cfg.rtpMax, err = freeRTPRange(); err != nil {
		return err
	}
	codecs := make([]string, 0, len(b.opts.Codecs))
	for _, c := range b.opts.Codecs {
		name, err := baresipCodec(c)
		if err != nil {
			return err
		}
		codecs = append(codecs, name)
	}
	b.SIPAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.sipPort))
	b.CtrlAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.ctrlPort))
	b.RTPPorts = [2]int{cfg.rtpMin, cfg.rtpMax}
	cfg.accountURI = accountLine(b.opts, b.SIPAddr, codecs, b.registered())
	if b.registered() {
		b.AOR = fmt.Sprintf("sip:%s@%s", b.User, b.opts.Kamailio.Domain)
	} else {
		b.AOR = fmt.Sprintf("sip:%s@%s", b.User, b.SIPAddr)
		if b.opts.Transport != "udp" {
			b.AOR += ";transport=" + b.opts.Transport
		}
	}
	if err := cfg.write(); err != nil {
		return err
	}

	bin, err := lookBin("baresip")
	if err != nil {
		return err
	}
	logf, err := os.OpenFile(b.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(logf, "==== testlab: start at %s, sip %s, ctrl %s, rtp %d-%d ====\n",
		time.Now().Format(time.RFC3339Nano), b.SIPAddr, b.CtrlAddr, cfg.rtpMin, cfg.rtpMax)
	// -n binds SIP to loopback (an address, not "lo"); -s traces SIP into the log.
	cmd := exec.Command(bin, "-f", b.Dir, "-n", "127.0.0.1", "-s")
	cmd.Dir = b.Dir
	proc, err := startProcess(cmd, logf)
	if err != nil {
		logf.Close()
		return fmt.Errorf("run %s: %w", bin, err)
	}
	b.proc = proc
	if err := b.waitCtrl(); err != nil {
		b.kill()
		b.proc = nil
		return err
	}
	return nil
}

// waitCtrl connects to ctrl_tcp and waits for a command to be answered.
func (b *Baresip) waitCtrl() error {
	deadline := time.Now().Add(baresipStartTimeout)
	var lastErr error
	for time.Now().Before(deadline) {
		if !b.proc.running() {
			return fmt.Errorf("baresip exited during start-up: %v", b.proc.exitErr())
		}
		c, err := dialCtrl(b.CtrlAddr, 200*time.Millisecond)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_, err = c.command(ctx, "reginfo", "")
			cancel()
			if err == nil {
				b.ctrl = c
				return nil
			}
			c.Close()
		}
		lastErr = err
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("ctrl_tcp %s not answering after %v: %v", b.CtrlAddr, baresipStartTimeout, lastErr)
}

// waitRegistered polls Kamailio until a contact of this baresip (its SIP
// port) is bound to its AoR.
func (b *Baresip) waitRegistered(timeout time.Duration) error {
	port := ":" + strings.TrimPrefix(b.SIPAddr, "127.0.0.1:")
	deadline := time.Now().Add(timeout)
	var last []Binding
	for time.Now().Before(deadline) {
		bs, err := b.opts.Kamailio.Bindings(b.User)
		if err != nil {
			return err
		}
		for _, c := range bs {
			if strings.Contains(c.Address, port) {
				return nil
			}
		}
		last = bs
		if !b.proc.running() {
			return fmt.Errorf("baresip exited: %v", b.proc.exitErr())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("not registered at %s after %v (bindings %+v)", b.opts.Kamailio.UDPAddr, timeout, last)
}

// Stop quits baresip (it unregisters first), kills its process group when it
// has not exited after a bound, and waits for it. Stopping twice is a no-op.
func (b *Baresip) Stop() error {
	b.stopOnce.Do(func() {
		if b.proc == nil {
			return
		}
		if b.ctrl != nil && b.proc.running() {
			ctx, cancel := context.WithTimeout(context.Background(), baresipQuitTimeout)
			_, _ = b.ctrl.command(ctx, "quit", "")
			cancel()
			select {
			case <-b.proc.done:
			case <-time.After(baresipQuitTimeout):
				b.t.Logf("testlab: baresip %s (pid %d) still running %v after quit: SIGKILL", b.User, b.proc.cmd.Process.Pid, baresipQuitTimeout)
			}
		}
		b.stopErr = b.kill()
	})
	return b.stopErr
}

// kill SIGKILLs what is left of the process group and releases the log and
// the ctrl connection.
func (b *Baresip) kill() error {
	p := b.proc
	kill(p.cmd.Process)
	var err error
	select {
	case <-p.done:
	case <-time.After(baresipQuitTimeout):
		err = fmt.Errorf("baresip (pid %d) did not exit after SIGKILL", p.cmd.Process.Pid)
	}
	if b.ctrl != nil {
		b.ctrl.Close()
	}
	fmt.Fprintf(p.logf, "==== testlab: stopped at %s (%v) ====\n", time.Now().Format(time.RFC3339Nano), p.exitErr())
	p.logf.Close()
	return err
}

// baresipPorts returns a SIP port free for UDP and TCP whose next port (the
// TLS listener baresip opens even without a certificate) is free too, and a
// ctrl_tcp port.
func baresipPorts() (sip, ctrl int, err error) {
	for range 20 {
		if sip, err = freeUDPTCPPort(); err != nil {
			return 0, 0, err
		}
		l, lerr := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(sip+1)))
		if lerr != nil {
			continue
		}
		l.Close()
		for range 20 {
			if ctrl, err = freeTCPPort(sip); err != nil {
				return 0, 0, err
			}
			if ctrl != sip+1 {
				return sip, ctrl, nil
			}
		}
	}
	return 0, 0, errors.New("no free SIP+TLS port pair on 127.0.0.1")
}

// rtpRangeSize ports, for a few calls (RTP and RTCP each take one).
const rtpRangeSize = 20

// freeRTPRange picks a random range below the kernel's ephemeral ports
// (32768-60999) whose ports are all free for UDP on 0.0.0.0, where baresip
// binds RTP.
func freeRTPRange() (lo, hi int, err error) {
	for range 100 {
		lo = 20000 + 2*rand.IntN((32700-20000-rtpRangeSize)/2)
		ok := true
		for p := lo; p < lo+rtpRangeSize && ok; p++ {
			c, err := net.ListenPacket("udp4", net.JoinHostPort("0.0.0.0", strconv.Itoa(p)))
			if err != nil {
				ok = false
				continue
			}
			c.Close()
		}
		if ok {
			return lo, lo + rtpRangeSize - 1, nil
		}
	}
	return 0, 0, errors.New("no free RTP port range")
}
