package evilproxy

import (
	"bytes"
	"net/http"
	"slices"

	"cipherleaf.dev/shared/protocol"
)

// Routes an attack can rewrite (method and path under /api/v1).
const (
	RouteChanges     = "GET /notes"
	RouteGetManifest = "GET /manifest"
	RoutePutManifest = "PUT /manifest"
	RouteBatch       = "POST /notes/batch"
)

// exchange is one request in flight, as attack hooks see it.
type exchange struct {
	p      *Proxy
	sess   *Session
	route  string
	attID  string // the attachment of an attachment route
	status int    // the answer's status, once known
}

func (x *exchange) user() string { return x.sess.User }

// Attack is one scripted misbehaviour. The zero Attack does nothing.
type Attack struct {
	name     string
	session  string                                                     // "" = every device
	request  func(x *exchange, r *http.Request)                         // before forwarding
	page     func(x *exchange, pg *protocol.ChangesResponse)            // a decoded feed page
	manifest func(x *exchange, m *protocol.Manifest) *protocol.Manifest // any manifest served
	body     func(x *exchange, body []byte) []byte                      // the final bytes
	sent     func(x *exchange, body []byte)                             // a request's body, as sent
	// answer, if it returns true, is the answer instead of the server's
	// (the request is not forwarded).
	answer func(x *exchange, r *http.Request) (status int, body []byte, ok bool)
	// cut, if it returns true, sends only the first n bytes of the final
	// body (announcing all of it) and then drops the connection.
	cut func(x *exchange, body []byte) (n int, ok bool)
}

// String names the attack.
func (a Attack) String() string { return a.name }

// For returns a restricted to the device of session id sid.
func (a Attack) For(sid string) Attack { a.session = sid; a.name += " for " + sid; return a }

func (a Attack) applies(x *exchange) bool { return a.session == "" || a.session == x.sess.ID }

func findChange(pg *protocol.ChangesResponse, id string) int {
	return slices.IndexFunc(pg.Changes, func(c protocol.Change) bool { return c.ID == id })
}

// latest returns the last of rs, if any.
func latest(rs []Recorded) (Recorded, bool) {
	if len(rs) == 0 {
		return Recorded{}, false
	}
	return rs[len(rs)-1], true
}

// DropChange removes note id's change from every feed page.
func DropChange(id string) Attack {
	return Attack{name: "drop " + id, page: func(x *exchange, pg *protocol.ChangesResponse) {
		pg.Changes = slices.DeleteFunc(pg.Changes, func(c protocol.Change) bool { return c.ID == id })
	}}
}

// OldRevision serves note id at the newest recorded revision below the one
// the server holds, with that revision's genuine blob.
func OldRevision(id string) Attack {
	return Attack{name: "roll back " + id, page: func(x *exchange, pg *protocol.ChangesResponse) {
		i := findChange(pg, id)
		if i < 0 {
			return
		}
		cur := pg.Changes[i].Rev
		if r, ok := latest(x.p.rec.find(func(r Recorded) bool { return r.User == x.user() && r.ID == id && r.Rev < cur })); ok {
			pg.Changes[i].Rev, pg.Changes[i].Blob, pg.Changes[i].Deleted = r.Rev, r.Blob, false
		}
	}}
}

// SwapBlobs exchanges the blobs of notes a and b (revisions unchanged); a
// note missing from the page gets the other's latest recorded blob.
func SwapBlobs(a, b string) Attack {
	return Attack{name: "swap " + a + " " + b, page: func(x *exchange, pg *protocol.ChangesResponse) {
		i, j := findChange(pg, a), findChange(pg, b)
		switch {
		case i >= 0 && j >= 0:
			pg.Changes[i].Blob, pg.Changes[j].Blob = pg.Changes[j].Blob, pg.Changes[i].Blob
		case i >= 0 || j >= 0:
			k, other := i, b
			if k < 0 {
				k, other = j, a
			}
			if r, ok := latest(x.p.rec.find(func(r Recorded) bool { return r.User == x.user() && r.ID == other })); ok {
				pg.Changes[k].Blob, pg.Changes[k].Deleted = r.Blob, false
			}
		}
	}}
}

// ForeignBlob replaces note id's blob with one recorded from another user.
func ForeignBlob(id string) Attack {
	return Attack{name: "foreign blob in " + id, page: func(x *exchange, pg *protocol.ChangesResponse) {
		i := findChange(pg, id)
		if i < 0 {
			return
		}
		if r, ok := latest(x.p.rec.find(func(r Recorded) bool { return r.User != x.user() })); ok {
			pg.Changes[i].Blob, pg.Changes[i].Deleted = r.Blob, false
		}
	}}
}

