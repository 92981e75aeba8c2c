package core_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/protocol"
)

// TestE2EHistory: five edits with syncs on one device show as history on
// the other; restoring revision 2 there makes a new revision seen on the first.
func TestE2EHistory(t *testing.T) {
	s := startServer(t)
	clk := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	a, b := namedDevice(t, clk, "Laptop"), namedDevice(t, clk, "Phone")
	realRegister(t, a, s, "historian", "pw")
	realLogin(t, b, s, "historian", "pw")
	ctx := context.Background()
	id := create(t, a, "diary", "v1")
	mustSync(t, a)
	for i := 2; i <= 5; i++ {
		n, _ := a.Get(id)
		n.Body = fmt.Sprintf("v%d", i)
		if err := a.Update(id, n); err != nil {
			t.Fatal(err)
		}
		mustSync(t, a)
	}
	mustSync(t, b)
	revs, err := b.History(ctx, id)
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	if len(revs) != 5 || revs[0].Rev != 5 || revs[4].Rev != 1 || revs[0].Size < 512 || revs[0].Time.IsZero() {
		t.Fatalf("History = %+v, want revisions 5..1", revs)
	}
	for _, r := range revs {
		n, err := b.RevisionNote(ctx, id, r.Rev)
		if want := fmt.Sprintf("v%d", r.Rev); err != nil || n.Body != want || n.Device != "Laptop" {
			t.Fatalf("RevisionNote(%d) = %v, %v, want body %s written by Laptop", r.Rev, n, err, want)
		}
	}
	if err := b.Restore(ctx, id, 2); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	mustSync(t, b)
	mustSync(t, a)
	if n, err := a.Get(id); err != nil || n.Body != "v2" {
		t.Fatalf("a after restore on b: %v, %v, want v2", n, err)
	}
	if revs, _ := a.History(ctx, id); len(revs) != 6 || revs[0].Rev != 6 {
		t.Errorf("History after restore = %+v, want 6 revisions", revs)
	}
	// The restore names the device that made it, inside the payload.
	if n, err := a.RevisionNote(ctx, id, 6); err != nil || n.Device != "Phone" || n.Body != "v2" {
		t.Errorf("RevisionNote(6) = %+v, %v, want v2 written by Phone", n, err)
	}

	// A history entry with a swapped blob (revision 3's served as 2) fails to open.
	p := swapProxy(t, s, id)
	c := realDevice(t, t.TempDir())
	if err := c.Login(ctx, core.LoginInput{ServerURL: p.URL, Pin: p.pin, Username: "historian", Password: []byte("pw")}); err != nil {
		t.Fatalf("Login via proxy: %v", err)
	}
	if n, err := c.RevisionNote(ctx, id, 2); !errors.Is(err, core.ErrTampered) {
		t.Errorf("RevisionNote(swapped) = %v, %v, want ErrTampered", n, err)
	}
	if n, err := c.RevisionNote(ctx, id, 4); err != nil || n.Body != "v4" {
		t.Errorf("RevisionNote(4) via the proxy = %v, %v, want v4", n, err)
	}
}

// swapProxy serves revision 3's blob of note id when revision 2 is asked for.
func swapProxy(t *testing.T, s *testserver.Server, id string) proxy {
	target, _ := url.Parse(s.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	asked := protocol.PathPrefix + "/notes/" + id + "/revisions/2"
	dir := rp.Director
	rp.Director = func(r *http.Request) {
		dir(r)
		if r.URL.Path == asked {
			r.URL.Path = strings.TrimSuffix(asked, "2") + "3"
		}
	}
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // test proxy: verified by pin below
		VerifyConnection: func(cs tls.ConnectionState) error {
			sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if "sha256:"+hex.EncodeToString(sum[:]) != s.Fingerprint {
				return errors.New("pin mismatch")
			}
			return nil
		}}}
	rp.ModifyResponse = func(r *http.Response) error {
		if !strings.HasSuffix(r.Request.URL.Path, "/revisions/3") || r.StatusCode != 200 {
			return nil
		}
		var rr protocol.RevisionResponse
		if err := json.NewDecoder(r.Body).Decode(&rr); err != nil {
			return err
		}
		r.Body.Close()
		rr.Rev = 2
		body, _ := json.Marshal(rr)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", fmt.Sprint(len(body)))
		return nil
	}
	ts := httptest.NewTLSServer(rp)
	t.Cleanup(ts.Close)
	sum := sha256.Sum256(ts.Certificate().Raw)
	return proxy{URL: ts.URL, pin: "sha256:" + hex.EncodeToString(sum[:])}
}
