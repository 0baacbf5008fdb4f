package config

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
)

// Media are an account's call media settings: encryption and NAT
// traversal (STUN, TURN, ICE).
type Media struct {
	// Encryption is EncryptionNone, EncryptionSRTP (the default) or
	// EncryptionDTLS. Parse and Save set "" to EncryptionSRTP; for an
	// account built by a program, EncryptionMode reads "" the same way.
	Encryption string
	// EncryptionMandatory refuses calls whose media cannot be encrypted;
	// otherwise encryption is offered and plain RTP accepted.
	EncryptionMandatory bool
	// SRTPOverInsecure sends SDES keys in SDP over a transport other than
	// TLS, where anyone on the path can read them.
	SRTPOverInsecure bool
	// STUNServer and TURNServer are "host[:port]"; the port defaults to
	// DefaultSTUNPort (see STUNAddr, TURNAddr). "" is none.
	STUNServer, TURNServer string
	TURNUsername           string
	// TURNPassword is never printed: see Media.String, GoString and
	// LogValue, and Account's. It is kept where the account's SIP password
	// is: in the file, or in the keyring (see PasswordStore) under the
	// keyring user Name+"/turn", and then Load leaves it empty.
	TURNPassword string `json:"-"`
	// ICE is the ice key when it differs from its default (on when a STUN
	// or TURN server is set): nil means the default, and Parse and Save
	// set an explicit value equal to the default to nil. The pointee is
	// never written through, so copies may share it: replace the pointer.
	ICE *bool
	// ICERelayOnly sends media only through the TURN relay: the far end
	// never learns our addresses (needs turn_server).
	ICERelayOnly bool
}

// Values of Media.Encryption.
const (
	EncryptionNone = "none"
	EncryptionSRTP = "srtp" // SDES-SRTP (RFC 4568)
	EncryptionDTLS = "dtls" // DTLS-SRTP (RFC 5763, 5764)
)

// DefaultSTUNPort is the port of a stun_server or turn_server written
// without one (RFC 8489, RFC 8656: STUN and TURN over UDP or TCP).
const DefaultSTUNPort = 3478

// EncryptionMode is Encryption, or EncryptionSRTP when it is unset.
func (m Media) EncryptionMode() string {
	if m.Encryption == "" {
		return EncryptionSRTP
	}
	return m.Encryption
}

// ICEOn reports whether calls gather ICE candidates: the ice key, or by
// default whether a STUN or TURN server is set.
func (m Media) ICEOn() bool {
	if m.ICE != nil {
		return *m.ICE
	}
	return m.iceDefault()
}

func (m Media) iceDefault() bool { return m.STUNServer != "" || m.TURNServer != "" }

// STUNAddr is STUNServer as "host:port", with DefaultSTUNPort when it has
// no port, or "" when unset.
func (m Media) STUNAddr() string { return withDefaultPort(m.STUNServer) }

// TURNAddr is TURNServer as "host:port", as STUNAddr.
func (m Media) TURNAddr() string { return withDefaultPort(m.TURNServer) }

func withDefaultPort(s string) string {
	if s == "" {
		return ""
	}
	host, port, hasPort, _ := splitHostPort(s)
	if !hasPort {
		port = strconv.Itoa(DefaultSTUNPort)
	}
	return net.JoinHostPort(host, port)
}

// OffersSDESKeys reports whether the account's SDP offers and answers may
// carry SDES keys: SRTP is chosen and the signalling is TLS, or the user
// accepted sending the keys over plain signalling.
func (a Account) OffersSDESKeys() bool {
	return a.EncryptionMode() == EncryptionSRTP && (a.Transport == "tls" || a.SRTPOverInsecure)
}

// String describes the media settings for logs, without the TURN password.
func (m Media) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "encryption=%s", m.EncryptionMode())
	if m.EncryptionMandatory {
		b.WriteString(" mandatory")
	}
	fmt.Fprintf(&b, " ice=%t", m.ICEOn())
	if m.STUNServer != "" {
		b.WriteString(" stun=" + m.STUNServer)
	}
	if m.TURNServer != "" {
		b.WriteString(" turn=" + m.TURNServer)
	}
	return b.String()
}

// GoString keeps %#v from printing the TURN password.
func (m Media) GoString() string {
	type plain Media // no methods, so %#v below does not recurse
	p := plain(m)
	if p.TURNPassword != "" {
		p.TURNPassword = "[redacted]"
	}
	return strings.Replace(fmt.Sprintf("%#v", p), "config.plain", "config.Media", 1)
}

// LogValue renders the media settings for log/slog; only whether a TURN
// password is set is logged.
func (m Media) LogValue() slog.Value {
	return slog.GroupValue(m.logAttrs()...)
}

