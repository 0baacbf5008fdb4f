package accounts

import (
	"strings"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// mediaSwitches are the media encryption and NAT choices of the form; the
// servers and TURN credentials are text fields.
type mediaSwitches struct {
	enc                            widget.Enum // config.Encryption* values
	mandatory, insecure, relayOnly widget.Bool
	showPw                         widget.Clickable
	pwShown                        bool
}

// encryptionChoices are the media encryption options, in their order on
// the form.
var encryptionChoices = []struct{ key, label string }{
	{config.EncryptionNone, "Off"},
	{config.EncryptionSRTP, "SRTP (SDES)"},
	{config.EncryptionDTLS, "DTLS-SRTP"},
}

func (s *mediaSwitches) set(m config.Media) {
	s.enc.Value = m.EncryptionMode()
	s.mandatory.Value, s.insecure.Value, s.relayOnly.Value = m.EncryptionMandatory, m.SRTPOverInsecure, m.ICERelayOnly
}

func (s *mediaSwitches) update(gtx layout.Context) {
	s.enc.Update(gtx)
	for _, b := range []*widget.Bool{&s.mandatory, &s.insecure, &s.relayOnly} {
		b.Update(gtx)
	}
	if s.showPw.Clicked(gtx) {
		s.pwShown = !s.pwShown
	}
}

// applyMedia writes the form's media settings over m, the edited
// account's. ICE has no control: it keeps m's value.
func (ed *editor) applyMedia(m *config.Media) {
	s := &ed.media
	// An unchanged choice keeps the account's spelling ("" stays "").
	if s.enc.Value != m.EncryptionMode() {
		m.Encryption = s.enc.Value
	}
	m.EncryptionMandatory, m.SRTPOverInsecure, m.ICERelayOnly = s.mandatory.Value, s.insecure.Value, s.relayOnly.Value
	m.STUNServer, m.TURNServer, m.TURNUsername = ed.kept(fSTUN), ed.kept(fTURN), ed.kept(fTURNUser)
	// As the account's password: verbatim, spaces included. A keyring
	// account's may be empty: its keyring entry was not read, and stays.
	m.TURNPassword = ed.f[fTURNPass].ed.Text()
}

// kept is field id's text trimmed, or as the account had it when the user
// left it alone, so opening and saving changes nothing.
func (ed *editor) kept(id fieldID) string {
	f := &ed.f[id]
	if t := f.ed.Text(); t != f.initial {
		return strings.TrimSpace(t)
	}
	return f.initial
}

// showsInsecureKeys reports whether the form offers sending SDES keys over
// plain signalling: only SRTP over a transport other than TLS needs it.
func (ed *editor) showsInsecureKeys() bool {
	return ed.media.enc.Value == config.EncryptionSRTP && ed.transport.Value != "tls"
}

// layoutMedia is the "Security & NAT" card: media encryption, the STUN
// and TURN servers and relay-only media.
func (ed *editor) layoutMedia(th *theme.Theme, fld func(fieldID) layout.Widget, server map[string]string) layout.Widget {
	s := &ed.media
	msg := func(k string) string { return ed.message(k, true, server) }
	rows := []layout.Widget{
		func(gtx layout.Context) layout.Dimensions {
			return ed.layoutEncryption(gtx, th, msg("media_encryption"))
		},
		switchRowMsg(th, &s.mandatory, switchText{title: "Required", desc: "Media encryption required",
			sub: "Calls whose media cannot be encrypted are refused"}, msg("media_encryption_mandatory")),
	}
	if ed.showsInsecureKeys() {
		rows = append(rows, switchRowMsg(th, &s.insecure, switchText{title: "Send keys over unencrypted signalling",
			sub: "Keys travel in clear SIP: anyone on the path can decrypt the calls", warn: true},
			msg("srtp_over_insecure_signalling")))
	}
	// Relay only needs a TURN server; once on, it stays switchable so a
	// user who cleared the server can turn it off.
	relay := switchText{title: "Relay only", sub: "Media goes only through the TURN server: the far end never learns your address"}
	relay.disabled = strings.TrimSpace(ed.f[fTURN].ed.Text()) == "" && !s.relayOnly.Value
	if relay.disabled {
		relay.sub = "Needs a TURN server"
	}
	rows = append(rows,
		pair(fld(fSTUN), fld(fTURN)),
		pair(fld(fTURNUser), fld(fTURNPass)),
		switchRowMsg(th, &s.relayOnly, relay, msg("ice_relay_only")),
	)
	return ed.section(th, "Security & NAT", rows...)
}

// layoutEncryption is the media encryption choice, as the transport's.
func (ed *editor) layoutEncryption(gtx layout.Context, th *theme.Theme, msg string) layout.Dimensions {
	return widgets.Described(gtx, "Media encryption", func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				l := material.Label(th.Theme, 13, "Media encryption")
				l.Color, l.Font.Weight = th.Muted, font.Medium
				if msg != "" {
					l.Color = th.Danger
				}
				return l.Layout(gtx)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				children := make([]layout.FlexChild, 0, len(encryptionChoices))
				for _, o := range encryptionChoices {
					children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						rb := material.RadioButton(th.Theme, &ed.media.enc, o.key, o.label)
						rb.Size, rb.TextSize = 22, 15
						rb.IconColor = th.ContrastBg
						return layout.Inset{Right: 16}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return widgets.Described(gtx, "Media encryption "+o.label, rb.Layout)
						})
					}))
				}
				// Side by side they need about 400 dp: stacked on a phone.
				if gtx.Metric.PxToDp(gtx.Constraints.Max.X) < 400 {
					return layout.Flex{Axis: layout.Vertical}.Layout(gtx, children...)
				}
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx, children...)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if msg != "" {
					return widgets.Described(gtx, "Media encryption: "+msg, func(gtx layout.Context) layout.Dimensions {
						return widgets.ErrorLine(gtx, th, capitalize(msg))
					})
				}
				h := "Encrypts the call audio; DTLS-SRTP agrees on keys in the media path, not in SIP"
				return layout.Inset{Left: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 12, th.Muted, h)
				})
			}),
		)
	})
}

// switchText is what a switch row says: desc describes the switch (the
// title when empty); warn shows sub as a warning.
type switchText struct {
	title, desc, sub string
	warn, disabled   bool
}

// switchRowMsg is switchRow with an error line under it in place of sub,
// described desc+": "+msg, as a text field's message.
func switchRowMsg(th *theme.Theme, b *widget.Bool, st switchText, msg string) layout.Widget {
	if st.desc == "" {
		st.desc = st.title
	}
	return func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints.Min.X = gtx.Constraints.Max.X
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						c := th.Fg
						if st.disabled {
							c = th.Muted
						}
						return widgets.Label(gtx, th, 15, c, st.title)
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						switch {
						case msg != "":
							return widgets.Described(gtx, st.desc+": "+msg, func(gtx layout.Context) layout.Dimensions {
								return widgets.ErrorLine(gtx, th, capitalize(msg))
							})
						case st.warn:
							return widgets.ErrorLine(gtx, th, st.sub)
						}
						return widgets.Label(gtx, th, 12, th.Muted, st.sub)
					}),
				)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if st.disabled {
					gtx = gtx.Disabled()
				}
				sw := widgets.Switch(th, b, st.desc)
				return layout.Inset{Left: 12, Right: 4}.Layout(gtx, sw.Layout)
			}),
		)
	}
}
