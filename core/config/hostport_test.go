package config

import (
	"strings"
	"testing"
)

func TestCheckHostPort(t *testing.T) {
	opt := hostPortRules{}
	listen := hostPortRules{requirePort: true, allowEmpty: true}
	tests := []struct {
		in    string
		rules hostPortRules
		msg   string // "" means valid; else a substring of the message
	}{
		{"example.com", opt, ""},
		{"example.com:5070", opt, ""},
		{"EXAMPLE.com", opt, ""},
		{"a-b.c0m", opt, ""},
		{"10.0.0.1", opt, ""},
		{"10.0.0.1:1", opt, ""},
		{"[::1]", opt, ""},
		{"[::1]:65535", opt, ""},
		{"[::ffff:10.0.0.1]:5060", opt, ""},
		{":5060", listen, ""},
		{"[::]:5060", listen, ""},
		{"", opt, "missing host"},
		{":5060", opt, "missing host"},
		{"example.com:", opt, "missing port"},
		{"example.com:+5", opt, "port must be a number"},
		{"example.com:0", opt, "between 1 and 65535"},
		{"example.com:70000", opt, "between 1 and 65535"},
		{"a:b:c", opt, "too many colons"},
		{"fe80::1", opt, "enclosed in brackets"},
		{"[fe80::1%eth0]", opt, "brackets must enclose an IPv6 address"},
		{"[::1", opt, "missing ']'"},
		{"[::1]5060", opt, "unexpected text after ']'"},
		{"[example.com]", opt, "brackets must enclose"},
		{"-a.com", opt, "must not start or end with '-'"},
		{"a-.com", opt, "must not start or end with '-'"},
		{"a..com", opt, "empty label"},
		{"example.com.", opt, "empty label"},
		{strings.Repeat("a", 64) + ".com", opt, "longer than 63"},
		{strings.Repeat("a.", 127) + "com", opt, "longer than 253"},
		{"1.2.3.4.5", opt, "last label must start with a letter"},
		{"sip:example.com", opt, "not a SIP URI"},
		{"SIPS:example.com:5061", opt, "not a SIP URI"},
		{"example.com/x", opt, "invalid character '/'"},
		{"exa mple.com", opt, "invalid character ' '"},
		{"exämple.com", opt, "invalid character 'ä'"},
		{"example.com\x00", opt, "control characters"},
		{"0.0.0.0", listen, "must be host:port"},
	}
	for _, tt := range tests {
		got := checkHostPort(tt.in, tt.rules)
		if tt.msg == "" && got != "" || tt.msg != "" && !strings.Contains(got, tt.msg) {
			t.Errorf("checkHostPort(%q) = %q, want %q", tt.in, got, tt.msg)
		}
	}
}
