package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// hostPortRules says which parts of "host:port" may be omitted.
type hostPortRules struct {
	requirePort bool
	allowEmpty  bool // empty host means "all interfaces" (listen only)
	allowZero   bool // port 0 means "any free port" (listen only)
}

// checkHostPort validates "host", "host:port", "[ipv6]" or "[ipv6]:port"
// where host is an RFC 1123/3261 hostname or an IP literal. It returns a
// message for FieldError.Msg, or "".
func checkHostPort(s string, rules hostPortRules) string {
	if msg := checkControls(s); msg != "" {
		return msg
	}
	if l := strings.ToLower(s); strings.HasPrefix(l, "sip:") || strings.HasPrefix(l, "sips:") {
		return fmt.Sprintf("must be host[:port], not a SIP URI (got %q)", s)
	}
	host, port, hasPort, msg := splitHostPort(s)
	if msg != "" {
		return fmt.Sprintf("%s (got %q)", msg, s)
	}
	if hasPort {
		if msg := checkPort(port, rules.allowZero); msg != "" {
			return fmt.Sprintf("%s (got %q)", msg, s)
		}
	} else if rules.requirePort {
		return fmt.Sprintf("must be host:port (got %q)", s)
	}
	if host == "" && rules.allowEmpty {
		return ""
	}
	if msg := checkHost(host); msg != "" {
		return fmt.Sprintf("%s (got %q)", msg, s)
	}
	return ""
}

// splitHostPort is net.SplitHostPort with an optional port and a message
// that says what is wrong.
func splitHostPort(s string) (host, port string, hasPort bool, msg string) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false, "missing ']' after IPv6 address"
		}
		host, rest := s[1:end], s[end+1:]
		addr, err := netip.ParseAddr(host)
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return "", "", false, "brackets must enclose an IPv6 address"
		}
		if rest == "" {
			return host, "", false, ""
		}
		if rest[0] != ':' {
			return "", "", false, "unexpected text after ']'"
		}
		return host, rest[1:], true, ""
	}
	switch strings.Count(s, ":") {
	case 0:
		return s, "", false, ""
	case 1:
		i := strings.IndexByte(s, ':')
		return s[:i], s[i+1:], true, ""
	default:
		if _, err := netip.ParseAddr(s); err == nil {
			return "", "", false, "an IPv6 address must be enclosed in brackets, e.g. [::1]:5060"
		}
		return "", "", false, "too many colons"
	}
}

func checkPort(p string, allowZero bool) string {
	if p == "" {
		return "missing port after ':'"
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return "port must be a number"
		}
	}
	n, err := strconv.Atoi(p)
	if allowZero && err == nil && n == 0 {
		return ""
	}
	if err != nil || n < 1 || n > 65535 {
		return "port must be between 1 and 65535"
	}
	return ""
}

// checkHost accepts an IP address (IPv6 already unbracketed) or a hostname
// per RFC 3261 §25.1: dot-separated labels of letters, digits and inner
// hyphens, the last starting with a letter so "10.0.0.300" is rejected
// rather than taken for a name.
func checkHost(h string) string {
	if h == "" {
		return "missing host"
	}
	if addr, err := netip.ParseAddr(h); err == nil {
		if addr.Zone() != "" {
			return "IP address zones are not allowed"
		}
		return ""
	}
	if len(h) > 253 {
		return "hostname is longer than 253 characters"
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		if msg := checkLabel(l); msg != "" {
			return msg
		}
	}
	if top := labels[len(labels)-1]; !isAlpha(top[0]) {
		return "not a valid IP address or hostname (the last label must start with a letter)"
	}
	return ""
}

func checkLabel(l string) string {
	switch {
	case l == "":
		return "hostname has an empty label"
	case len(l) > 63:
		return "hostname label is longer than 63 characters"
	case l[0] == '-' || l[len(l)-1] == '-':
		return "hostname label must not start or end with '-'"
	}
	for _, r := range l {
		if !isAlnum(r) && r != '-' {
			return fmt.Sprintf("hostname contains invalid character %q", r)
		}
	}
	return ""
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
