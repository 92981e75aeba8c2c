package evilproxy

import (
	"encoding/json"
	"net/http"
	"strconv"

	"cipherleaf.dev/shared/protocol"
)

// Attacks around tombstone compaction (SPEC §7.3, §10.7).

func sinceOf(r *http.Request) uint64 {
	v, _ := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
	return v
}

// FalseCompacted answers the first n feed requests with since > 0 by 410
// cursor_compacted, as if tombstones had been compacted past the device's
// cursor when none were: the device pulls everything again (and again if a
// later page of that pull is answered so too).
func FalseCompacted(n int) Attack {
	return Attack{name: "false cursor_compacted", answer: func(x *exchange, r *http.Request) (int, []byte, bool) {
		if n == 0 || x.route != RouteChanges || sinceOf(r) == 0 {
			return 0, nil, false
		}
		n--
		body, _ := json.Marshal(protocol.ErrorBody{Error: "compacted", Code: protocol.CodeCursorCompacted})
		return http.StatusGone, body, true
	}}
}

// HideCompaction serves every feed request from since = 0 instead of the
// device's cursor, so a server that compacted tombstones the device never
// saw answers without 410: the device keeps those notes live while the
// manifest no longer counts them.
func HideCompaction() Attack {
	return Attack{name: "hide compaction", request: func(x *exchange, r *http.Request) {
		if x.route != RouteChanges {
			return
		}
		q := r.URL.Query()
		q.Set("since", "0")
		r.URL.RawQuery = q.Encode()
	}}
}

// Refuse answers every request of route with status and code, without
// forwarding it (a server or network that fails that request).
func Refuse(route string, status int, code string) Attack {
	return Attack{name: "refuse " + route, answer: func(x *exchange, r *http.Request) (int, []byte, bool) {
		if x.route != route {
			return 0, nil, false
		}
		body, _ := json.Marshal(protocol.ErrorBody{Error: "refused", Code: code})
		return status, body, true
	}}
}
