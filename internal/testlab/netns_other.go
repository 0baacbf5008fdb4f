//go:build !linux

package testlab

import (
	"errors"
	"net"
	"net/netip"
)

func listenUDPInNetns(string, netip.AddrPort) (*net.UDPConn, error) {
	return nil, errors.New("network namespaces need Linux")
}
