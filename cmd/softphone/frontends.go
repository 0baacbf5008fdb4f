package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/internal/api"
)

// The front-ends the window and serve add beside themselves: the local
// API, and the instance socket a second launch hands its call to.

// apiAddr is where the API listens: the flag, else the configuration,
// else def ("" for none).
func apiAddr(flagValue string, cfg *config.Config, def string) string {
	switch {
	case flagValue != "":
		return flagValue
	case cfg.API.Listen != "":
		return cfg.API.Listen
	}
	return def
}

// serveAPI serves phone's API on addr (checked against the
// configuration's allow_remote and TLS) until ctx ends or stop is
// called. It subscribes to the phone's events at once: call it before
// the phone starts, so the stream holds every event.
func serveAPI(ctx context.Context, phone core.Phone, cfg *config.Config, addr string, log *slog.Logger) (bound net.Addr, stop func(), err error) {
	a := cfg.API
	if err := config.CheckAPIListen(addr, a.AllowRemote, a.HasTLS()); err != nil {
		return nil, nil, &apiAddrError{err}
	}
	tok, err := api.LoadOrCreateToken(api.TokenPath(cfg.Path))
	if err != nil {
		return nil, nil, err
	}
	ln, err := api.Listen(addr, api.ListenOptions{TLSCert: a.TLSCert, TLSKey: a.TLSKey})
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	srv, err := api.New(ctx, phone, tok, api.WithLogger(log))
	if err != nil {
		cancel()
		ln.Close()
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ctx, ln); err != nil {
			log.Error("api: serve", "error", err)
		}
	}()
	return ln.Addr(), func() { cancel(); <-done }, nil
}

// apiAddrError is an API address the configuration does not allow: the
// user's to fix (exitUsage), not a failure to listen (exitRuntime).
type apiAddrError struct{ err error }

func (e *apiAddrError) Error() string { return e.err.Error() }
func (e *apiAddrError) Unwrap() error { return e.err }

func apiExitCode(err error) int {
	var ae *apiAddrError
	if errors.As(err, &ae) {
		return exitUsage
	}
	return exitRuntime
}

// serveInstance makes phone the one later launches with the same
// configuration hand their calls to. api.ErrInUse when a phone already
// runs with it.
func serveInstance(ctx context.Context, phone core.Phone, cfgPath string, log *slog.Logger) (stop func(), err error) {
	ln, err := api.ListenInstance(api.InstancePath(cfgPath))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := api.ServeInstance(ctx, ln, phone); err != nil {
			log.Warn("instance socket", "error", err)
		}
	}()
	return func() { cancel(); <-done }, nil
}

// launchLink gives a clicked link's call to the phone running with the
// configuration at cfgFlag ("" for the default). handed false when none
// runs: the caller starts one and dials to itself. Otherwise code is
// the exit code (the running phone may have refused the address).
func launchLink(ctx context.Context, cfgFlag, link string, stderr io.Writer) (to string, handed bool, code int) {
	to, ok := core.LinkTarget(link)
	if !ok {
		fmt.Fprintf(stderr, "softphone: %q is not a sip:, sips:, tel: or callto: link\n", link)
		return "", true, exitUsage
	}
	path, err := configPath(cfgFlag)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return "", true, exitUsage
	}
	_, err = api.HandOff(ctx, api.InstancePath(path), to, "")
	switch {
	case errors.Is(err, api.ErrNoInstance):
		return to, false, exitOK
	case err != nil:
		fmt.Fprintf(stderr, "softphone: the running softphone did not dial %s: %v\n", to, err)
		return to, true, exitFailed
	}
	return to, true, exitOK
}

// apiLine reports where the API listens: {"event":"api","listen":ADDR}
// with --json, else a sentence.
func apiLine(w io.Writer, asJSON bool, addr net.Addr) {
	if !asJSON {
		fmt.Fprintf(w, "api on %s (token: softphone api token)\n", addrString(addr))
		return
	}
	b, _ := json.Marshal(struct {
		Event  string `json:"event"`
		Listen string `json:"listen"`
	}{"api", addrString(addr)})
	_, _ = w.Write(append(b, '\n'))
}

func addrString(a net.Addr) string {
	if a.Network() == "unix" {
		return "unix:" + a.String()
	}
	return a.String()
}
