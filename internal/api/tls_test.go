package api

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"testing"

	"github.com/softphone/softphone/internal/testlab"
)

// TestTLSListenerServesTheAPI: with a certificate the API speaks only
// TLS, and a client that trusts the CA reaches it with the token.
func TestTLSListenerServesTheAPI(t *testing.T) {
	files, err := testlab.WriteTestCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listen("127.0.0.1:0", ListenOptions{TLSCert: files.CertFile, TLSKey: files.KeyFile})
	if err != nil {
		t.Fatal(err)
	}
	p := newFakePhone(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := New(ctx, p, testToken)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ctx, ln)
	ca, err := os.ReadFile(files.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest("GET", "https://"+ln.Addr().String()+"/v1/state", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("over TLS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("over TLS: %d", resp.StatusCode)
	}
	// Plain HTTP gets nothing useful from a TLS listener.
	if resp, err := http.Get("http://" + ln.Addr().String() + "/v1/openapi.json"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP was served on the TLS listener")
		}
	}
}
