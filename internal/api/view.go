package api

import (
	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
)

// stateView is the read model as the API shows it: what a CTI client
// needs, without the configuration (it holds secrets).
type stateView struct {
	Version      uint64                   `json:"version"`
	Listen       string                   `json:"listen,omitempty"`
	Accounts     []account.Status         `json:"accounts"`
	Calls        []call.Info              `json:"calls"`
	Quality      map[string]qualityView   `json:"quality,omitempty"`
	Voicemail    []core.VoicemailStatus   `json:"voicemail"`
	Lamps        map[string]core.BLFState `json:"lamps"`
	Watched      []string                 `json:"watched"`
	DND          bool                     `json:"dnd"`
	UnseenMissed int                      `json:"unseen_missed"`
	Unread       int                      `json:"unread"`
	Notices      []string                 `json:"notices,omitempty"`
}

// qualityView is a call's latest figures, as the stats events give them.
type qualityView struct {
	Codec           string  `json:"codec"`
	PacketsSent     uint64  `json:"packets_sent"`
	PacketsReceived uint64  `json:"packets_received"`
	Lost            uint64  `json:"lost"`
	JitterMS        float64 `json:"jitter_ms"`
	RTTMS           float64 `json:"rtt_ms"`
}

func viewOf(st core.State) stateView {
	v := stateView{
		Version: st.Version, Listen: st.Listen,
		Accounts: nonNil(st.Accounts), Calls: nonNil(st.Calls),
		Voicemail: nonNil(st.Voicemail), Lamps: st.Lamps, Watched: nonNil(st.Watched),
		DND: st.DND(), UnseenMissed: st.UnseenMissed, Unread: st.Unread, Notices: st.Notices,
	}
	if v.Lamps == nil {
		v.Lamps = map[string]core.BLFState{}
	}
	for _, c := range st.Calls {
		q, ok := st.Quality.Get(c.ID)
		if !ok {
			continue
		}
		if v.Quality == nil {
			v.Quality = map[string]qualityView{}
		}
		v.Quality[c.ID] = qualityView{
			Codec: q.Codec, PacketsSent: q.PacketsSent, PacketsReceived: q.PacketsReceived, Lost: q.Lost,
			JitterMS: float64(q.Jitter.Microseconds()) / 1000, RTTMS: float64(q.RTT.Microseconds()) / 1000,
		}
	}
	return v
}
