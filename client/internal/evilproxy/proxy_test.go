package evilproxy

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// upstream is a small honest stand-in for cipherleafd: per-user feed,
// atomic batch with manifest CAS, GET /manifest. Tokens are unsigned JWT
// shapes carrying sub and sid.
type upstream struct {
	mu    sync.Mutex
	users map[string]*userStore
	seen  []string // raw query of every GET /notes
}

type userStore struct {
	seq      uint64
	notes    map[string]protocol.Change
	manifest protocol.Manifest
}

func token(user, sid string) string {
	claims, _ := json.Marshal(map[string]string{"sub": user, "sid": sid})
	return "Bearer e30." + base64.RawURLEncoding.EncodeToString(claims) + ".sig"
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	defer u.mu.Unlock()
	auth := strings.Split(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), ".")
	raw, _ := base64.RawURLEncoding.DecodeString(auth[len(auth)/2])
	var c struct{ Sub string }
	json.Unmarshal(raw, &c)
	st := u.users[c.Sub]
	if st == nil {
		st = &userStore{notes: map[string]protocol.Change{}}
		u.users[c.Sub] = st
	}
	switch r.Method + " " + r.URL.Path {
	case "GET /api/v1/notes":
		u.seen = append(u.seen, r.URL.RawQuery)
		since, _ := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var cs []protocol.Change
		for _, c := range st.notes {
			if c.Seq > since {
				cs = append(cs, c)
			}
		}
		slices.SortFunc(cs, func(a, b protocol.Change) int { return cmp.Compare(a.Seq, b.Seq) })
		pg := protocol.ChangesResponse{Changes: cs, Next: since}
		if limit > 0 && len(cs) > limit {
			pg.Changes, pg.More = cs[:limit], true
		}
		for _, c := range pg.Changes {
			pg.Next = c.Seq
		}
		if !pg.More && st.manifest.Version > 0 {
			m := st.manifest
			pg.Manifest = &m
		}
		json.NewEncoder(w).Encode(pg)
	case "GET /api/v1/manifest":
		json.NewEncoder(w).Encode(st.manifest)
	case "POST /api/v1/notes/batch":
		var req protocol.BatchRequest
		json.NewDecoder(r.Body).Decode(&req)
		resp := protocol.BatchResponse{Applied: true}
		for _, op := range req.Ops {
			st.seq++
			c := protocol.Change{ID: op.ID, Rev: op.BaseRev + 1, Seq: st.seq, Blob: op.Blob, Deleted: op.Op == protocol.OpDelete}
			st.notes[op.ID] = c
			resp.Results = append(resp.Results, protocol.BatchResult{ID: op.ID, Status: protocol.StatusOK, Rev: c.Rev, Seq: c.Seq})
		}
		if req.Manifest != nil {
			st.manifest = protocol.Manifest{Version: req.Manifest.BaseVersion + 1, Blob: req.Manifest.Blob}
		}
		json.NewEncoder(w).Encode(resp)
	default:
		http.NotFound(w, r)
	}
}

const (
	noteA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	noteB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
	noteC = "cccccccc-cccc-4ccc-8ccc-cccccccccccc"
	noteD = "dddddddd-dddd-4ddd-8ddd-dddddddddddd"
)

type rig struct {
	t     *testing.T
	up    *upstream
	proxy *Proxy
	hc    *http.Client
}

func newRig(t *testing.T) *rig {
	t.Helper()
	up := &upstream{users: map[string]*userStore{}}
	srv := httptest.NewTLSServer(up)
	t.Cleanup(srv.Close)
	p, err := New(srv.URL, fingerprint(srv.Certificate().Raw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pinnedTLS(p.Fingerprint())}}
	t.Cleanup(hc.CloseIdleConnections)
	r := &rig{t: t, up: up, proxy: p, hc: hc}
	// Through the proxy, so it records: user u1 writes A twice, B, C then
	// deletes C; user u2 writes D. Manifest versions 1..3 for u1.
	r.batch("u1", "s1", 0, put(noteA, 0, "a1"), put(noteB, 0, "b1"), put(noteC, 0, "c1"))
	r.batch("u1", "s1", 1, put(noteA, 1, "a2"))
	r.batch("u1", "s1", 2, protocol.BatchOp{Op: protocol.OpDelete, ID: noteC, BaseRev: 1})
	r.batch("u2", "s9", 0, put(noteD, 0, "d1"))
	r.feed("u2", "s9", 0)
	return r
}

