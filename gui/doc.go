// Package gui will draw the phone's state with Gio and send the user's
// commands back to core.Phone. It holds no SIP or RTP code.
package gui
