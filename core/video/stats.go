package video

// Stats are a video stream's figures, for the call's statistics and the
// JSON the headless commands print.
type Stats struct {
	Codec               string  `json:"codec"`
	FramesSent          uint64  `json:"frames_sent"`
	FramesReceived      uint64  `json:"frames_received"` // whole frames assembled
	FramesDecoded       uint64  `json:"frames_decoded"`
	FramesDropped       uint64  `json:"frames_dropped"` // received but not decodable (after a loss, until a key frame)
	KeyframesSent       uint64  `json:"keyframes_sent"`
	KeyframesReceived   uint64  `json:"keyframes_received"`    // key frames decoded
	KeyframesRequested  uint64  `json:"keyframes_requested"`   // PLI/FIR we sent
	KeyRequestsReceived uint64  `json:"key_requests_received"` // PLI/FIR the far end sent
	NACKsSent           uint64  `json:"nacks_sent"`            // sequence numbers we asked again
	NACKsReceived       uint64  `json:"nacks_received"`        // sequence numbers the far end asked again
	Retransmitted       uint64  `json:"retransmitted"`         // packets we sent again
	PacketsSent         uint64  `json:"packets_sent"`
	PacketsReceived     uint64  `json:"packets_received"`
	PacketsLost         uint64  `json:"packets_lost"` // never arrived, even resent
	Width               int     `json:"width"`        // of the last decoded picture
	Height              int     `json:"height"`
	FPS                 float64 `json:"fps"`        // decoded, over the last second or so
	SendWidth           int     `json:"send_width"` // of the last frame we encoded
	SendHeight          int     `json:"send_height"`
	SendFPS             float64 `json:"send_fps"` // encoded, over the last second or so
	TargetFPS           int     `json:"target_fps"`
	Bitrate             int     `json:"bitrate"`              // current send target, bits/s
	RemoteFractionLost  float64 `json:"remote_fraction_lost"` // what the far end's last report said of ours
	RTTMs               float64 `json:"rtt_ms"`               // from RTCP, 0 until known
}
