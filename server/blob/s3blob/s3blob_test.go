package s3blob_test

import (
	"context"
	"os"
	"testing"

	"cipherleaf.dev/server/blob/blobtest"
	"cipherleaf.dev/server/blob/s3blob"
	"cipherleaf.dev/server/blob/s3blob/s3test"
)

var server *s3test.Server

func TestMain(m *testing.M) { os.Exit(s3test.Main(m, &server)) }

// TestStore runs the blob.Store suite against a real S3 server.
func TestStore(t *testing.T) {
	ctx := context.Background()
	cfg, err := server.NewBucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SpoolDir = t.TempDir()
	s, err := s3blob.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Run(t, s)
	if _, err := s3blob.New(ctx, s3blob.Config{Endpoint: cfg.Endpoint, Bucket: "no-such-bucket", AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey}); err == nil {
		t.Errorf("s3blob.New(missing bucket) = nil error")
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in      string
		want    s3blob.Config
		wantErr bool
	}{
		{"s3://b?endpoint=h:9000", s3blob.Config{Endpoint: "h:9000", Bucket: "b", Secure: true}, false},
		{"s3://b/some/prefix/?endpoint=h:9000&region=eu-1&insecure=1", s3blob.Config{Endpoint: "h:9000", Bucket: "b", Prefix: "some/prefix/", Region: "eu-1"}, false},
		{"s3://b", s3blob.Config{}, true},
		{"http://b?endpoint=h", s3blob.Config{}, true},
		{"s3://key:secret@b?endpoint=h", s3blob.Config{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := s3blob.ParseURL(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("s3blob.ParseURL(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"s3://b?endpoint=h:9000", "s3://b/p?endpoint=h&insecure=1", "s3://", "s3://k:s@b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := s3blob.ParseURL(s)
		if err == nil && (c.Bucket == "" || c.Endpoint == "") {
			t.Errorf("s3blob.ParseURL(%q) = %+v without bucket or endpoint", s, c)
		}
	})
}
