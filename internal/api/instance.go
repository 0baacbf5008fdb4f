package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/softphone/softphone/core"
)

// The instance socket makes a phone single-instance: a second launch of
// the program (a sip: link clicked, `softphone dial`) hands its call to
// the phone already running with the same configuration instead of
// starting another. It is a unix socket only its owner can reach, so it
// needs no token; it serves one route, dialling.

// InstancePath is the instance socket of the configuration at cfgPath:
// in the user's runtime directory, named by the configuration's path.
func InstancePath(cfgPath string) string {
	abs, err := filepath.Abs(cfgPath)
	if err != nil {
		abs = cfgPath
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(runtimeDir(), "instance-"+hex.EncodeToString(sum[:6])+".sock")
}

// runtimeDir is XDG_RUNTIME_DIR/softphone, else a per-user directory in
// the temporary directory.
func runtimeDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "softphone")
	}
	return filepath.Join(os.TempDir(), "softphone-"+strconv.Itoa(os.Getuid()))
}

// ListenInstance opens the instance socket at path; ErrInUse when a
// phone already serves it.
func ListenInstance(path string) (net.Listener, error) {
	if err := privateDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return listenUnix(path)
}

// privateDir makes dir (0700) or checks that the one there is ours and
// private: a socket in a directory others can write to could be swapped.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("api: %w", err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("api: %w", err)
	}
	if !st.IsDir() || !private(st) {
		return fmt.Errorf("api: %s must be a directory of yours only you can open (chmod 700)", dir)
	}
	return nil
}

// InstanceHandler serves the instance socket: POST /v1/calls.
func InstanceHandler(phone core.Phone) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /v1/calls", dialHandler(phone))
	return mux
}

// ServeInstance serves the instance socket on ln until ctx ends.
func ServeInstance(ctx context.Context, ln net.Listener, phone core.Phone) error {
	hs := &http.Server{Handler: InstanceHandler(phone), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ErrNoInstance means no phone is running with this configuration.
var ErrNoInstance = errors.New("no softphone is running with this configuration")

// HandOff asks the phone serving the instance socket at path to dial to
// (from account, "" for any) and returns the call's id.
func HandOff(ctx context.Context, path, to, account string) (string, error) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
	defer client.CloseIdleConnections()
	body, _ := json.Marshal(dialRequest{To: to, Account: account})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://softphone/v1/calls", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return "", fmt.Errorf("%w (%v)", ErrNoInstance, op.Err)
		}
		return "", fmt.Errorf("api: hand off: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		var e errorBody
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return "", &RemoteError{Status: resp.StatusCode, Message: e.Error}
		}
		return "", &RemoteError{Status: resp.StatusCode, Message: resp.Status}
	}
	var id idBody
	if err := json.Unmarshal(b, &id); err != nil {
		return "", fmt.Errorf("api: hand off: bad answer: %w", err)
	}
	return id.ID, nil
}

// RemoteError is an error the running phone answered with.
type RemoteError struct {
	Status  int
	Message string
}

func (e *RemoteError) Error() string { return e.Message }
