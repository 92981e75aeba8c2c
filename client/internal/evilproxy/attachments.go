package evilproxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"cipherleaf.dev/shared/protocol"
)

// Attachment routes (SPEC §7.7); the id in the path is x.attID.
const (
	RouteGetAttachment     = "GET /attachments/{id}"
	RouteDeclareAttachment = "POST /attachments"
)

// sealedChunk is one sealed chunk of an attachment blob (SPEC §11.2);
// blobs start with a 16-byte header.
const sealedChunk = protocol.AttachmentChunkSize + protocol.AttachmentTagSize

// AttachmentRequest is one attachment download the proxy answered.
type AttachmentRequest struct {
	User   string
	ID     string
	Range  string // the Range header asked, "" for the whole blob
	Status int
	Sent   int // bytes of body sent before the answer ended
}

// AttachmentRequests returns the attachment downloads seen so far.
func (p *Proxy) AttachmentRequests() []AttachmentRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]AttachmentRequest(nil), p.rec.attGets...)
}

// attachmentID returns the id of an attachment path, "" for another path.
func attachmentID(r *http.Request) string {
	id, _ := strings.CutPrefix(r.URL.Path, protocol.PathPrefix+"/attachments/")
	if id == r.URL.Path || strings.Contains(id, "/") {
		return ""
	}
	return id
}

// recordAttachment keeps which user declared which attachment (for
// ForeignAttachment).
func (p *Proxy) recordAttachment(x *exchange, reqBody []byte, status int) {
	if x.route != RouteDeclareAttachment || x.user() == "" || status >= 300 {
		return
	}
	var req protocol.CreateAttachmentRequest
	if json.Unmarshal(reqBody, &req) == nil && req.ID != "" {
		p.rec.attachments[x.user()] = append(p.rec.attachments[x.user()], req.ID)
	}
}

// fetchAttachment reads attachment id's whole blob upstream with the
// credentials auth.
func (p *Proxy) fetchAttachment(auth, id string) ([]byte, error) {
	u := *p.upstream
	u.Path = protocol.PathPrefix + "/attachments/" + id
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", auth)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch attachment: status %d", resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

// onAttachment makes an attack on the downloads of attachment id: f gets
// the blob as served and returns what to send instead (nil: unchanged).
func onAttachment(name, id string, f func(x *exchange, blob []byte) []byte) Attack {
	return Attack{name: name, body: func(x *exchange, body []byte) []byte {
		if x.route != RouteGetAttachment || x.attID != id || x.status != http.StatusOK {
			return body
		}
		if out := f(x, body); out != nil {
			return out
		}
		return body
	}}
}

// chunk returns sealed chunk i of blob, or nil if it has none.
func chunk(blob []byte, i int) []byte {
	if len(blob) < 16+(i+1)*sealedChunk {
		return nil
	}
	return blob[16+i*sealedChunk : 16+(i+1)*sealedChunk]
}

// DropAttachment answers 404 for attachment id, as if the server lost it.
func DropAttachment(id string) Attack {
	return Attack{name: "drop attachment " + id, answer: func(x *exchange, r *http.Request) (int, []byte, bool) {
		if x.route != RouteGetAttachment || x.attID != id {
			return 0, nil, false
		}
		return http.StatusNotFound, []byte(`{"error":"not found","code":"` + protocol.CodeNotFound + `"}`), true
	}}
}

// TruncateAttachment serves attachment id cut after its second chunk, at
// a chunk boundary, as a complete answer.
func TruncateAttachment(id string) Attack {
	return onAttachment("truncate attachment "+id, id, func(x *exchange, blob []byte) []byte {
		if chunk(blob, 2) == nil {
			return nil
		}
		return blob[:16+2*sealedChunk]
	})
}

// ReorderChunks serves attachment id with its first two chunks swapped.
func ReorderChunks(id string) Attack {
	return onAttachment("reorder chunks of "+id, id, func(x *exchange, blob []byte) []byte {
		if chunk(blob, 1) == nil {
			return nil
		}
		return bytes.Join([][]byte{blob[:16], chunk(blob, 1), chunk(blob, 0), blob[16+2*sealedChunk:]}, nil)
	})
}

// SpliceChunk serves attachment id with its second chunk taken from the
// same user's attachment other.
func SpliceChunk(id, other string) Attack {
	return onAttachment("splice into "+id, id, func(x *exchange, blob []byte) []byte {
		o, err := x.p.fetchAttachment(x.sess.auth, other)
		if err != nil || chunk(o, 1) == nil || chunk(blob, 1) == nil {
			return nil
		}
		return bytes.Join([][]byte{blob[:16+sealedChunk], chunk(o, 1), blob[16+2*sealedChunk:]}, nil)
	})
}

// SwapAttachment serves the same user's attachment other under id.
func SwapAttachment(id, other string) Attack {
	return onAttachment("swap attachment "+id+" "+other, id, func(x *exchange, blob []byte) []byte {
		o, err := x.p.fetchAttachment(x.sess.auth, other)
		if err != nil {
			return nil
		}
		return o
	})
}

// RollbackAttachment serves under id the blob of older, an attachment the
// same note held before (ids are write-once, SPEC §7.7: a file replaced by
// a new version gets a new id, so an old version can only come back
// under the new id).
func RollbackAttachment(id, older string) Attack {
	a := SwapAttachment(id, older)
	a.name = "roll back attachment " + id + " to " + older
	return a
}

// ForeignAttachment serves under id a blob another user declared, fetched
// with that user's credentials.
func ForeignAttachment(id string) Attack {
	return onAttachment("foreign attachment in "+id, id, func(x *exchange, blob []byte) []byte {
		for _, s := range x.p.rec.sessions {
			if s.User == x.user() || s.auth == "" {
				continue
			}
			for _, other := range x.p.rec.attachments[s.User] {
				if o, err := x.p.fetchAttachment(s.auth, other); err == nil {
					return o
				}
			}
		}
		return nil
	})
}

// CutAttachment ends the first `times` downloads of attachment id (whole
// or ranged) after `after` bytes of the body, closing the connection
// although the answer announced more: a link lost mid-file.
func CutAttachment(id string, after, times int) Attack {
	left := times
	return Attack{name: fmt.Sprintf("cut attachment %s after %d bytes", id, after), cut: func(x *exchange, body []byte) (int, bool) {
		if x.route != RouteGetAttachment || x.attID != id || left == 0 || len(body) <= after {
			return 0, false
		}
		left--
		return after, true
	}}
}
