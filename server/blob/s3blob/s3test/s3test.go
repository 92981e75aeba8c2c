// Package s3test runs a real S3-compatible server for tests: SeaweedFS
// (`weed server -s3`), a complete object store that implements the S3 API
// itself, is built from the Go module proxy (`make setup` does it, see
// the Makefile's weed target) and needs neither Docker nor network. It
// listens on loopback only, keeps its data in a temporary folder and dies
// with the test process.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"cipherleaf.dev/server/blob/s3blob"
	"cipherleaf.dev/shared/childproc"
)

// EnvWeed names the weed binary; else weed is looked up in PATH and in
// $(go env GOPATH)/bin.
const EnvWeed = "CIPHERLEAF_WEED"

// Server is one running SeaweedFS with its S3 gateway.
type Server struct {
	dir       string
	cmd       *exec.Cmd
	done      chan struct{}
	log       *syncBuffer
	endpoint  string
	accessKey string
	secretKey string
	n         int
	mu        sync.Mutex
	// grpcSockets are the Unix sockets weed makes in /tmp whatever its flags.
	grpcSockets []string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 4000 {
		return "…" + s.b.String()[s.b.Len()-4000:]
	}
	return s.b.String()
}

func weedBinary() (string, error) {
	if p := os.Getenv(EnvWeed); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("weed"); err == nil {
		return p, nil
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(string(bytes.TrimSpace(out)), "bin", "weed")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no SeaweedFS weed binary (set " + EnvWeed + ", or run `make weed` (make test does), which builds it into $(go env GOPATH)/bin)")
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Start starts a server; any failure is an error (tests fail, not skip).
func Start() (*Server, error) {
	bin, err := weedBinary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cipherleaf-s3-")
	if err != nil {
		return nil, err
	}
	key := make([]byte, 16)
	rand.Read(key)
	s := &Server{dir: dir, done: make(chan struct{}), log: &syncBuffer{},
		accessKey: "cipherleaf-test", secretKey: hex.EncodeToString(key)}
	conf, _ := json.Marshal(map[string]any{"identities": []any{map[string]any{
		"name":        "cipherleaf",
		"credentials": []any{map[string]string{"accessKey": s.accessKey, "secretKey": s.secretKey}},
		"actions":     []string{"Admin", "Read", "Write", "List", "Tagging"},
	}}})
	confPath := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(confPath, conf, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	p, err := freePorts(8)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	itoa := strconv.Itoa
	s.endpoint = "127.0.0.1:" + itoa(p[6])
	// Logs go to our stderr buffer and the local sockets into dir; the
	// gRPC sockets weed always makes under /tmp are removed by Stop.
	s.grpcSockets = []string{
		fmt.Sprintf("/tmp/seaweedfs-master-grpc-%d.sock", p[1]), fmt.Sprintf("/tmp/seaweedfs-volume-grpc-%d.sock", p[3]),
		fmt.Sprintf("/tmp/seaweedfs-filer-grpc-%d.sock", p[5]), fmt.Sprintf("/tmp/seaweedfs-s3-grpc-%d.sock", p[7]),
	}
	s.cmd = exec.Command(bin, "-logtostderr", "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir="+data,
		"-master.port="+itoa(p[0]), "-master.port.grpc="+itoa(p[1]), "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
		"-volume.port="+itoa(p[2]), "-volume.port.grpc="+itoa(p[3]), "-volume.max=16",
		"-filer", "-filer.port="+itoa(p[4]), "-filer.port.grpc="+itoa(p[5]),
		"-s3", "-s3.port="+itoa(p[6]), "-s3.port.grpc="+itoa(p[7]), "-s3.port.iceberg=0", "-s3.port.lance=0",
		"-s3.config="+confPath, "-filer.localSocket="+filepath.Join(dir, "filer.sock"), "-s3.localSocket="+filepath.Join(dir, "s3.sock"))
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	childproc.DieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start weed: %w", err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	if err := s.waitReady(90 * time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) client() (*minio.Client, error) {
	return minio.New(s.endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.accessKey, s.secretKey, "")})
}

// waitReady polls until a bucket can be created and listed.
func (s *Server) waitReady(d time.Duration) error {
	c, err := s.client()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(d)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = c.MakeBucket(ctx, testBucket, minio.MakeBucketOptions{})
		if err == nil || minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" {
			_, err = c.BucketExists(ctx, testBucket)
		}
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("weed S3 not ready within %v: %w\n%s", d, err, s.log)
		}
		select {
		case <-s.done:
			return fmt.Errorf("weed exited at start: %v\n%s", s.cmd.ProcessState, s.log)
		case <-tick.C:
		}
	}
}

// testBucket is the one bucket every test store lives in, each under a
// prefix of its own: SeaweedFS gives each bucket its own volumes (seven
// at its first write), so a bucket per test would run out of volume slots.
const testBucket = "cipherleaf-ready"

// NewBucket returns a Config for a fresh, empty part of the test bucket
// (a prefix of its own), credentials included.
func (s *Server) NewBucket(ctx context.Context) (s3blob.Config, error) {
	s.mu.Lock()
	s.n++
	prefix := fmt.Sprintf("t%d/", s.n)
	s.mu.Unlock()
	return s3blob.Config{Endpoint: s.endpoint, Bucket: testBucket, Prefix: prefix, AccessKey: s.accessKey, SecretKey: s.secretKey}, nil
}

// URL is the --blobs address of cfg (credentials go in the environment).
func (s *Server) URL(cfg s3blob.Config) string {
	return "s3://" + cfg.Bucket + "/" + strings.TrimSuffix(cfg.Prefix, "/") + "?endpoint=" + s.endpoint + "&insecure=1"
}

// Credentials are the access and secret key of the test identity.
func (s *Server) Credentials() (access, secret string) { return s.accessKey, s.secretKey }

// Stop kills the server and removes its folder.
func (s *Server) Stop() error {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	}
	for _, p := range s.grpcSockets {
		os.Remove(p)
	}
	return os.RemoveAll(s.dir)
}

// Main is a TestMain body: it starts a server into *s, runs the tests
// and stops it. A server that cannot start fails the package loudly.
func Main(m interface{ Run() int }, s **Server) int {
	srv, err := Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: cannot run the S3 tests: %v\n", err)
		return 1
	}
	*s = srv
	code := m.Run()
	if err := srv.Stop(); err != nil && code == 0 {
		fmt.Fprintf(os.Stderr, "stop weed: %v\n", err)
		code = 1
	}
	return code
}
