package main

import (
	"bytes"
	"crypto/tls"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"cipherleaf.dev/shared/protocol"
)

func TestE2ERegisterWriteRead(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	d := start(t, data)
	for _, f := range []string{"", "secret.key", "tls-cert.pem", "tls-key.pem", "cipherleaf.db"} {
		fi, err := os.Stat(filepath.Join(data, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s mode %v: readable by others", f, fi.Mode().Perm())
		}
	}
	lr := d.register("alice")
	var wr protocol.WriteResponse
	if st, b := d.call("PUT", "/api/v1/notes/"+noteID(1), lr.AccessToken, protocol.PutNoteRequest{BaseRev: 0, Blob: []byte("sealed")}, &wr); st != 200 || wr.Rev != 1 || wr.Seq != 1 {
		t.Fatalf("put = %d %s", st, b)
	}
	ch := d.allChanges(lr.AccessToken)
	if len(ch) != 1 || string(ch[0].Blob) != "sealed" {
		t.Errorf("changes = %+v", ch)
	}
	var hr protocol.HealthResponse
	if st, _ := d.call("GET", "/healthz", "", nil, &hr); st != 200 || hr.Status != "ok" || !reflect.DeepEqual(hr.API, []int{1}) {
		t.Errorf("healthz = %d %+v", st, hr)
	}
	if st, _ := d.call("GET", "/metrics", "", nil, nil); st != 404 {
		t.Errorf("GET /metrics on the API address without --metrics-token = %d, want 404", st)
	}
	t.Run("fingerprint command", func(t *testing.T) {
		out, err := exec.Command(binary, "fingerprint", "--data", data).Output()
		if err != nil || strings.TrimSpace(string(out)) != "fingerprint: "+d.fingerprint {
			t.Errorf("fingerprint = %q, %v; want %s", out, err, d.fingerprint)
		}
	})
	t.Run("wrong pin refused", func(t *testing.T) {
		c := pinnedClient("sha256:" + strings.Repeat("00", 32))
		if _, err := c.Get(d.base + "/healthz"); err == nil {
			t.Errorf("client with another pin connected")
		}
	})
	t.Run("TLS 1.1 refused", func(t *testing.T) {
		c := pinnedClient(d.fingerprint)
		tr := c.Transport.(*http.Transport)
		tr.TLSClientConfig.MinVersion, tr.TLSClientConfig.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
		if _, err := c.Get(d.base + "/healthz"); err == nil {
			t.Errorf("TLS 1.1 handshake succeeded")
		}
	})
	t.Run("no secrets in logs", func(t *testing.T) {
		if !d.stderr.waitFor("event=register", 10*time.Second) {
			t.Errorf("no audit line for register in:\n%s", d.stderr)
		}
		logs := d.stderr.String()
		for _, s := range []string{lr.AccessToken, lr.RefreshToken, "c2VhbGVk", "sealed"} {
			if strings.Contains(logs, s) {
				t.Errorf("log contains a secret or blob %q", s)
			}
		}
	})
	d.stop()
	if !strings.Contains(d.stderr.String(), "shutting down") {
		t.Errorf("no shutdown log line")
	}
}

// TestE2EKillDurability writes, and kills the server with SIGKILL right
// after the last acknowledgement: every acknowledged write must be there.
func TestE2EKillDurability(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	d := start(t, data)
	lr := d.register("alice")
	const n = 200
	var batch protocol.BatchRequest
	for i := 0; i < n; i++ {
		batch.Ops = append(batch.Ops, protocol.BatchOp{Op: "put", ID: noteID(i), Blob: []byte(fmt.Sprintf("blob-%d", i))})
	}
	if st, b := d.call("POST", "/api/v1/notes/batch", lr.AccessToken, batch, nil); st != 200 {
		t.Fatalf("batch = %d %s", st, b)
	}
	var last protocol.WriteResponse
	if st, b := d.call("PUT", "/api/v1/notes/"+noteID(n), lr.AccessToken, protocol.PutNoteRequest{Blob: []byte("last")}, &last); st != 200 {
		t.Fatalf("put = %d %s", st, b)
	}
	d.kill() // SIGKILL, no shutdown
	d2 := start(t, data)
	var lr2 protocol.LoginResponse
	if st, b := d2.call("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "alice", AuthKey: repeat(1, 32)}, &lr2); st != 200 {
		t.Fatalf("login after restart = %d %s", st, b)
	}
	ch := d2.allChanges(lr2.AccessToken)
	if len(ch) != n+1 || ch[n].Seq != last.Seq || string(ch[n].Blob) != "last" {
		t.Errorf("after kill -9: %d changes (last %+v), want %d ending with seq %d", len(ch), ch[len(ch)-1], n+1, last.Seq)
	}
}

// TestE2EConcurrentWriters races writers on one note: for each revision
// exactly one wins and the others get 409 with the winner's state.
func TestE2EConcurrentWriters(t *testing.T) {
	d := start(t, filepath.Join(t.TempDir(), "data"))
	lr := d.register("alice")
	const writers, revs = 8, 10
	for rev := uint64(0); rev < revs; rev++ {
		var ok, conflict atomic.Int32
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, _ := d.call("PUT", "/api/v1/notes/"+noteID(1), lr.AccessToken,
					protocol.PutNoteRequest{BaseRev: rev, Blob: []byte(fmt.Sprintf("w%d", w))}, nil)
				switch st {
				case 200:
					ok.Add(1)
				case 409:
					conflict.Add(1)
				default:
					t.Errorf("put = %d", st)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 1 || conflict.Load() != writers-1 {
			t.Fatalf("revision %d: %d won, %d conflicted; want exactly 1 winner", rev+1, ok.Load(), conflict.Load())
		}
	}
	ch := d.allChanges(lr.AccessToken)
	if len(ch) != 1 || ch[0].Rev != revs || ch[0].Seq != revs {
		t.Errorf("final = %+v, want rev %d seq %d", ch, revs, revs)
	}
}

// TestE2EBackupRestore backs up a serving server (also while writes go on)
// and checks a server started on the copy answers exactly the same.
func TestE2EBackupRestore(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	d := start(t, data)
	lr := d.register("alice")
	var batch protocol.BatchRequest
	for i := 0; i < 300; i++ {
		batch.Ops = append(batch.Ops, protocol.BatchOp{Op: "put", ID: noteID(i), Blob: repeat(byte(i), 100+i)})
	}
	if st, b := d.call("POST", "/api/v1/notes/batch", lr.AccessToken, batch, nil); st != 200 {
		t.Fatalf("batch = %d %s", st, b)
	}
	d.call("DELETE", "/api/v1/notes/"+noteID(7)+"?base_rev=1", lr.AccessToken, nil, nil)
	d.call("PUT", "/api/v1/manifest", lr.AccessToken, protocol.PutManifestRequest{Blob: []byte("manifest")}, nil)

	// A backup while another client keeps writing must still be consistent.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1000; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			d.call("PUT", "/api/v1/notes/"+noteID(i), lr.AccessToken, protocol.PutNoteRequest{Blob: []byte("busy")}, nil)
		}
	}()
	busy := filepath.Join(t.TempDir(), "busy.db")
	if out, err := exec.Command(binary, "backup", "--data", data, "--out", busy).CombinedOutput(); err != nil {
		t.Fatalf("backup while writing: %v\n%s", err, out)
	}
	close(stop)
	wg.Wait()
	db, err := sql.Open("sqlite3", busy)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	db.QueryRow("PRAGMA integrity_check").Scan(&check)
	var maxSeq, userSeq int64
	db.QueryRow("SELECT max(seq) FROM notes").Scan(&maxSeq)
	db.QueryRow("SELECT seq FROM users").Scan(&userSeq)
	db.Close()
	if check != "ok" || maxSeq != userSeq {
		t.Errorf("backup under load: integrity %q, max note seq %d vs user seq %d", check, maxSeq, userSeq)
	}

	// Quiet backup: restoring it gives the identical state.
	want := d.allChanges(lr.AccessToken)
	var wantManifest protocol.Manifest
	d.call("GET", "/api/v1/manifest", lr.AccessToken, nil, &wantManifest)
	restored := filepath.Join(t.TempDir(), "restored")
	os.MkdirAll(restored, 0o700)
	if out, err := exec.Command(binary, "backup", "--data", data, "--out", filepath.Join(restored, "cipherleaf.db")).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	for _, f := range []string{"secret.key", "tls-cert.pem", "tls-key.pem"} {
		b, _ := os.ReadFile(filepath.Join(data, f))
		os.WriteFile(filepath.Join(restored, f), b, 0o600)
	}
	d2 := start(t, restored)
	if d2.fingerprint != d.fingerprint {
		t.Errorf("restored fingerprint %s != %s", d2.fingerprint, d.fingerprint)
	}
	// The same access token works: same secret, same session.
	got := d2.allChanges(lr.AccessToken)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("restored feed differs: %d changes vs %d", len(got), len(want))
	}
	var gotManifest protocol.Manifest
	d2.call("GET", "/api/v1/manifest", lr.AccessToken, nil, &gotManifest)
	if !reflect.DeepEqual(gotManifest, wantManifest) {
		t.Errorf("restored manifest %+v, want %+v", gotManifest, wantManifest)
	}
}

