package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/blob/fsblob"
	"cipherleaf.dev/shared/protocol"
)

// raw sends a request with a raw body and extra headers.
func (en *env) raw(method, path, token string, body io.Reader, hdr map[string]string) resp {
	en.t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	req.RemoteAddr = "192.0.2.1:1234"
	rec := httptest.NewRecorder()
	en.e.ServeHTTP(rec, req)
	return resp{status: rec.Code, body: rec.Body.Bytes(), header: rec.Header()}
}

func (en *env) patch(token, id string, off int64, body []byte) resp {
	return en.raw("PATCH", "/api/v1/attachments/"+id, token, bytes.NewReader(body),
		map[string]string{protocol.HeaderUploadOffset: strconv.FormatInt(off, 10), "Content-Type": "application/octet-stream"})
}

// errReader fails after its data, like a client that disconnects.
type errReader struct{ r io.Reader }

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, errors.New("client went away")
	}
	return n, err
}

func attEnv(t testing.TB, mod func(*Config)) (*env, *fsblob.Store) {
	bs, err := fsblob.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	en := newEnv(t, func(c *Config) {
		c.Blobs = bs
		c.MaxAttachment = 1 << 20
		c.Quota = 4 << 20
		if mod != nil {
			mod(c)
		}
	})
	return en, bs
}

func TestAttachmentLifecycle(t *testing.T) {
	en, bs := attEnv(t, nil)
	alice := en.register("alice")
	tok := alice.AccessToken
	other := en.register("bob").AccessToken
	id := noteID(1)
	size := protocol.AttachmentBlobSize(200000) // 4 chunks
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 7)
	}
	var st protocol.AttachmentStatus

	r := en.do("POST", "/api/v1/attachments", tok, protocol.CreateAttachmentRequest{ID: id, Size: size})
	if r.status != http.StatusCreated {
		t.Fatalf("declare = %d %s", r.status, r.body)
	}
	r.into(t, &st)
	if st.Offset != 0 || st.Complete || st.Size != size {
		t.Fatalf("declare = %+v", st)
	}
	if r := en.do("GET", "/api/v1/attachments/"+id, tok, nil); r.status != http.StatusNotFound {
		t.Errorf("GET before complete = %d, want 404", r.status)
	}
	// An upload interrupted after 100000 bytes keeps them.
	_ = en.raw("PATCH", "/api/v1/attachments/"+id, tok, errReader{bytes.NewReader(data[:100000])},
		map[string]string{protocol.HeaderUploadOffset: "0"})
	r = en.do("POST", "/api/v1/attachments", tok, protocol.CreateAttachmentRequest{ID: id, Size: size})
	r.into(t, &st)
	if r.status != http.StatusOK || st.Offset != 100000 {
		t.Fatalf("declare again after an interrupted upload = %d %+v, want 200 offset 100000", r.status, st)
	}
	if r := en.patch(tok, id, 0, data); r.status != http.StatusConflict {
		t.Errorf("PATCH at a stale offset = %d %s, want 409", r.status, r.body)
	}
	if r := en.patch(tok, id, 100000, append(bytes.Clone(data[100000:]), 1)); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("PATCH past the declared size = %d, want 413", r.status)
	}
	if r := en.patch(other, id, 100000, data[100000:]); r.status != http.StatusNotFound {
		t.Errorf("PATCH by another user = %d, want 404", r.status)
	}
	r = en.patch(tok, id, 100000, data[100000:])
	r.into(t, &st)
	if r.status != http.StatusOK || !st.Complete || st.Offset != size {
		t.Fatalf("final PATCH = %d %+v", r.status, st)
	}
	if r := en.patch(tok, id, 0, data); r.status != http.StatusConflict {
		t.Errorf("PATCH over a complete blob = %d, want 409 (write-once)", r.status)
	}
	if r := en.do("POST", "/api/v1/attachments", tok, protocol.CreateAttachmentRequest{ID: id, Size: protocol.AttachmentBlobSize(1)}); r.status != http.StatusConflict {
		t.Errorf("declare with another size = %d, want 409", r.status)
	}

	r = en.do("GET", "/api/v1/attachments/"+id, tok, nil)
	if r.status != http.StatusOK || !bytes.Equal(r.body, data) {
		t.Fatalf("GET = %d, %d bytes, equal %v", r.status, len(r.body), bytes.Equal(r.body, data))
	}
	r = en.raw("GET", "/api/v1/attachments/"+id, tok, nil, map[string]string{"Range": "bytes=1000-1999"})
	if r.status != http.StatusPartialContent || !bytes.Equal(r.body, data[1000:2000]) {
		t.Errorf("GET with Range = %d, %d bytes", r.status, len(r.body))
	}
	if r := en.do("GET", "/api/v1/attachments/"+id, other, nil); r.status != http.StatusNotFound {
		t.Errorf("GET by another user = %d, want 404", r.status)
	}

	// Released: still served for the grace period, then collected.
	if r := en.do("DELETE", "/api/v1/attachments/"+id, tok, nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE = %d", r.status)
	}
	if r := en.do("DELETE", "/api/v1/attachments/"+noteID(99), tok, nil); r.status != http.StatusNoContent {
		t.Errorf("DELETE unknown = %d, want 204", r.status)
	}
	ctx := context.Background()
	n, err := CollectAttachments(ctx, en.store, bs, en.clock.now().Add(time.Hour), 2*time.Hour)
	if err != nil || n != 0 {
		t.Fatalf("collect within the grace period = %d, %v, want 0", n, err)
	}
	if r := en.do("GET", "/api/v1/attachments/"+id, tok, nil); r.status != http.StatusOK {
		t.Errorf("GET of a released blob in its grace period = %d, want 200", r.status)
	}
	n, err = CollectAttachments(ctx, en.store, bs, en.clock.now().Add(3*time.Hour), 2*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("collect after the grace period = %d, %v, want 1", n, err)
	}
	if r := en.do("GET", "/api/v1/attachments/"+id, tok, nil); r.status != http.StatusNotFound {
		t.Errorf("GET after collection = %d, want 404", r.status)
	}
	if l, _, _ := bs.Stat(ctx, server.AttachmentBlobKey(alice.UserID, id)); l != 0 {
		t.Errorf("blob still holds %d bytes after collection", l)
	}
}

