package testlab

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// baresipCodec maps the codec names tests use to what baresip 1.0 matches.
// An audio_codecs entry that matches no codec is silently dropped, and an
// empty list means "offer all": "opus" or "opus/48000/1" would offer every
// codec, because the Opus codec registers (and its rtpmap reads) as
// opus/48000/2 whatever it carries, and G722 needs its 16 kHz clock rate.
func baresipCodec(name string) (string, error) {
	switch strings.ToLower(name) {
	case "opus", "opus/48000", "opus/48000/1", "opus/48000/2":
		return "opus/48000/2", nil
	case "g722", "g722/8000", "g722/8000/1", "g722/16000", "g722/16000/1":
		return "G722/16000/1", nil
	case "pcmu", "pcmu/8000", "pcmu/8000/1":
		return "PCMU/8000/1", nil
	case "pcma", "pcma/8000", "pcma/8000/1":
		return "PCMA/8000/1", nil
	}
	return "", fmt.Errorf("codec %q: want opus, G722, pcmu or pcma", name)
}

// baresipConfig is what the config and accounts files are written from.
type baresipConfig struct {
	dir        string
	sipPort    int
	ctrlPort   int
	rtpMin     int
	rtpMax     int
	source     string // WAV for aufile
	srcRate    int
	srcChans   int
	record     bool
	accountURI string // the account line
	contacts   []string
	media      mediaConfig
}

// mediaConfig is the part of the config that encryption and NAT traversal
// need: the modules behind the account's mediaenc and medianat, and rtcp_mux.
type mediaConfig struct {
	enc, nat string
	rtcpMux  bool
	video    bool
	size     string
	fps      int
	kbps     int
}

func mediaConfigOf(opts BaresipOptions) mediaConfig {
	m := mediaConfig{enc: opts.MediaEnc, nat: opts.MediaNAT, rtcpMux: opts.RTCPMux,
		video: opts.Video, size: opts.VideoSize, fps: opts.VideoFPS, kbps: opts.VideoKbps}
	if m.size == "" {
		m.size = "352x288"
	}
	if m.fps == 0 {
		m.fps = 15
	}
	if m.kbps == 0 {
		m.kbps = 500
	}
	return m
}

// modules returns what must be loaded for the account's choices. baresip
// silently falls back to clear RTP, or no NAT traversal, when the module that
// an account names is not loaded.
func (m mediaConfig) modules() []string {
	var mods []string
	switch m.enc {
	case "srtp", "srtp-mand":
		mods = append(mods, "srtp.so")
	case "dtls_srtp":
		mods = append(mods, "dtls_srtp.so")
	}
	if m.nat != "" {
		// ice and turn both gather through the stun module's client.
		mods = append(mods, "stun.so", "turn.so", "ice.so")
	}
	if m.video {
		mods = append(mods, "vp8.so", "fakevideo.so")
	}
	return mods
}

// checkMediaOptions refuses values baresip would ignore silently, and any
// character that would end an account parameter early.
func checkMediaOptions(opts BaresipOptions) error {
	switch opts.MediaEnc {
	case "", "srtp", "srtp-mand", "dtls_srtp":
	default:
		return fmt.Errorf("media encryption %q: want srtp, srtp-mand or dtls_srtp", opts.MediaEnc)
	}
	switch opts.MediaNAT {
	case "", "ice", "turn":
	default:
		return fmt.Errorf("media NAT %q: want ice or turn", opts.MediaNAT)
	}
	if s := opts.STUNServer; s != "" && !strings.HasPrefix(s, "stun:") && !strings.HasPrefix(s, "turn:") {
		return fmt.Errorf("STUN server %q: want stun:host:port or turn:host:port", s)
	}
	if opts.MediaNAT == "turn" && !strings.HasPrefix(opts.STUNServer, "turn:") {
		return fmt.Errorf("media NAT turn needs a turn: STUN server, not %q", opts.STUNServer)
	}
	if (opts.STUNUser != "" || opts.STUNPass != "") && opts.STUNServer == "" {
		return errors.New("STUN credentials without a STUN server")
	}
	for _, v := range []string{opts.STUNServer, opts.STUNUser, opts.STUNPass} {
		if strings.ContainsAny(v, ";<>\" \t\r\n") {
			return fmt.Errorf("STUN server or credential %q: no ';', '<', '>', quotes or blanks", v)
		}
	}
	return nil
}