func put(id string, base uint64, blob string) protocol.BatchOp {
	return protocol.BatchOp{Op: protocol.OpPut, ID: id, BaseRev: base, Blob: []byte(blob)}
}

func (r *rig) do(method, path, user, sid string, body any) (int, []byte) {
	r.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, r.proxy.URL()+path, rd)
	req.Header.Set("Authorization", token(user, sid))
	resp, err := r.hc.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func (r *rig) batch(user, sid string, base uint64, ops ...protocol.BatchOp) protocol.BatchResponse {
	r.t.Helper()
	blob := fmt.Sprintf("manifest %s %d", user, base+1)
	_, out := r.do("POST", "/api/v1/notes/batch", user, sid, protocol.BatchRequest{Ops: ops, Manifest: &protocol.PutManifestRequest{BaseVersion: base, Blob: []byte(blob)}})
	var resp protocol.BatchResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		r.t.Fatalf("batch answer %q: %v", out, err)
	}
	return resp
}

func (r *rig) feedRaw(user, sid string, since uint64, limit int) (int, []byte) {
	return r.do("GET", fmt.Sprintf("/api/v1/notes?since=%d&limit=%d", since, limit), user, sid, nil)
}

func (r *rig) feed(user, sid string, since uint64) protocol.ChangesResponse {
	r.t.Helper()
	_, out := r.feedRaw(user, sid, since, 100)
	var pg protocol.ChangesResponse
	if err := json.Unmarshal(out, &pg); err != nil {
		r.t.Fatalf("feed %q: %v", out, err)
	}
	return pg
}

func change(pg protocol.ChangesResponse, id string) (protocol.Change, int) {
	n, found := 0, protocol.Change{}
	for _, c := range pg.Changes {
		if c.ID == id {
			n++
			found = c
		}
	}
	return found, n
}

func TestPassThrough(t *testing.T) {
	r := newRig(t)
	pg := r.feed("u1", "s1", 0)
	if len(pg.Changes) != 3 || pg.Manifest == nil || pg.Manifest.Version != 3 {
		t.Fatalf("honest feed = %+v", pg)
	}
	if got := r.proxy.Sessions(); len(got) != 2 || got[0] != (Session{ID: "s1", User: "u1"}) {
		t.Fatalf("Sessions() = %+v", got)
	}
	if got := len(r.proxy.Recorded()); got != 5 {
		t.Fatalf("Recorded() holds %d blobs, want 5 (a1 a2 b1 c1 d1)", got)
	}
}

func TestAttacksRewrite(t *testing.T) {
	tests := []struct {
		attack Attack
		check  func(pg protocol.ChangesResponse) bool
	}{
		{DropChange(noteB), func(pg protocol.ChangesResponse) bool {
			_, n := change(pg, noteB)
			return n == 0 && len(pg.Changes) == 2
		}},
		{OldRevision(noteA), func(pg protocol.ChangesResponse) bool {
			c, _ := change(pg, noteA)
			return c.Rev == 1 && string(c.Blob) == "a1"
		}},
		{SwapBlobs(noteA, noteB), func(pg protocol.ChangesResponse) bool {
			a, _ := change(pg, noteA)
			b, _ := change(pg, noteB)
			return string(a.Blob) == "b1" && string(b.Blob) == "a2" && a.Rev == 2
		}},
		{ForeignBlob(noteB), func(pg protocol.ChangesResponse) bool { c, _ := change(pg, noteB); return string(c.Blob) == "d1" }},
		{ReplayDeleted(noteC), func(pg protocol.ChangesResponse) bool {
			c, _ := change(pg, noteC)
			return !c.Deleted && c.Rev == 1 && string(c.Blob) == "c1"
		}},
		{ReuseID(noteB), func(pg protocol.ChangesResponse) bool {
			c, _ := change(pg, noteB)
			return c.Rev == 1 && string(c.Blob) != "b1"
		}},
		{DuplicateChange(noteA), func(pg protocol.ChangesResponse) bool { _, n := change(pg, noteA); return n == 2 }},
		{OldManifest(1), func(pg protocol.ChangesResponse) bool {
			return pg.Manifest != nil && pg.Manifest.Version == 1 && string(pg.Manifest.Blob) == "manifest u1 1"
		}},
		{HideManifest(), func(pg protocol.ChangesResponse) bool { return pg.Manifest == nil }},
		{WrongUser(), func(pg protocol.ChangesResponse) bool {
			_, n := change(pg, noteD)
			return n == 1 && len(pg.Changes) == 1
		}},
		{DropChange(noteB).For("s2"), func(pg protocol.ChangesResponse) bool { return len(pg.Changes) == 3 }},
	}
	for _, tt := range tests {
		t.Run(tt.attack.String(), func(t *testing.T) {
			r := newRig(t)
			r.proxy.Script(tt.attack)
			if pg := r.feed("u1", "s1", 0); !tt.check(pg) {
				t.Fatalf("feed under %q = %+v", tt.attack, pg)
			}
			r.proxy.Script()
			if pg := r.feed("u1", "s1", 0); len(pg.Changes) != 3 || pg.Manifest.Version != 3 {
				t.Fatalf("feed after Script() = %+v, want honest", pg)
			}
		})
	}
}

