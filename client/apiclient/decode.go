package apiclient

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"cipherleaf.dev/shared/protocol"
)

// maxServerMsg caps the server's human words kept in an APIError.
const maxServerMsg = 200

// decodeJSON decodes a success body into out; anything but one well-formed
// JSON value of the right shape is ErrBadResponse.
func decodeJSON(body []byte, out any) error {
	if len(body) == 0 {
		return fmt.Errorf("%w: empty body", ErrBadResponse)
	}
	// A page of changes in the shape the server writes skips reflection
	// (protocol.DecodeFast); any other body, or any doubt, is encoding/json's.
	if protocol.DecodeFast(body, out) {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	return nil
}

// apiError builds the error of a non-2xx answer. A body that is not the
// promised {"error","code"} (say, a proxy's HTML page) still yields an
// APIError with the status, an empty Code and the standard status text.
func apiError(status int, body []byte) error {
	var eb protocol.ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil || eb.Code == "" {
		return &protocol.APIError{Status: status, Msg: http.StatusText(status)}
	}
	return &protocol.APIError{Status: status, Code: eb.Code, Msg: cleanMsg(eb.Error)}
}

// cleanMsg keeps a server's words printable and short: they end up on a
// terminal and must not carry escape sequences.
func cleanMsg(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	if len(s) > maxServerMsg {
		s = strings.ToValidUTF8(s[:maxServerMsg], "") + "…"
	}
	return s
}

// decodeNoteConflict turns a 409 from a note write into *ConflictError.
func decodeNoteConflict(body []byte) error {
	var cr protocol.ConflictResponse
	if err := decodeJSON(body, &cr); err != nil {
		return err
	}
	if cr.Code != protocol.CodeConflict {
		return apiError(http.StatusConflict, body)
	}
	if cr.Current.ID == "" {
		return fmt.Errorf("%w: conflict without the current note", ErrBadResponse)
	}
	return &ConflictError{Current: cr.Current}
}

// decodeManifestConflict turns a 409 from PutManifest into *ManifestConflictError.
func decodeManifestConflict(body []byte) error {
	var mc protocol.ManifestConflict
	if err := decodeJSON(body, &mc); err != nil {
		return err
	}
	if mc.Code != protocol.CodeConflict {
		return apiError(http.StatusConflict, body)
	}
	return &ManifestConflictError{Current: mc.Current}
}