// write renders config, accounts and an empty contacts file into c.dir.
func (c *baresipConfig) write() error {
	var b strings.Builder
	line := func(k string, v any) { fmt.Fprintf(&b, "%-24s%v\n", k, v) }
	line("poll_method", "epoll")
	line("sip_listen", fmt.Sprintf("127.0.0.1:%d", c.sipPort))
	line("call_local_timeout", 120)
	line("call_max_calls", 4)
	// No sound card: the microphone is a WAV file, what is played goes to an
	// aubridge device nobody reads from.
	line("audio_player", "aubridge,testlab")
	line("audio_alert", "aubridge,testlab")
	line("audio_source", "aufile,"+c.source)
	line("ausrc_srate", c.srcRate)
	line("ausrc_channels", c.srcChans)
	line("auplay_srate", 48000)
	line("auplay_channels", 1)
	line("audio_level", "no")
	line("audio_buffer", "20-160")
	line("rtp_ports", fmt.Sprintf("%d-%d", c.rtpMin, c.rtpMax))
	line("rtcp_mux", yesNo(c.media.rtcpMux))
	line("jitter_buffer_delay", "5-10")
	line("statmode_default", "off") // else the log fills with status lines
	line("opus_bitrate", 32000)
	line("module_path", "/usr/lib/baresip/modules")
	mods := []string{"opus.so", "g722.so", "g711.so", "aufile.so", "aubridge.so"}
	if c.record {
		mods = append(mods, "sndfile.so")
	}
	mods = append(mods, c.media.modules()...)
	for _, m := range mods {
		line("module", m)
	}
	line("module_tmp", "uuid.so")
	line("module_tmp", "account.so")
	for _, m := range []string{"contact.so", "menu.so", "ctrl_tcp.so"} {
		line("module_app", m)
	}
	if c.media.video {
		line("video_source", "fakevideo,nil")
		line("video_display", "fakevideo,nil")
		line("video_size", c.media.size)
		line("video_fps", fmt.Sprintf("%d.00", c.media.fps))
		line("video_bitrate", c.media.kbps*1000)
	}
	line("ctrl_tcp_listen", fmt.Sprintf("127.0.0.1:%d", c.ctrlPort))
	line("snd_path", c.dir)

	contacts := ""
	for _, ct := range c.contacts {
		if strings.ContainsAny(ct, "\r\n") {
			return fmt.Errorf("contact %q: one line", ct)
		}
		contacts += ct + "\n"
	}
	files := map[string]string{
		"config":   b.String(),
		"accounts": c.accountURI + "\n",
		"contacts": contacts,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// accountLine builds the accounts file line. Registered accounts use the
// Kamailio as registrar and outbound proxy; direct ones never register.
func accountLine(opts BaresipOptions, sipAddr string, codecs []string, registered bool) string {
	var uri string
	var params []string
	if registered {
		uri = fmt.Sprintf("<sip:%s@%s;transport=%s>", opts.User, opts.Kamailio.Domain, opts.Transport)
		proxy := opts.Kamailio.UDPAddr
		if opts.Transport == "tcp" {
			proxy = opts.Kamailio.TCPAddr
		}
		params = append(params,
			"auth_pass="+opts.Password,
			fmt.Sprintf(`outbound="sip:%s;transport=%s"`, proxy, opts.Transport),
			"regint=600")
	} else {
		uri = fmt.Sprintf("<sip:%s@%s;transport=%s>", opts.User, sipAddr, opts.Transport)
		params = append(params, "regint=0")
	}
	params = append(params, "answermode="+opts.AnswerMode)
	if len(codecs) > 0 {
		params = append(params, "audio_codecs="+strings.Join(codecs, ","))
	}
	if opts.Video {
		params = append(params, "video_codecs=vp8")
	}
	for _, p := range []struct{ key, value string }{
		{"mediaenc", opts.MediaEnc},
		{"medianat", opts.MediaNAT},
		{"stunserver", opts.STUNServer},
		{"stunuser", opts.STUNUser},
		{"stunpass", opts.STUNPass},
	} {
		if p.value != "" {
			params = append(params, p.key+"="+p.value)
		}
	}
	return uri + ";" + strings.Join(params, ";")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
