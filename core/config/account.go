package config

import (
	"fmt"
	"log/slog"
	"reflect"
	"strings"
)

// AuthUser is the digest username: AuthUsername, or Username when unset.
func (a Account) AuthUser() string {
	if a.AuthUsername != "" {
		return a.AuthUsername
	}
	return a.Username
}

// String describes the account for logs, e.g.
// "alice <sip:alice@example.com;transport=tls>". It never contains the
// password, and fmt uses it for %v and %+v, also inside Config.
func (a Account) String() string {
	var b strings.Builder
	b.WriteString(a.Name)
	b.WriteString(" <sip:")
	if a.Username != "" {
		b.WriteString(a.Username)
		b.WriteString("@")
	}
	b.WriteString(a.Domain)
	if a.Transport != "" && a.Transport != DefaultTransport {
		b.WriteString(";transport=")
		b.WriteString(a.Transport)
	}
	b.WriteString(">")
	return b.String()
}

// Equal reports whether a and b hold the same settings (Account has
// slices, so == does not compile).
func (a Account) Equal(b Account) bool { return reflect.DeepEqual(a, b) }

// GoString keeps %#v from printing the passwords and the webhook secret.
// It writes the fields one by one, as %#v would: a type converted from
// Account would pick up an embedded GoString (Media's, CTI's) and print
// only that.
func (a Account) GoString() string {
	if a.Password != "" {
		a.Password = "[redacted]"
	}
	if a.WebhookSecret != "" {
		a.WebhookSecret = "[redacted]"
	}
	v := reflect.ValueOf(a)
	var b strings.Builder
	b.WriteString("config.Account{")
	for i := range v.NumField() {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s:%#v", v.Type().Field(i).Name, v.Field(i).Interface())
	}
	b.WriteString("}")
	return b.String()
}

// LogValue renders the account for log/slog without the passwords and the
// webhook secret; only whether they are set is logged.
func (a Account) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("name", a.Name),
		slog.String("username", a.Username),
		slog.String("domain", a.Domain),
		slog.String("transport", a.Transport),
		slog.Bool("enabled", a.Enabled),
		slog.Bool("password_set", a.Password != ""),
	}
	if a.PasswordStore != "" {
		attrs = append(attrs, slog.String("password_store", a.PasswordStore))
	}
	if a.AuthUsername != "" {
		attrs = append(attrs, slog.String("auth_username", a.AuthUsername))
	}
	if a.Proxy != "" {
		attrs = append(attrs, slog.String("proxy", a.Proxy))
	}
	if a.TLSInsecureSkipVerify {
		attrs = append(attrs, slog.Bool("tls_insecure_skip_verify", true))
	}
	attrs = append(attrs, a.Media.logAttrs()...)
	attrs = append(attrs, a.CTI.logAttrs()...)
	return slog.GroupValue(attrs...)
}
