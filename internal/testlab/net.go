package testlab

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// freeUDPTCPPort returns a loopback port that is free for both UDP and TCP.
func freeUDPTCPPort() (int, error) {
	var lastErr error
	for range 50 {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp4", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			l.Close()
			lastErr = err
			continue
		}
		u.Close()
		l.Close()
		return port, nil
	}
	return 0, fmt.Errorf("no free UDP+TCP port on 127.0.0.1: %v", lastErr)
}

// freeTCPPort returns a free loopback TCP port other than not.
func freeTCPPort(not int) (int, error) {
	for range 50 {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if port != not {
			return port, nil
		}
	}
	return 0, errors.New("no free TCP port on 127.0.0.1")
}

// pingOptions sends one SIP OPTIONS over UDP to addr and waits up to timeout
// for a 200 response.
func pingOptions(addr string, timeout time.Duration) error {
	conn, err := net.Dial("udp4", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	local := conn.LocalAddr().String()
	id := randHex(8)
	msg := "OPTIONS sip:" + addr + " SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP " + local + ";rport;branch=z9hG4bK" + id + "\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:testlab-probe@" + local + ">;tag=" + id + "\r\n" +
		"To: <sip:" + addr + ">\r\n" +
		"Call-ID: " + id + "@testlab\r\n" +
		"CSeq: 1 OPTIONS\r\n" +
		"Content-Length: 0\r\n\r\n"
	if _, err := conn.Write([]byte(msg)); err != nil {
		return err
	}
	conn.SetReadDeadline(time.Now().Add(timeout))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("OPTIONS %s: %w", addr, err)
	}
	if !strings.HasPrefix(line, "SIP/2.0 200 ") {
		return fmt.Errorf("OPTIONS %s: %s", addr, strings.TrimSpace(line))
	}
	return nil
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
