package call

// Video is a call's video as it stands (Info.Video); nil there means the
// call has no video stream.
type Video struct {
	// Offered: the far end offers video we have not taken (yet). A
	// ringing call answered with video takes it.
	Offered   bool   `json:"offered,omitempty"`
	Codec     string `json:"codec,omitempty"`
	Sending   bool   `json:"sending"`          // our pictures go out
	Receiving bool   `json:"receiving"`        // the far end's come in
	Source    string `json:"source,omitempty"` // capture device we send from
	Screen    bool   `json:"screen,omitempty"` // that device is a screen or a window
	// Slides: the share goes as a second stream (a=content:slides) beside
	// the camera, because the far end took one.
	Slides bool `json:"slides,omitempty"`
}

// VideoRequest is what the user wants of a call's video (Phone.SetVideo).
// On a ringing incoming call it says how it will be answered.
type VideoRequest struct {
	Video bool // the call carries video; false removes the stream
	Send  bool // we send pictures; false turns the camera off (we only watch)
	// Source is the capture device to send from (video.DeviceInfo.ID: a
	// camera, "screen:0", "window:0x…", "test"); "" the settings' camera.
	Source string
}
