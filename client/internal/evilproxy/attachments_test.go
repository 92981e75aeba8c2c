package evilproxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// blobStore is a stand-in for cipherleafd's attachment routes: a declared
// attachment holds bytes derived from its id (a blob of n chunks).
type blobStore struct {
	mu    sync.Mutex
	blobs map[string]map[string][]byte // user → id → blob
}

func (b *blobStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	auth := strings.Split(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), ".")
	raw, _ := base64.RawURLEncoding.DecodeString(auth[1])
	var c struct{ Sub string }
	json.Unmarshal(raw, &c)
	if b.blobs[c.Sub] == nil {
		b.blobs[c.Sub] = map[string][]byte{}
	}
	id := strings.TrimPrefix(r.URL.Path, protocol.PathPrefix+"/attachments/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == protocol.PathPrefix+"/attachments":
		var req protocol.CreateAttachmentRequest
		json.NewDecoder(r.Body).Decode(&req)
		blob := bytes.Repeat([]byte(req.ID[:1]), int(req.Size))
		for i := 0; 16+i*sealedChunk < len(blob); i++ {
			blob[16+i*sealedChunk] = byte(i) // each chunk starts with its index
		}
		b.blobs[c.Sub][req.ID] = blob
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(protocol.AttachmentStatus{ID: req.ID, Size: req.Size, Offset: req.Size, Complete: true})
	case r.Method == http.MethodGet && b.blobs[c.Sub][id] != nil:
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b.blobs[c.Sub][id]))
	default:
		http.NotFound(w, r)
	}
}

type attRig struct {
	t     *testing.T
	store *blobStore
	proxy *Proxy
	hc    *http.Client
}

const (
	attX = "11111111-1111-4111-8111-111111111111"
	attY = "22222222-2222-4222-8222-222222222222"
	attZ = "33333333-3333-4333-8333-333333333333" // another user's
)

func newAttRig(t *testing.T) *attRig {
	t.Helper()
	st := &blobStore{blobs: map[string]map[string][]byte{}}
	srv := httptest.NewTLSServer(st)
	t.Cleanup(srv.Close)
	p, err := New(srv.URL, fingerprint(srv.Certificate().Raw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pinnedTLS(p.Fingerprint())}}
	t.Cleanup(hc.CloseIdleConnections)
	r := &attRig{t: t, store: st, proxy: p, hc: hc}
	size := int64(16 + 4*sealedChunk)
	for _, d := range []struct{ user, sid, id string }{{"u1", "s1", attX}, {"u1", "s1", attY}, {"u2", "s2", attZ}} {
		req, _ := json.Marshal(protocol.CreateAttachmentRequest{ID: d.id, Size: size})
		if st, _, err := r.get("POST", "/attachments", d.user, d.sid, "", bytes.NewReader(req)); err != nil || st != http.StatusCreated {
			t.Fatalf("declare %s: %d %v", d.id, st, err)
		}
	}
	return r
}

func (r *attRig) get(method, path, user, sid, rng string, body io.Reader) (int, []byte, error) {
	req, _ := http.NewRequest(method, r.proxy.URL()+protocol.PathPrefix+path, body)
	req.Header.Set("Authorization", token(user, sid))
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

func (r *attRig) blob(user, id string) []byte {
	r.store.mu.Lock()
	defer r.store.mu.Unlock()
	return r.store.blobs[user][id]
}

// TestAttachmentAttacks checks what each attachment attack serves, byte
// for byte, and that other attachments and routes pass unchanged.
func TestAttachmentAttacks(t *testing.T) {
	r := newAttRig(t)
	x, y, z := r.blob("u1", attX), r.blob("u1", attY), r.blob("u2", attZ)
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name   string
		attack Attack
		status int
		want   []byte
	}{
		{"honest", Attack{}, 200, x},
		{"drop", DropAttachment(attX), 404, nil},
		{"truncate", TruncateAttachment(attX), 200, x[:16+2*sealedChunk]},
		{"reorder", ReorderChunks(attX), 200, join(x[:16], chunk(x, 1), chunk(x, 0), x[16+2*sealedChunk:])},
		{"splice", SpliceChunk(attX, attY), 200, join(x[:16+sealedChunk], chunk(y, 1), x[16+2*sealedChunk:])},
		{"swap", SwapAttachment(attX, attY), 200, y},
		{"roll back", RollbackAttachment(attX, attY), 200, y},
		{"foreign", ForeignAttachment(attX), 200, z},
		{"other id untouched", TruncateAttachment(attY), 200, x},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.proxy.Script(tt.attack)
			defer r.proxy.Script()
			st, got, err := r.get("GET", "/attachments/"+attX, "u1", "s1", "", nil)
			if err != nil || st != tt.status {
				t.Fatalf("GET under %s = %d, %v; want %d", tt.attack, st, err, tt.status)
			}
			if tt.want != nil && !bytes.Equal(got, tt.want) {
				t.Errorf("GET under %s = %d bytes, not the %d expected", tt.attack, len(got), len(tt.want))
			}
		})
	}
}

// TestCutAttachment: the cut drops the connection after the given bytes
// for the given number of answers, ranged ones too, and the proxy records
// each download with its Range.
func TestCutAttachment(t *testing.T) {
	r := newAttRig(t)
	x := r.blob("u1", attX)
	r.proxy.Script(CutAttachment(attX, 1000, 2))
	if _, got, err := r.get("GET", "/attachments/"+attX, "u1", "s1", "", nil); err == nil {
		t.Fatalf("a cut answer read whole (%d bytes)", len(got))
	}
	if _, _, err := r.get("GET", "/attachments/"+attX, "u1", "s1", "bytes=500-", nil); err == nil {
		t.Fatal("the second (ranged) answer was not cut")
	}
	st, got, err := r.get("GET", "/attachments/"+attX, "u1", "s1", "bytes=500-", nil)
	if err != nil || st != http.StatusPartialContent || !bytes.Equal(got, x[500:]) {
		t.Fatalf("third answer = %d, %d bytes, %v; want 206 with the rest", st, len(got), err)
	}
	want := []AttachmentRequest{
		{User: "u1", ID: attX, Status: 200, Sent: 1000},
		{User: "u1", ID: attX, Range: "bytes=500-", Status: 206, Sent: 1000},
		{User: "u1", ID: attX, Range: "bytes=500-", Status: 206, Sent: len(x) - 500},
	}
	if got := r.proxy.AttachmentRequests(); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("AttachmentRequests() = %+v, want %+v", got, want)
	}
}
