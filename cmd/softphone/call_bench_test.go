package main

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// BenchmarkCallCPU runs the real program through a 10 s call to an
// auto-answering baresip and reports the CPU it used, per codec. Run it
// with -benchtime=1x: one iteration is one whole call.
func BenchmarkCallCPU(b *testing.B) {
	testlab.Require(b, "kamailio", "kamailio")
	testlab.Require(b, "baresip", "baresip-core")
	const callLength = 10 * time.Second
	bin := buildBinary(b)
	k := testlab.StartKamailio(b, testlab.KamailioOptions{})
	play := filepath.Join(b.TempDir(), "tone.wav")
	if err := testlab.WriteToneWAV(play, 48000, 440, 5*time.Second, testlab.ToneAmplitude); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ ours, theirs string }{{"opus", "opus"}, {"pcmu", "pcmu"}} {
		b.Run(c.ours, func(b *testing.B) {
			testlab.StartBaresip(b, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{c.theirs}})
			cfg := writeFile(b, accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, ""))
			var cpu, wall time.Duration
			for range b.N {
				cmd := exec.Command(bin, "call", "sip:bob@"+k.Domain, "--config", cfg, "--play", play,
					"--record", filepath.Join(b.TempDir(), "rec.wav"), "--codecs", c.ours, "--hangup-after", callLength.String())
				start := time.Now()
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("call: %v\n%s", err, out)
				}
				wall += time.Since(start)
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/call")
			b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
		})
	}
}
