package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/server/store/postgres/pgtest"
	"cipherleaf.dev/shared/protocol"
)

// The PostgreSQL cluster of this package's tests, started by the first
// test that needs it and stopped by TestMain.
var pg struct {
	once sync.Once
	c    *pgtest.Cluster
	err  error
}

// pgDatabase returns the address of a fresh database; the test fails
// (never skips) if PostgreSQL cannot run here.
func pgDatabase(t *testing.T) string {
	t.Helper()
	pg.once.Do(func() { pg.c, pg.err = pgtest.Start(pgtest.Config{}) })
	if pg.err != nil {
		t.Fatalf("PostgreSQL for this test: %v", pg.err)
	}
	dsn, err := pg.c.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

func stopPostgres() error {
	if pg.c == nil {
		return nil
	}
	return pg.c.Stop()
}

// replicaData copies the certificate of a first replica's data folder, as
// an operator starts further replicas (server/README.md, Scaling out);
// the secret comes by --secret-file.
func replicaData(t *testing.T, from string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "replica")
	if err := os.Mkdir(to, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"tls-cert.pem", "tls-key.pem"} {
		b, err := os.ReadFile(filepath.Join(from, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// TestE2EPostgresReplicas: two cipherleafd processes on one PostgreSQL
// database serve the same accounts: a session from one works on the
// other, a note CAS conflict is caught across them, a refresh token spent
// on one and replayed on the other revokes the session, and a disabled
// account is refused by both at once.
func TestE2EPostgresReplicas(t *testing.T) {
	dsn := pgDatabase(t)
	dataA := filepath.Join(t.TempDir(), "data")
	a := start(t, dataA, "--db", dsn)
	if _, err := os.Stat(filepath.Join(dataA, "cipherleaf.db")); err == nil {
		t.Errorf("--db still created a SQLite database in the data folder")
	}
	b := startEnv(t, []string{"CIPHERLEAF_DB=" + dsn}, replicaData(t, dataA), "--secret-file", filepath.Join(dataA, "secret.key"))
	if a.fingerprint != b.fingerprint {
		t.Fatalf("replicas present different certificates: %s, %s", a.fingerprint, b.fingerprint)
	}
	lr := a.register("alice")

	var wr protocol.WriteResponse
	if st, body := b.call("PUT", "/api/v1/notes/"+noteID(1), lr.AccessToken, protocol.PutNoteRequest{BaseRev: 0, Blob: []byte("from b")}, &wr); st != 200 || wr.Rev != 1 {
		t.Fatalf("put on replica b with a session of replica a = %d %s", st, body)
	}
	if st, body := a.call("PUT", "/api/v1/notes/"+noteID(1), lr.AccessToken, protocol.PutNoteRequest{BaseRev: 0, Blob: []byte("from a")}, nil); st != 409 {
		t.Errorf("stale put on replica a = %d %s, want 409", st, body)
	}
	if ch := a.allChanges(lr.AccessToken); len(ch) != 1 || string(ch[0].Blob) != "from b" {
		t.Errorf("replica a sees %+v, want replica b's write", ch)
	}

	// Live push across replicas: a stream on b is poked by a write on a.
	pokes := b.stream(t, lr.AccessToken, "1")
	if st, body := a.call("PUT", "/api/v1/notes/"+noteID(2), lr.AccessToken, protocol.PutNoteRequest{BaseRev: 0, Blob: []byte("x")}, nil); st != 200 {
		t.Fatalf("put on a = %d %s", st, body)
	}
	select {
	case id := <-pokes:
		if id != "2" {
			t.Errorf("poke on b after a write on a = id %s, want 2", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no poke on replica b within 10 s of a write on replica a")
	}

	var r1 protocol.LoginResponse
	if st, body := a.call("POST", "/api/v1/auth/refresh", "", protocol.RefreshRequest{RefreshToken: lr.RefreshToken}, &r1); st != 200 {
		t.Fatalf("refresh on a = %d %s", st, body)
	}
	if st, _ := b.call("POST", "/api/v1/auth/refresh", "", protocol.RefreshRequest{RefreshToken: lr.RefreshToken}, nil); st != 401 {
		t.Errorf("replaying the spent refresh token on b = %d, want 401", st)
	}
	if st, _ := a.call("POST", "/api/v1/auth/refresh", "", protocol.RefreshRequest{RefreshToken: r1.RefreshToken}, nil); st != 401 {
		t.Errorf("the rotated token after reuse was caught on b = %d, want 401 (session revoked)", st)
	}
	if st, _ := a.call("GET", "/api/v1/notes?since=0", r1.AccessToken, nil, nil); st != 401 {
		t.Errorf("access token of the revoked session on a = %d, want 401", st)
	}

	lb := b.register("bob")
	out, err := exec.Command(binary, "user", "disable", "bob", "--db", dsn).CombinedOutput()
	if err != nil {
		t.Fatalf("user disable --db: %v\n%s", err, out)
	}
	for name, d := range map[string]*daemon{"a": a, "b": b} {
		if st, _ := d.call("GET", "/api/v1/notes?since=0", lb.AccessToken, nil, nil); st != 401 {
			t.Errorf("disabled account on replica %s = %d, want 401", name, st)
		}
	}
}

// TestE2EMigrateDB moves a SQLite server to PostgreSQL: the accounts,
// notes, tombstones and sessions served afterwards are the same, and a
// second run refuses the now non-empty database.
func TestE2EMigrateDB(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	d := start(t, data)
	lr := d.register("alice")
	for i := range 5 {
		if st, b := d.call("PUT", "/api/v1/notes/"+noteID(i), lr.AccessToken, protocol.PutNoteRequest{BaseRev: 0, Blob: repeat(byte(i), 50)}, nil); st != 200 {
			t.Fatalf("put = %d %s", st, b)
		}
	}
	if st, b := d.call("DELETE", "/api/v1/notes/"+noteID(2)+"?base_rev=1", lr.AccessToken, nil, nil); st != 200 {
		t.Fatalf("delete = %d %s", st, b)
	}
	before := d.allChanges(lr.AccessToken)
	d.stop()

	dsn := pgDatabase(t)
	out, err := exec.Command(binary, "migrate-db", "--from", "sqlite:"+data, "--to", dsn).CombinedOutput()
	if err != nil {
		t.Fatalf("migrate-db: %v\n%s", err, out)
	}
	for _, want := range []string{"notes  ", "verified"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("migrate-db output lacks %q:\n%s", want, out)
		}
	}
	p := start(t, data, "--db", dsn)
	if got := p.allChanges(lr.AccessToken); !reflect.DeepEqual(got, before) {
		t.Errorf("changes on PostgreSQL = %+v\nwant %+v", got, before)
	}
	var r protocol.LoginResponse
	if st, b := p.call("POST", "/api/v1/auth/refresh", "", protocol.RefreshRequest{RefreshToken: lr.RefreshToken}, &r); st != 200 {
		t.Errorf("refresh with the SQLite server's token = %d %s", st, b)
	}

	out, err = exec.Command(binary, "migrate-db", "--from", "sqlite:"+data, "--to", dsn).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not empty") {
		t.Errorf("second migrate-db = %v\n%s; want a refusal of the non-empty target", err, out)
	}
}

// stream opens GET /events and returns the ids of the pokes it sends.
func (d *daemon) stream(t *testing.T, token, lastID string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", d.base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Last-Event-ID", lastID)
	resp, err := d.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET /events = %d", resp.StatusCode)
	}
	t.Cleanup(func() { resp.Body.Close() })
	out := make(chan string, 16)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
				out <- id
			}
		}
	}()
	return out
}
