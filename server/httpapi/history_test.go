package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"cipherleaf.dev/server/store/sqlite"
	"cipherleaf.dev/shared/protocol"
)

func TestRevisionRoutes(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hist.sqlite"), sqlite.Options{HistoryRevisions: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	en := newEnv(t, func(c *Config) { c.Store = st })
	tok := en.register("histo").AccessToken
	other := en.register("other").AccessToken
	id := noteID(7)
	path := "/api/v1/notes/" + id
	for rev := 1; rev <= 4; rev++ {
		r := en.do("PUT", path, tok, protocol.PutNoteRequest{BaseRev: uint64(rev - 1), Blob: bytes.Repeat([]byte{byte(rev)}, 512*rev)})
		if r.status != http.StatusOK {
			t.Fatalf("PUT rev %d = %d %s", rev, r.status, r.body)
		}
	}
	var list protocol.RevisionsResponse
	r := en.do("GET", path+"/revisions", tok, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET revisions = %d %s", r.status, r.body)
	}
	r.into(t, &list)
	if got := fmt.Sprint(list.More, len(list.Revisions)); got != "false 3" {
		t.Fatalf("revisions = %+v, want current + 2 past", list)
	}
	for i, ri := range list.Revisions {
		if want := uint64(4 - i); ri.Rev != want || ri.Size != int64(512*want) || ri.Time.IsZero() {
			t.Errorf("revision %d = %+v, want rev %d size %d", i, ri, want, 512*want)
		}
	}
	r = en.do("GET", path+"/revisions?before=4&limit=1", tok, nil)
	r.into(t, &list)
	if len(list.Revisions) != 1 || list.Revisions[0].Rev != 3 || !list.More {
		t.Errorf("revisions before 4 limit 1 = %+v", list)
	}
	var one protocol.RevisionResponse
	r = en.do("GET", path+"/revisions/3", tok, nil)
	r.into(t, &one)
	if r.status != http.StatusOK || one.ID != id || one.Rev != 3 || !bytes.Equal(one.Blob, bytes.Repeat([]byte{3}, 1536)) {
		t.Errorf("GET revision 3 = %d, %s rev %d, %d bytes", r.status, one.ID, one.Rev, len(one.Blob))
	}
	tests := []struct {
		name, path, token string
		status            int
		code              string
	}{
		{"trimmed revision", path + "/revisions/1", tok, http.StatusNotFound, "not_found"},
		{"another user's revision", path + "/revisions/4", other, http.StatusNotFound, "not_found"},
		{"bad rev", path + "/revisions/x", tok, http.StatusBadRequest, "bad_request"},
		{"rev 0", path + "/revisions/0", tok, http.StatusBadRequest, "bad_request"},
		{"bad id", "/api/v1/notes/NOPE/revisions", tok, http.StatusBadRequest, "bad_request"},
		{"no token", path + "/revisions", "", http.StatusUnauthorized, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := en.do("GET", tt.path, tt.token, nil)
			if r.status != tt.status || r.errCode() != tt.code {
				t.Errorf("GET %s = %d %s, want %d %s", tt.path, r.status, r.body, tt.status, tt.code)
			}
		})
	}
	r = en.do("GET", path+"/revisions", other, nil)
	r.into(t, &list)
	if r.status != http.StatusOK || len(list.Revisions) != 0 || list.Revisions == nil {
		t.Errorf("another user's list = %d %s, want an empty list", r.status, r.body)
	}
}
