package evilproxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"

	"cipherleaf.dev/shared/protocol"
)

// Recorded is one note blob the proxy saw, in a feed or in a write.
type Recorded struct {
	User string
	ID   string
	Rev  uint64
	Blob []byte
}

// Session is a device as the proxy knows it: its session id and user id,
// read (not verified) from its bearer token.
type Session struct {
	ID   string
	User string
	auth string // last Authorization header, to fetch on its behalf
}

// recorder holds everything seen; the Proxy's mutex guards it.
type recorder struct {
	blobs     []Recorded
	manifests map[string]map[uint64][]byte // user → version → blob
	sessions  map[string]*Session
	lastBody  map[string]map[string][]byte // route → user → last answer
	// attachments: user → attachment ids it declared; attGets: every
	// attachment download answered.
	attachments map[string][]string
	attGets     []AttachmentRequest
}

func newRecorder() *recorder {
	return &recorder{manifests: map[string]map[uint64][]byte{}, sessions: map[string]*Session{}, lastBody: map[string]map[string][]byte{},
		attachments: map[string][]string{}}
}

func (r *recorder) blob(user, id string, rev uint64, blob []byte) {
	if len(blob) == 0 {
		return
	}
	for _, b := range r.blobs {
		if b.User == user && b.ID == id && b.Rev == rev && bytes.Equal(b.Blob, blob) {
			return
		}
	}
	r.blobs = append(r.blobs, Recorded{User: user, ID: id, Rev: rev, Blob: slices.Clone(blob)})
}

func (r *recorder) manifest(user string, m *protocol.Manifest) {
	if m == nil || m.Version == 0 {
		return
	}
	if r.manifests[user] == nil {
		r.manifests[user] = map[uint64][]byte{}
	}
	r.manifests[user][m.Version] = slices.Clone(m.Blob)
}

// find returns the recorded blobs matching keep, oldest first.
func (r *recorder) find(keep func(Recorded) bool) []Recorded {
	var out []Recorded
	for _, b := range r.blobs {
		if keep(b) {
			out = append(out, b)
		}
	}
	return out
}

// session identifies the caller from "Bearer <jwt>" without verifying it:
// the proxy is the attacker, it only needs to tell devices apart.
func (r *recorder) session(auth string) *Session {
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	parts := strings.Split(tok, ".")
	if !ok || len(parts) != 3 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var c struct {
		Sub string `json:"sub"`
		SID string `json:"sid"`
	}
	if json.Unmarshal(raw, &c) != nil || c.SID == "" {
		return nil
	}
	s := r.sessions[c.SID]
	if s == nil {
		s = &Session{ID: c.SID, User: c.Sub}
		r.sessions[c.SID] = s
	}
	s.auth = auth
	return s
}
