package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"
)

// decode reads the JSON body of c into v. Only application/json is
// accepted: a browser cannot send it cross-origin without a CORS preflight,
// which this server never answers.
func decode(c echo.Context, v any) error {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return badRequest("the body must be JSON (Content-Type: application/json)")
	}
	return decodeJSON(c.Request().Body, v)
}

// decodeJSON decodes exactly one JSON value from r into v.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge("request body too large")
		}
		return badRequest("malformed JSON body")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge("request body too large")
		}
		return badRequest("unexpected data after the JSON body")
	}
	return nil
}
