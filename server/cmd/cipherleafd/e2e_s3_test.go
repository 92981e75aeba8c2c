package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"cipherleaf.dev/server/blob/s3blob/s3test"
	"cipherleaf.dev/shared/protocol"
)

// The S3 server of this package's tests, started by the first test that
// needs it and stopped by TestMain.
var s3 struct {
	once sync.Once
	s    *s3test.Server
	err  error
}

// s3Bucket returns the --blobs address of a fresh bucket and the
// environment with its credentials; the test fails (never skips) if the
// S3 server cannot run here.
func s3Bucket(t *testing.T) (string, []string) {
	t.Helper()
	s3.once.Do(func() { s3.s, s3.err = s3test.Start() })
	if s3.err != nil {
		t.Fatalf("S3 server for this test: %v", s3.err)
	}
	cfg, err := s3.s.NewBucket(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ak, sk := s3.s.Credentials()
	return s3.s.URL(cfg), []string{"AWS_ACCESS_KEY_ID=" + ak, "AWS_SECRET_ACCESS_KEY=" + sk}
}

func stopS3() error {
	if s3.s == nil {
		return nil
	}
	return s3.s.Stop()
}

// TestE2EReplicasS3Attachments: two replicas on one PostgreSQL and one S3
// bucket: an upload begun on one replica is resumed and completed on the
// other, both serve the same bytes, and the data folders hold none.
func TestE2EReplicasS3Attachments(t *testing.T) {
	dsn := pgDatabase(t)
	blobs, creds := s3Bucket(t)
	dataA := filepath.Join(t.TempDir(), "data")
	env := append([]string{"CIPHERLEAF_DB=" + dsn, "CIPHERLEAF_BLOBS=" + blobs}, creds...)
	a := startEnv(t, env, dataA)
	b := startEnv(t, env, replicaData(t, dataA), "--secret-file", filepath.Join(dataA, "secret.key"))
	lr := a.register("alice")

	blob := make([]byte, protocol.AttachmentBlobSize(300_000))
	rand.Read(blob)
	id := noteID(1)
	if st, body := a.call("POST", "/api/v1/attachments", lr.AccessToken, protocol.CreateAttachmentRequest{ID: id, Size: int64(len(blob))}, nil); st != 201 {
		t.Fatalf("declare on a = %d %s", st, body)
	}
	half := len(blob) / 2
	patch := func(d *daemon, off int, part []byte) protocol.AttachmentStatus {
		req, _ := http.NewRequest("PATCH", d.base+"/api/v1/attachments/"+id, bytes.NewReader(part))
		req.Header.Set("Authorization", "Bearer "+lr.AccessToken)
		req.Header.Set(protocol.HeaderUploadOffset, strconv.Itoa(off))
		resp, err := d.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var s protocol.AttachmentStatus
		if resp.StatusCode != 200 || jsonBody(resp, &s) != nil {
			t.Fatalf("PATCH at %d = %d", off, resp.StatusCode)
		}
		return s
	}
	if s := patch(a, 0, blob[:half]); s.Complete || s.Offset != int64(half) {
		t.Fatalf("first half on a: %+v", s)
	}
	if s := patch(b, half, blob[half:]); !s.Complete {
		t.Fatalf("second half on b: %+v, want complete", s)
	}
	for name, d := range map[string]*daemon{"a": a, "b": b} {
		if st, got := d.download(lr.AccessToken, id); st != 200 || !bytes.Equal(got, blob) {
			t.Errorf("download on %s: %d, %d bytes, identical %v", name, st, len(got), bytes.Equal(got, blob))
		}
	}
	for _, dir := range []string{dataA, b.data} {
		entries, _ := os.ReadDir(filepath.Join(dir, "attachments"))
		for _, e := range entries {
			if e.Name() != "partial" {
				t.Errorf("attachment bytes in %s: %s (want them in the bucket only)", dir, e.Name())
			}
		}
	}
}

func jsonBody(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

// TestE2EMigrateDBWithBlobs moves a SQLite server with attachments to
// PostgreSQL and a bucket: the blobs are copied and verified, and the
// moved server serves them byte for byte.
func TestE2EMigrateDBWithBlobs(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	d := start(t, data)
	lr := d.register("alice")
	want := map[string][]byte{}
	for i := range 3 {
		b := make([]byte, protocol.AttachmentBlobSize(int64(40000*(i+1))))
		rand.Read(b)
		want[noteID(i)] = b
		d.upload(lr.AccessToken, noteID(i), b)
	}
	d.stop()

	dsn := pgDatabase(t)
	blobs, creds := s3Bucket(t)
	cmd := exec.Command(binary, "migrate-db", "--from", "sqlite:"+data, "--to", dsn, "--blobs", blobs)
	cmd.Env = append(os.Environ(), creds...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "attachments: 3 blobs") {
		t.Fatalf("migrate-db --blobs: %v\n%s", err, out)
	}
	if err := os.RemoveAll(filepath.Join(data, "attachments")); err != nil { // served from the bucket now
		t.Fatal(err)
	}
	p := startEnv(t, append([]string{"CIPHERLEAF_DB=" + dsn, "CIPHERLEAF_BLOBS=" + blobs}, creds...), data)
	for id, b := range want {
		if st, got := p.download(lr.AccessToken, id); st != 200 || !bytes.Equal(got, b) {
			t.Errorf("attachment %s after the move: %d, %d bytes, identical %v", id, st, len(got), bytes.Equal(got, b))
		}
	}
}
