// Package platform holds the per-OS implementations (audio devices, the
// mobile audio session, push wake-up, notifications) of the small
// interfaces core defines, chosen by build tags.
package platform
