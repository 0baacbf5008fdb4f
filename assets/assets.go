// Package assets embeds the files the program ships: icons now, and the
// ringtone and fonts with the GUI.
package assets

import "embed"

// Icons holds the application icons as SVG.
//
//go:embed icons/*.svg
var Icons embed.FS
