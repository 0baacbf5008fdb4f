package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the API's OpenAPI 3 description, kept beside the routes
// and checked against them by the tests.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI is the API's OpenAPI 3 description (JSON).
func OpenAPI() []byte { return openAPIDoc }

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}