// TestE2EUserAdmin disables, enables and deletes accounts from the command
// line while the server runs; a disabled user's token stops working within
// a second.
func TestE2EUserAdmin(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	d := start(t, data)
	lr := d.register("alice")
	d.register("bob")
	admin := func(args ...string) string {
		out, err := exec.Command(binary, append([]string{"user"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("user %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := admin("list", "--data", data); !strings.Contains(out, "alice") || !strings.Contains(out, "bob") {
		t.Errorf("user list = %q", out)
	}
	if st, _ := d.call("GET", "/api/v1/sessions", lr.AccessToken, nil, nil); st != 200 { // now in the session cache
		t.Fatalf("token before disable = %d, want 200", st)
	}
	admin("disable", "alice", "--data", data)
	// Another process's revocation is seen within a second (the auth
	// epoch is read at most once a second): poll with a deadline.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(3 * time.Second)
	for st := 0; st != 401; {
		if st, _ = d.call("GET", "/api/v1/sessions", lr.AccessToken, nil, nil); st == 401 {
			break
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("token 3 s after disable = %d, want 401", st)
		}
	}
	login := protocol.LoginRequest{Username: "alice", AuthKey: repeat(1, 32)}
	if st, _ := d.call("POST", "/api/v1/auth/login", "", login, nil); st != 403 {
		t.Errorf("login after disable = %d, want 403", st)
	}
	admin("enable", "alice", "--data", data)
	if st, _ := d.call("POST", "/api/v1/auth/login", "", login, nil); st != 200 {
		t.Errorf("login after enable = %d, want 200", st)
	}
	admin("--data", data, "delete", "bob")
	if out := admin("list", "--data", data); strings.Contains(out, "bob") {
		t.Errorf("bob still listed after delete: %q", out)
	}
	if out, err := exec.Command(binary, "user", "delete", "nobody", "--data", data).CombinedOutput(); err == nil {
		t.Errorf("deleting an unknown user succeeded: %s", out)
	}
}

// TestE2EHugeBody streams a 2 GB body: the server must refuse it after the
// body limit, not read it all.
func TestE2EHugeBody(t *testing.T) {
	d := start(t, filepath.Join(t.TempDir(), "data"), "--max-body", "1MiB", "--max-blob", "512KiB")
	lr := d.register("alice")
	for _, chunked := range []bool{true, false} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			src := &countingReader{limit: 2 << 30}
			req, _ := http.NewRequest("POST", d.base+"/api/v1/notes/batch", src)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+lr.AccessToken)
			if !chunked {
				req.ContentLength = 2 << 30
			}
			start := time.Now()
			resp, err := d.client.Do(req)
			if err != nil {
				t.Fatalf("request: %v (read %d bytes)", err, src.n.Load())
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 413 || !bytes.Contains(b, []byte(`"code":"too_large"`)) {
				t.Errorf("huge body = %d %s, want 413 too_large", resp.StatusCode, b)
			}
			if n := src.n.Load(); n > 64<<20 {
				t.Errorf("client sent %d bytes before the refusal; want far less than 2 GB", n)
			}
			t.Logf("refused after %v, %d bytes sent", time.Since(start), src.n.Load())
		})
	}
}

// countingReader yields limit bytes of a batch whose blob never ends, and
// counts what was read.
type countingReader struct {
	limit int64
	n     atomic.Int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	left := r.limit - r.n.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	prefix := `{"ops":[{"op":"put","id":"00000000-0000-4000-8000-000000000001","blob":"`
	for i := range p {
		if off := r.n.Load() + int64(i); off < int64(len(prefix)) {
			p[i] = prefix[off]
		} else {
			p[i] = 'A'
		}
	}
	r.n.Add(int64(len(p)))
	return len(p), nil
}
