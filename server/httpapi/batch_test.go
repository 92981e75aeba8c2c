package httpapi

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// TestBatchBodies: raw batch bodies get encoding/json's meaning whichever
// decoder reads them (the fast one declines what it does not take
// exactly): malformed JSON and base64 are refused before anything is
// written, and the odd but valid forms are taken as encoding/json takes
// them.
func TestBatchBodies(t *testing.T) {
	put := func(id int, blob string) string {
		return `{"op":"put","id":"` + noteID(id) + `","base_rev":0,"blob":` + blob + `}`
	}
	for _, tc := range []struct {
		name   string
		body   string
		status int
		code   string
		stored map[string]string // note id → blob after the batch
	}{
		{"plain", `{"ops":[` + put(1, `"eA=="`) + `]}`, 200, "", map[string]string{noteID(1): "x"}},
		{"spaced", " {\n \"ops\" : [ " + put(1, ` "eHk=" `) + " ] }\n", 200, "", map[string]string{noteID(1): "xy"}},
		{"trailing bits set", `{"ops":[` + put(1, `"eB=="`) + `]}`, 200, "", map[string]string{noteID(1): "x"}},
		{"escaped newline in base64", `{"ops":[` + put(1, `"eA==\n"`) + `]}`, 200, "", map[string]string{noteID(1): "x"}},
		{"escaped slash in base64", `{"ops":[` + put(1, `"\/w=="`) + `]}`, 200, "", map[string]string{noteID(1): "\xff"}},
		{"duplicate ops: the last wins", `{"ops":[` + put(1, `"eA=="`) + `],"ops":[` + put(2, `"eQ=="`) + `]}`, 200, "", map[string]string{noteID(2): "y"}},
		{"duplicate blob: the last wins", `{"ops":[{"op":"put","id":"` + noteID(1) + `","blob":"eA==","blob":"eQ=="}]}`, 200, "", map[string]string{noteID(1): "y"}},
		{"folded key", `{"OPS":[` + put(1, `"eA=="`) + `]}`, 200, "", map[string]string{noteID(1): "x"}},
		{"bad base64", `{"ops":[` + put(1, `"e!=="`) + `]}`, 400, "bad_request", nil},
		{"short padding", `{"ops":[` + put(1, `"eA="`) + `]}`, 400, "bad_request", nil},
		{"no padding", `{"ops":[` + put(1, `"eA"`) + `]}`, 400, "bad_request", nil},
		{"url alphabet", `{"ops":[` + put(1, `"_w=="`) + `]}`, 400, "bad_request", nil},
		{"bad base64 in the last op", `{"ops":[` + put(1, `"eA=="`) + `,` + put(2, `"eA=x"`) + `]}`, 400, "bad_request", nil},
		{"bad manifest base64", `{"ops":[` + put(1, `"eA=="`) + `],"manifest":{"base_version":0,"blob":"*"}}`, 400, "bad_request", nil},
		{"truncated", `{"ops":[` + put(1, `"eA=="`), 400, "bad_request", nil},
		{"truncated in a blob", `{"ops":[{"op":"put","id":"` + noteID(1) + `","blob":"eA`, 400, "bad_request", nil},
		{"trailing value", `{"ops":[]}{}`, 400, "bad_request", nil},
		{"empty body", ``, 400, "bad_request", nil},
		{"put without blob", `{"ops":[` + put(1, `null`) + `]}`, 400, "bad_request", nil},
		{"empty blob", `{"ops":[` + put(1, `""`) + `]}`, 400, "bad_request", nil},
		{"number as rev string", `{"ops":[{"op":"put","id":"` + noteID(1) + `","base_rev":"0","blob":"eA=="}]}`, 400, "bad_request", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			en := newEnv(t, nil)
			tok := en.register("alice").AccessToken
			r := en.do("POST", "/api/v1/notes/batch", tok, []byte(tc.body))
			if r.status != tc.status || (tc.code != "" && r.errCode() != tc.code) {
				t.Fatalf("batch %s = %d %s, want %d %s", tc.body, r.status, r.body, tc.status, tc.code)
			}
			var cr protocol.ChangesResponse
			en.do("GET", "/api/v1/notes", tok, nil).into(t, &cr)
			got := map[string]string{}
			for _, c := range cr.Changes {
				got[c.ID] = string(c.Blob)
			}
			if len(got) != len(tc.stored) {
				t.Fatalf("stored %q, want %q", got, tc.stored)
			}
			for id, blob := range tc.stored {
				if got[id] != blob {
					t.Errorf("note %s = %q, want %q", id, got[id], blob)
				}
			}
		})
	}
}

// readCounter counts the bytes read from it; it has n of them.
type readCounter struct{ read, n int64 }

func (r *readCounter) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n-r.read)]
	clear(p)
	r.read += int64(len(p))
	return len(p), nil
}

// TestBatchBodyOverLimit: a batch body declared at 2 GB is refused before
// a byte of it is read, and one of unknown length is cut off at the limit
// instead of being read whole.
func TestBatchBodyOverLimit(t *testing.T) {
	en := newEnv(t, func(c *Config) { c.MaxBody = 32 << 20 })
	tok := en.register("alice").AccessToken
	for _, tc := range []struct {
		name     string
		declared int64
	}{
		{"declared 2 GB", 2 << 30},
		{"unknown length", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &readCounter{n: 2 << 30}
			req := httptest.NewRequest("POST", "/api/v1/notes/batch", src)
			req.ContentLength = tc.declared
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			en.e.ServeHTTP(rec, req)
			r := resp{status: rec.Code, body: rec.Body.Bytes()}
			if r.status != 413 || r.errCode() != "too_large" {
				t.Fatalf("batch of 2 GB = %d %s", r.status, r.body)
			}
			if max := map[bool]int64{true: 0, false: 33 << 20}[tc.declared > 0]; src.read > max {
				t.Errorf("read %d bytes of the body, want at most %d", src.read, max)
			}
			if !strings.Contains(string(r.body), "too large") {
				t.Errorf("answer %s does not say the body is too large", r.body)
			}
		})
	}
}
