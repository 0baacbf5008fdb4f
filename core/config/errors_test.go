package config

import (
	"errors"
	"fmt"
	"testing"
)

func TestFieldErrorFormat(t *testing.T) {
	tests := []struct {
		e    FieldError
		want string
	}{
		{FieldError{"config.toml", 12, "account[2].transport", `must be one of udp, tcp, tls (got "sctp")`},
			`config.toml:12: account[2].transport: must be one of udp, tcp, tls (got "sctp")`},
		{FieldError{"config.toml", 3, "", "invalid TOML"}, "config.toml:3: invalid TOML"},
		{FieldError{"config.toml", 0, "sip", "bad"}, "config.toml: sip: bad"},
		{FieldError{"", 0, "sip", "bad"}, "sip: bad"},
		{FieldError{"", 0, "", "bad"}, "bad"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestErrorsUnwrap(t *testing.T) {
	_, err := Parse("config.toml", []byte("[[account]]\nname = 1\n"))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Line != 1 {
		t.Fatalf("errors.As(*FieldError) = %v (%v)", fe, err)
	}
}

func TestReportSortsStably(t *testing.T) {
	r := &report{file: "f"}
	r.add(3, "c", "x")
	r.add(1, "a1", "x")
	r.add(0, "z", "x")
	r.add(1, "a2", "x")
	errs := r.err().(Errors)
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	if got := fmt.Sprint(fields); got != "[z a1 a2 c]" {
		t.Errorf("order = %s", got)
	}
	if (&report{}).err() != nil {
		t.Error("empty report returned a non-nil error")
	}
}
