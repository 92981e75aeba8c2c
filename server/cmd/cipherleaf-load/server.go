package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cipherleaf.dev/shared/childproc"
)

// server is a cipherleafd process started for the measurement.
type server struct {
	cmd         *exec.Cmd
	base        string
	fingerprint string
}

// startServer runs bin serve on a free loopback port with data folder dir.
// Auth rate limits are raised so setting up many sessions from one IP is
// not throttled; they do not touch the measured note paths.
func startServer(bin, dir string, extra []string, stderr io.Writer) (*server, error) {
	args := append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--log-level", "warn",
		"--auth-ip-rate", "10000", "--auth-ip-burst", "10000", "--auth-user-rate", "10000", "--auth-user-burst", "10000"}, extra...)
	cmd := exec.Command(bin, args...)
	childproc.DieWithParent(cmd)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &server{cmd: cmd}
	sc := bufio.NewScanner(out)
	for s.base == "" && sc.Scan() {
		l := sc.Text()
		if fp, ok := strings.CutPrefix(l, "fingerprint: "); ok {
			s.fingerprint = fp
		}
		if a, ok := strings.CutPrefix(l, "listening on "); ok {
			s.base = a
		}
	}
	if s.base == "" {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, errors.New("start server: it exited before listening")
	}
	go io.Copy(io.Discard, out)
	return s, nil
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// memory reads VmRSS and VmHWM (peak RSS) of the server in bytes.
func (s *server) memory() (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read server memory: %w", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm, nil
}

// client returns an HTTP/1.1 client pinned to the server's certificate.
func (s *server) client(conns int) *http.Client {
	fp := s.fingerprint
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{
				InsecureSkipVerify: true, // replaced by the pin check below
				VerifyConnection: func(cs tls.ConnectionState) error {
					h := sha256.Sum256(cs.PeerCertificates[0].Raw)
					if "sha256:"+hex.EncodeToString(h[:]) != fp {
						return errors.New("certificate does not match the pin")
					}
					return nil
				},
			},
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
		},
	}
}
