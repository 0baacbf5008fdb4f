package video

// Stats are a video stream's figures, for the call's stats and its end
// report (JSON as the headless commands print it).
type Stats struct {
	Codec              string  `json:"codec"`
	FramesSent         uint64  `json:"frames_sent"`
	FramesReceived     uint64  `json:"frames_received"`
	FramesDecoded      uint64  `json:"frames_decoded"`
	KeyframesRequested uint64  `json:"keyframes_requested"` // PLI/FIR we sent
	KeyframesSent      uint64  `json:"keyframes_sent"`
	Width              int     `json:"width"`  // of the last decoded picture
	Height             int     `json:"height"` // of the last decoded picture
	FPS                float64 `json:"fps"`    // decoded, lately
	SendFPS            float64 `json:"send_fps"`
	Bitrate            int     `json:"bitrate"` // our current target, bits/s
	NACKsSent          uint64  `json:"nacks_sent"`
	Retransmitted      uint64  `json:"retransmitted"`
	PacketsLost        uint64  `json:"packets_lost"`
}