// ReplayDeleted serves a deleted note's last recorded live revision instead
// of its tombstone.
func ReplayDeleted(id string) Attack {
	return Attack{name: "replay deleted " + id, page: func(x *exchange, pg *protocol.ChangesResponse) {
		i := findChange(pg, id)
		if i < 0 || !pg.Changes[i].Deleted {
			return
		}
		cur := pg.Changes[i].Rev
		if r, ok := latest(x.p.rec.find(func(r Recorded) bool { return r.User == x.user() && r.ID == id && r.Rev < cur })); ok {
			pg.Changes[i].Rev, pg.Changes[i].Blob, pg.Changes[i].Deleted = r.Rev, r.Blob, false
		}
	}}
}

// ReuseID serves other content under note id at the same revision: a
// recorded blob of the same (id, rev) that lost a race if there is one,
// else another note's blob.
func ReuseID(id string) Attack {
	return Attack{name: "reuse id " + id, page: func(x *exchange, pg *protocol.ChangesResponse) {
		i := findChange(pg, id)
		if i < 0 {
			return
		}
		c := pg.Changes[i]
		rs := x.p.rec.find(func(r Recorded) bool {
			return r.User == x.user() && r.ID == id && r.Rev == c.Rev && !bytes.Equal(r.Blob, c.Blob)
		})
		if len(rs) == 0 {
			rs = x.p.rec.find(func(r Recorded) bool { return r.User == x.user() && r.ID != id })
		}
		if r, ok := latest(rs); ok {
			pg.Changes[i].Blob, pg.Changes[i].Deleted = r.Blob, false
		}
	}}
}

// DuplicateChange serves note id's change twice in its page.
func DuplicateChange(id string) Attack {
	return Attack{name: "duplicate " + id, page: func(x *exchange, pg *protocol.ChangesResponse) {
		if i := findChange(pg, id); i >= 0 {
			pg.Changes = slices.Insert(pg.Changes, i+1, pg.Changes[i])
		}
	}}
}

// StaleCursor ignores the device's cursor: every pull starts from since=0.
func StaleCursor() Attack {
	return Attack{name: "stale cursor", request: func(x *exchange, r *http.Request) {
		if x.route == RouteChanges {
			q := r.URL.Query()
			q.Set("since", "0")
			r.URL.RawQuery = q.Encode()
		}
	}}
}

// ReorderPages swaps the first two pages of a pull: a page with more after
// it is answered with the next page's changes, and the following request
// with the held-back ones.
func ReorderPages() Attack {
	return Attack{name: "reorder pages", page: func(x *exchange, pg *protocol.ChangesResponse) {
		if held, ok := x.p.held[x.sess.ID]; ok {
			delete(x.p.held, x.sess.ID)
			pg.Changes = held
			return
		}
		if !pg.More {
			return
		}
		next, err := x.p.fetchChanges(x.sess, pg.Next)
		if err != nil {
			return
		}
		x.p.held[x.sess.ID] = pg.Changes
		pg.Changes = next.Changes
	}}
}

// OldManifest serves the recorded manifest of version v of the caller's
// user wherever a manifest is served (feed, GET /manifest, batch answers).
func OldManifest(v uint64) Attack {
	return Attack{name: "old manifest", manifest: func(x *exchange, m *protocol.Manifest) *protocol.Manifest {
		if blob, ok := x.p.rec.manifests[x.user()][v]; ok && m != nil {
			return &protocol.Manifest{Version: v, Blob: blob}
		}
		return m
	}}
}

// HideManifest serves no manifest at all, as if none was ever written.
func HideManifest() Attack {
	return Attack{name: "hide manifest", manifest: func(x *exchange, m *protocol.Manifest) *protocol.Manifest {
		if x.route == RouteGetManifest {
			return &protocol.Manifest{}
		}
		return nil
	}}
}

// Truncate cuts feed and manifest answers in half.
func Truncate() Attack {
	return Attack{name: "truncate", body: func(x *exchange, body []byte) []byte {
		if x.route == RouteChanges || x.route == RouteGetManifest {
			return body[:len(body)/2]
		}
		return body
	}}
}

// WrongUser answers feed and manifest requests with the last answer the
// proxy recorded for the same request of another user.
func WrongUser() Attack {
	return Attack{name: "wrong user", body: func(x *exchange, body []byte) []byte {
		for user, b := range x.p.rec.lastBody[x.route] {
			if user != x.user() {
				return b
			}
		}
		return body
	}}
}