func TestTruncateAndStaleCursor(t *testing.T) {
	r := newRig(t)
	r.proxy.Script(Truncate())
	if _, out := r.feedRaw("u1", "s1", 0, 100); json.Valid(out) {
		t.Fatalf("truncated body %q is valid JSON", out)
	}
	r.proxy.Script(StaleCursor())
	if pg := r.feed("u1", "s1", 5); len(pg.Changes) != 3 || r.up.seen[len(r.up.seen)-1] != "limit=100&since=0" {
		t.Fatalf("stale cursor: %d changes, upstream query %q", len(pg.Changes), r.up.seen[len(r.up.seen)-1])
	}
}

func TestReorderPages(t *testing.T) {
	r := newRig(t)
	r.proxy.Script(ReorderPages())
	var first, second protocol.ChangesResponse
	_, out := r.feedRaw("u1", "s1", 0, 2)
	json.Unmarshal(out, &first)
	_, out = r.feedRaw("u1", "s1", first.Next, 2)
	json.Unmarshal(out, &second)
	if len(first.Changes) != 1 || first.Changes[0].Seq <= first.Next || len(second.Changes) != 2 || second.Changes[0].Seq > first.Next {
		t.Fatalf("reordered pages = %+v then %+v", first, second)
	}
}

func TestFork(t *testing.T) {
	r := newRig(t)
	r.feed("u1", "s2", 0) // the proxy learns device s2
	if err := r.proxy.Fork("s2"); err != nil {
		t.Fatal(err)
	}
	r.batch("u1", "s1", 3, put(noteB, 1, "b2")) // real server: version 4
	if pg := r.feed("u1", "s2", 0); pg.Manifest.Version != 3 {
		t.Fatalf("forked device sees manifest %d, want 3", pg.Manifest.Version)
	}
	if resp := r.batch("u1", "s2", 3, put(noteA, 2, "a3")); !resp.Applied {
		t.Fatalf("branch write = %+v, want applied", resp)
	}
	if resp := r.batch("u1", "s2", 3, put(noteA, 3, "a4")); resp.Applied || resp.Manifest.Version != 4 {
		t.Fatalf("stale branch write = %+v, want refused at version 4", resp)
	}
	real := r.feed("u1", "s1", 0)
	if c, _ := change(real, noteA); c.Rev != 2 || string(real.Manifest.Blob) != "manifest u1 4" {
		t.Fatalf("real server changed by a branch write: %+v", real)
	}
	if err := r.proxy.ShowBranch("s1", "s2"); err != nil {
		t.Fatal(err)
	}
	if pg := r.feed("u1", "s1", 0); pg.Manifest.Version != 4 || string(pg.Manifest.Blob) != "manifest u1 4" {
		t.Fatalf("s1 shown the branch: %+v", pg.Manifest)
	} else if c, _ := change(pg, noteA); c.Rev != 3 {
		t.Fatalf("s1 shown the branch: note A rev %d, want 3", c.Rev)
	}
	r.proxy.Unfork("s1")
	r.proxy.Unfork("s2")
	if pg := r.feed("u1", "s2", 0); pg.Manifest.Version != 4 {
		t.Fatalf("unforked device sees manifest %d", pg.Manifest.Version)
	}
}

func TestUpstreamPin(t *testing.T) {
	srv := httptest.NewTLSServer(&upstream{users: map[string]*userStore{}})
	defer srv.Close()
	p, err := New(srv.URL, "sha256:"+strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pinnedTLS(p.Fingerprint())}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Get(p.URL() + "/api/v1/manifest")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status with a wrong upstream pin = %d, want 502", resp.StatusCode)
	}
}
