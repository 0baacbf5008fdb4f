// Package video opens the machine's video capture devices for the phone:
// it implements core/video's Driver. On Linux it captures X11 screens and
// windows through the X protocol in pure Go (github.com/jezek/xgb, with
// MIT-SHM when the server is local) and cameras through V4L2 ioctls; every
// build also offers core/video's synthetic test pattern.
//
// Importers that also use core/video name one of the two, e.g.
//
//	platformvideo "github.com/softphone/softphone/platform/video"
package video
