// Package api is the phone's local API: JSON over HTTP for commands and
// queries, and a WebSocket carrying the phone's ordered event stream. It
// is a front-end like the window and the console: every route is one
// core.Phone call, and the events are the objects the console's --json
// prints. A bearer token guards every route.
package api
