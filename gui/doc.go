// Package gui is the phone's window, drawn with Gio: a pure front-end of
// core.Phone. Each frame reads the phone's State once and draws it; the
// user's commands go back through one ordered queue. The router picks the
// page; the pages (gui/pages/...) neither know each other nor decide
// policy (which calls to hold, which code declines a call): the phone
// does. No SIP or RTP here.
package gui