func (m Media) logAttrs() []slog.Attr {
	attrs := []slog.Attr{
		slog.String("media_encryption", m.EncryptionMode()),
		slog.Bool("ice", m.ICEOn()),
	}
	if m.EncryptionMandatory {
		attrs = append(attrs, slog.Bool("media_encryption_mandatory", true))
	}
	if m.SRTPOverInsecure {
		attrs = append(attrs, slog.Bool("srtp_over_insecure_signalling", true))
	}
	if m.STUNServer != "" {
		attrs = append(attrs, slog.String("stun_server", m.STUNServer))
	}
	if m.TURNServer != "" || m.TURNUsername != "" || m.TURNPassword != "" {
		attrs = append(attrs, slog.String("turn_server", m.TURNServer), slog.String("turn_username", m.TURNUsername),
			slog.Bool("turn_password_set", m.TURNPassword != ""))
	}
	return attrs
}

// mediaKey decodes one Media key; false when k is not one.
func (d *decoder) mediaKey(v *node, field, k string, m *Media) bool {
	switch k {
	case "media_encryption":
		d.str(v, field, &m.Encryption)
	case "media_encryption_mandatory":
		d.boolean(v, field, &m.EncryptionMandatory)
	case "srtp_over_insecure_signalling":
		d.boolean(v, field, &m.SRTPOverInsecure)
	case "stun_server":
		d.str(v, field, &m.STUNServer)
	case "turn_server":
		d.str(v, field, &m.TURNServer)
	case "turn_username":
		d.str(v, field, &m.TURNUsername)
	case "turn_password":
		d.str(v, field, &m.TURNPassword)
	case "ice_relay_only":
		d.boolean(v, field, &m.ICERelayOnly)
	case "ice":
		var on bool
		d.boolean(v, field, &on)
		if !d.bad[field] {
			m.ICE = &on
		}
	default:
		return false
	}
	return true
}

// media validates and normalizes a's Media: encryption lower-cased and
// defaulted, an explicit ice equal to its default made implicit.
func (v validator) media(prefix string, a *Account) {
	m := &a.Media
	switch e := strings.ToLower(m.Encryption); e {
	case "":
		m.Encryption = EncryptionSRTP
	case EncryptionNone, EncryptionSRTP, EncryptionDTLS:
		m.Encryption = e
	default:
		v.fail(prefix, "media_encryption", "must be one of %s, %s, %s (got %q)",
			EncryptionNone, EncryptionSRTP, EncryptionDTLS, m.Encryption)
	}
	if m.EncryptionMandatory && m.Encryption == EncryptionNone {
		v.fail(prefix, "media_encryption_mandatory", "cannot be true with media_encryption = %q", EncryptionNone)
	}
	if m.STUNServer != "" {
		v.check(prefix, "stun_server", checkServer(m.STUNServer))
	}
	v.check(prefix, "turn_username", checkControls(m.TURNUsername))
	v.check(prefix, "turn_password", checkUTF8(m.TURNPassword))
	if m.TURNServer != "" {
		v.check(prefix, "turn_server", checkServer(m.TURNServer))
		if m.TURNUsername == "" {
			v.fail(prefix, "turn_username", "must be set when turn_server is set")
		}
		// A keyring account's TURN password is not in the file.
		if m.TURNPassword == "" && a.PasswordStore != PasswordInKeyring {
			v.fail(prefix, "turn_password", "must be set when turn_server is set")
		}
	}
	if m.ICERelayOnly && (m.TURNServer == "" || !m.ICEOn()) {
		v.fail(prefix, "ice_relay_only", "needs turn_server and ICE")
	}
	if m.ICE != nil && *m.ICE == m.iceDefault() {
		m.ICE = nil
	}
}

// checkServer validates a STUN or TURN server: host[:port], no URI.
func checkServer(s string) string {
	l := strings.ToLower(s)
	for _, scheme := range []string{"stun:", "stuns:", "turn:", "turns:"} {
		if strings.HasPrefix(l, scheme) {
			return fmt.Sprintf("must be host[:port], not a URI (got %q)", s)
		}
	}
	return checkHostPort(s, hostPortRules{})
}

// mediaKVs lists the Media keys as Save writes them.
func mediaKVs(a Account) []kv {
	m := a.Media
	return []kv{
		defKV("media_encryption", m.Encryption, EncryptionSRTP),
		boolKV("media_encryption_mandatory", m.EncryptionMandatory, false),
		boolKV("srtp_over_insecure_signalling", m.SRTPOverInsecure, false),
		optKV("stun_server", m.STUNServer),
		optKV("turn_server", m.TURNServer),
		optKV("turn_username", m.TURNUsername),
		optKV("turn_password", fileTURNPassword(a)),
		// The value written is the effective one, so a kept "ice = ..."
		// line still reads back right after a server was added or
		// removed; it goes when ICE returns to its default.
		{key: "ice", lit: strconv.FormatBool(m.ICEOn()), omit: m.ICE == nil, drop: m.ICE == nil},
		boolKV("ice_relay_only", m.ICERelayOnly, false),
	}
}

// fileTURNPassword is the TURN password as the file holds it: none when
// the account's secrets are in the keyring.
func fileTURNPassword(a Account) string {
	if a.PasswordStore == PasswordInKeyring {
		return ""
	}
	return a.TURNPassword
}