func TestAttachmentLimits(t *testing.T) {
	en, _ := attEnv(t, func(c *Config) { c.MaxAttachment = 1 << 20; c.Quota = 3 << 20 })
	tok := en.register("alice").AccessToken
	tests := []struct {
		name   string
		size   int64
		status int
		code   string
	}{
		{"over --max-attachment", protocol.AttachmentBlobSize(1<<20 + 1), http.StatusRequestEntityTooLarge, protocol.CodeTooLarge},
		{"not a blob size", 1000, http.StatusBadRequest, protocol.CodeBadRequest},
		{"negative", -1, http.StatusBadRequest, protocol.CodeBadRequest},
		{"at the limit", protocol.AttachmentBlobSize(1 << 20), http.StatusCreated, ""},
		{"again at the limit", protocol.AttachmentBlobSize(1 << 20), http.StatusCreated, ""},
		{"over quota", protocol.AttachmentBlobSize(1 << 20), http.StatusRequestEntityTooLarge, protocol.CodeQuotaExceeded},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := en.do("POST", "/api/v1/attachments", tok, protocol.CreateAttachmentRequest{ID: noteID(i + 1), Size: tt.size})
			if r.status != tt.status || (tt.code != "" && r.errCode() != tt.code) {
				t.Errorf("declare %d = %d %s, want %d %s", tt.size, r.status, r.body, tt.status, tt.code)
			}
		})
	}
	// Declared bytes count against the quota for notes too.
	big := bytes.Repeat([]byte{1}, 60<<10)
	var last resp
	for i := 0; i < 20; i++ {
		last = en.do("PUT", "/api/v1/notes/"+noteID(100+i), tok, protocol.PutNoteRequest{Blob: big})
		if last.status != http.StatusOK {
			break
		}
	}
	if last.status != http.StatusRequestEntityTooLarge {
		t.Errorf("notes past the quota left by attachments: last status %d, want 413", last.status)
	}
}

// TestAttachmentsOfDeletedAccountCollected: a deleted account's blobs are
// collected at once, grace period or not.
func TestAttachmentsOfDeletedAccountCollected(t *testing.T) {
	en, bs := attEnv(t, nil)
	lr := en.register("leaver")
	id := noteID(1)
	blob := make([]byte, protocol.AttachmentBlobSize(10))
	if r := en.do("POST", "/api/v1/attachments", lr.AccessToken, protocol.CreateAttachmentRequest{ID: id, Size: int64(len(blob))}); r.status != http.StatusCreated {
		t.Fatalf("declare = %d", r.status)
	}
	if r := en.patch(lr.AccessToken, id, 0, blob); r.status != http.StatusOK {
		t.Fatalf("upload = %d", r.status)
	}
	ctx := context.Background()
	if err := en.store.DeleteUserByName(ctx, "leaver"); err != nil {
		t.Fatal(err)
	}
	n, err := CollectAttachments(ctx, en.store, bs, en.clock.now(), 24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("collect after account deletion = %d, %v, want 1", n, err)
	}
	if l, _, _ := bs.Stat(ctx, server.AttachmentBlobKey(lr.UserID, id)); l != 0 {
		t.Errorf("deleted account's blob still holds %d bytes", l)
	}
}

// FuzzAttachmentRequests: no declaration body or Upload-Offset makes the
// server fail (5xx) or accept a size that is not a blob size.
func FuzzAttachmentRequests(f *testing.F) {
	f.Add([]byte(`{"id":"00000000-0000-4000-8000-000000000001","size":544}`), "0", []byte("x"))
	f.Add([]byte(`{"id":"00000000-0000-4000-8000-000000000001","size":-1}`), "-5", []byte{})
	f.Add([]byte(`{"id":"X","size":1e99}`), "99999999999999999999", []byte("abc"))
	f.Add([]byte(`{"id":"00000000-0000-4000-8000-000000000001","size":131120,"x":1}`), "", []byte{})
	en, _ := attEnv(f, nil)
	tok := en.register("fuzzer").AccessToken
	f.Fuzz(func(t *testing.T, body []byte, offset string, part []byte) {
		en.t = t
		r := en.do("POST", "/api/v1/attachments", tok, body)
		if r.status >= 500 {
			t.Fatalf("declare %q = %d", body, r.status)
		}
		if r.status == http.StatusCreated || r.status == http.StatusOK {
			var st protocol.AttachmentStatus
			r.into(t, &st)
			if !protocol.ValidAttachmentBlobSize(st.Size, 1<<20) {
				t.Fatalf("declare %q accepted size %d", body, st.Size)
			}
			r = en.raw("PATCH", "/api/v1/attachments/"+st.ID, tok, bytes.NewReader(part), map[string]string{protocol.HeaderUploadOffset: offset})
			if r.status >= 500 {
				t.Fatalf("PATCH at %q = %d", offset, r.status)
			}
		}
	})
}
