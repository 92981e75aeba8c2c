package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cipherleaf.dev/shared/protocol"
)

// peer is a client of d whose connections come from the loopback address
// ip (any 127.0.0.0/8 address works on Linux), so tests have many sources.
type peer struct {
	d  *daemon
	ip string
	cl *http.Client
}

func (d *daemon) from(ip string) *peer {
	cl := pinnedClient(d.fingerprint)
	tr := cl.Transport.(*http.Transport)
	tr.DialContext = (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}).DialContext
	return &peer{d: d, ip: ip, cl: cl}
}

// req sends a JSON request (body, when not nil, is marshalled unless it
// is already []byte) and decodes a 2xx answer into out.
func (p *peer) req(method, path, token string, body, out any, hdr ...string) (*http.Response, []byte) {
	p.d.t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(body); err != nil {
				p.d.t.Fatal(err)
			}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.d.base+path, rd)
	if err != nil {
		p.d.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := p.cl.Do(req)
	if err != nil {
		p.d.t.Fatalf("%s %s from %s: %v", method, path, p.ip, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		p.d.t.Fatal(err)
	}
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, out); err != nil {
			p.d.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp, b
}

func (p *peer) login(name string, key []byte) (int, protocol.LoginResponse) {
	p.d.t.Helper()
	var lr protocol.LoginResponse
	resp, _ := p.req("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: name, AuthKey: key, DeviceName: "e2e"}, &lr)
	return resp.StatusCode, lr
}

// TestE2ESignInNoVictimLockout: an attacker at one source, sending wrong
// keys and flooding /auth/params for a victim, locks out only itself; an
// attacker at many sources locks out only sources the victim never
// signed in from, and never a device holding a refresh token.
func TestE2ESignInNoVictimLockout(t *testing.T) {
	d := start(t, filepath.Join(t.TempDir(), "data"), "--lockout-after", "3", "--lockout-base", "1m",
		"--account-lockout-after", "12", "--auth-ip-rate", "100", "--auth-ip-burst", "1000")
	lr := d.register("alice")
	owner := d.from("127.0.0.1")
	if st, _ := owner.login("alice", repeat(1, 32)); st != 200 {
		t.Fatalf("owner login = %d", st)
	}

	attacker := d.from("127.0.0.2")
	for i := 0; i < 30; i++ {
		attacker.req("POST", "/api/v1/auth/params", "", protocol.ParamsRequest{Username: "alice"}, nil)
	}
	for i := 0; i < 6; i++ {
		attacker.login("alice", repeat(9, 32))
	}
	if st, _ := attacker.login("alice", repeat(1, 32)); st != 429 {
		t.Errorf("attacker's own source after its failures = %d, want 429", st)
	}
	t.Run("one attacking source", func(t *testing.T) {
		for _, ip := range []string{"127.0.0.1", "127.0.0.3"} {
			clean := d.from(ip)
			for i := 0; i < 6; i++ {
				if st, _ := clean.login("alice", repeat(1, 32)); st != 200 {
					t.Errorf("victim's login #%d from %s = %d, want 200", i, ip, st)
				}
			}
		}
	})
	t.Run("many attacking sources", func(t *testing.T) {
		for i := 10; i < 20; i++ {
			a := d.from(fmt.Sprintf("127.0.1.%d", i))
			a.login("alice", repeat(9, 32))
			a.login("alice", repeat(9, 32))
		}
		if st, _ := d.from("127.0.0.1").login("alice", repeat(1, 32)); st != 200 {
			t.Errorf("login from a source with a past success = %d, want 200", st)
		}
		var rr protocol.LoginResponse
		if resp, b := d.from("127.0.0.4").req("POST", "/api/v1/auth/refresh", "", protocol.RefreshRequest{RefreshToken: lr.RefreshToken}, &rr); resp.StatusCode != 200 {
			t.Errorf("refresh from a new source = %d %s, want 200", resp.StatusCode, b)
		}
		resp, _ := d.from("127.0.0.5").req("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "alice", AuthKey: repeat(1, 32), DeviceName: "new"}, nil)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
			t.Errorf("login from a never-seen source during the account lockout = %d Retry-After %q, want 429 with Retry-After (SPEC §7.5)",
				resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})
}

// TestE2EKeyRecheckLockout: wrong auth keys on an authenticated password
// change or account delete are limited and locked out like logins.
func TestE2EKeyRecheckLockout(t *testing.T) {
	d := start(t, filepath.Join(t.TempDir(), "data"), "--lockout-after", "3", "--lockout-base", "1m")
	lr := d.register("alice")
	p := d.from("127.0.0.1")
	kdf := protocol.KDF{Alg: "argon2id", Version: 19, Time: 3, Memory: 65536, Threads: 4, Salt: repeat(3, 16)}
	pw := func(key []byte) *http.Response {
		resp, _ := p.req("POST", "/api/v1/account/password", lr.AccessToken, protocol.PasswordRequest{
			AuthKey: key, NewAuthKey: repeat(7, 32), KDF: kdf, WrappedKey: repeat(4, 77)}, nil)
		return resp
	}
	for i := 0; i < 3; i++ {
		if r := pw(repeat(9, 32)); r.StatusCode != 401 {
			t.Fatalf("wrong key #%d = %d, want 401", i, r.StatusCode)
		}
	}
	if r := pw(repeat(1, 32)); r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
		t.Errorf("password change after 3 wrong keys = %d, want 429 with Retry-After", r.StatusCode)
	}
	resp, _ := p.req("DELETE", "/api/v1/account", lr.AccessToken, protocol.DeleteAccountRequest{AuthKey: repeat(1, 32)}, nil)
	if resp.StatusCode != 429 {
		t.Errorf("account delete during the lockout = %d, want 429", resp.StatusCode)
	}
}

// TestE2EBcryptRehashAndBusy: a login after --bcrypt-cost changed stores
// the hash at the new cost; logins beyond the bcrypt pool get 429 with
// Retry-After instead of queueing.
func TestE2EBcryptRehashAndBusy(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	d := start(t, data)
	d.register("alice")
	d.stop()

	d = start(t, data, "--bcrypt-cost", "5")
	if st, _ := d.from("127.0.0.1").login("alice", repeat(1, 32)); st != 200 {
		t.Fatalf("login = %d", st)
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "cipherleaf.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var h []byte
	if err := db.QueryRow(`SELECT auth_hash FROM users WHERE username = 'alice'`).Scan(&h); err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost(h); err != nil || cost != 5 {
		t.Errorf("bcrypt cost after login = %d, %v; want 5", cost, err)
	}
	d.stop()

	d = start(t, data, "--bcrypt-cost", "10", "--bcrypt-workers", "1", "--bcrypt-wait", "1ms",
		"--auth-ip-burst", "1000", "--auth-user-burst", "1000")
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	retryAfter := true
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(p *peer) {
			defer wg.Done()
			resp, _ := p.req("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "alice", AuthKey: repeat(9, 32), DeviceName: "x"}, nil)
			mu.Lock()
			defer mu.Unlock()
			statuses[resp.StatusCode]++
			if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
				retryAfter = false
			}
		}(d.from(fmt.Sprintf("127.0.2.%d", i+1)))
	}
	wg.Wait()
	if statuses[429] == 0 || statuses[401] == 0 || statuses[429]+statuses[401] != 16 || !retryAfter {
		t.Errorf("16 concurrent logins with one bcrypt worker: statuses %v (Retry-After on every 429: %v); want both 401 and 429", statuses, retryAfter)
	}
}

// TestE2EMetricsBounded: made-up methods and paths share one label, and
// /metrics is served only on --metrics-addr or with --metrics-token.
func TestE2EMetricsBounded(t *testing.T) {
	token := "metrics-token-0123456789"
	d := start(t, filepath.Join(t.TempDir(), "data"), "--metrics-addr", "127.0.0.1:0", "--metrics-token", token)
	p := d.from("127.0.0.1")
	for i := 0; i < 100; i++ {
		p.req(fmt.Sprintf("X%d", i), "/api/v1/notes", "", nil, nil)
		p.req("GET", fmt.Sprintf("/made/up/%d", i), "", nil, nil)
		p.req("PATCH", fmt.Sprintf("/api/v1/notes/%d", i), "", nil, nil)
	}
	resp, err := http.Get(d.metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	series := 0
	for _, l := range bytes.Split(b, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("cipherleaf_http_requests_total{")) {
			series++
		}
	}
	if resp.StatusCode != 200 || series == 0 || series > 10 {
		t.Errorf("metrics on --metrics-addr = %d with %d request series after 300 made-up requests, want 200 and 1..10:\n%.3000s", resp.StatusCode, series, b)
	}
	if !bytes.Contains(b, []byte(`route="unmatched"`)) || !bytes.Contains(b, []byte(`method="other"`)) {
		t.Errorf("metrics lack the shared unmatched/other labels:\n%.3000s", b)
	}
	for _, tt := range []struct {
		name, token string
		want        int
	}{{"no token", "", 401}, {"wrong token", "metrics-token-wrong-00000", 401}, {"token", token, 200}} {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := p.req("GET", "/metrics", tt.token, nil, nil)
			if resp.StatusCode != tt.want {
				t.Errorf("GET /metrics on the API with %s = %d, want %d", tt.name, resp.StatusCode, tt.want)
			}
		})
	}
}

// TestE2ETrustedProxy: X-Forwarded-For is believed only from a
// --trusted-proxy peer, for limits and for the audit log.
func TestE2ETrustedProxy(t *testing.T) {
	d := start(t, filepath.Join(t.TempDir(), "data"), "--trusted-proxy", "127.0.0.2/32", "--lockout-after", "2", "--lockout-base", "1m",
		"--auth-ip-burst", "1000", "--auth-user-burst", "1000")
	d.register("alice")
	spoofer := d.from("127.0.0.3")
	statuses := []int{}
	for i := 0; i < 6; i++ {
		resp, _ := spoofer.req("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "alice", AuthKey: repeat(9, 32), DeviceName: "x"}, nil,
			"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		statuses = append(statuses, resp.StatusCode)
	}
	if statuses[len(statuses)-1] != 429 {
		t.Errorf("wrong logins from an untrusted peer with changing X-Forwarded-For = %v, want locked out (429)", statuses)
	}
	if strings.Contains(d.stderr.String(), "203.0.113.") {
		t.Errorf("the audit log believed an untrusted X-Forwarded-For")
	}
	proxy := d.from("127.0.0.2")
	resp, _ := proxy.req("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "alice", AuthKey: repeat(1, 32), DeviceName: "x"}, nil,
		"X-Forwarded-For", "198.51.100.7, 127.0.0.2")
	if resp.StatusCode != 200 {
		t.Errorf("login through the trusted proxy for a client the spoofer never used = %d, want 200", resp.StatusCode)
	}
	if !d.stderr.waitFor("ip=198.51.100.7", 10*time.Second) {
		t.Errorf("audit log lacks the client IP given by the trusted proxy:\n%s", d.stderr)
	}
	t.Run("--trust-proxy refused", func(t *testing.T) {
		out, err := exec.Command(binary, "serve", "--data", t.TempDir(), "--trust-proxy").CombinedOutput()
		if err == nil || !strings.Contains(string(out), "--trusted-proxy") {
			t.Errorf("serve --trust-proxy = %v %s, want a usage error naming --trusted-proxy", err, out)
		}
	})
}

// TestE2ETLSVersionsAndSuites: TLS 1.3 only by default with the
// self-signed certificate; with --tls-min 1.2, TLS 1.2 offers no CBC suite.
func TestE2ETLSVersionsAndSuites(t *testing.T) {
	dial := func(d *daemon, max uint16, suites []uint16) error {
		cl := pinnedClient(d.fingerprint)
		tc := cl.Transport.(*http.Transport).TLSClientConfig
		tc.MaxVersion, tc.CipherSuites = max, suites
		resp, err := cl.Get(d.base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	d := start(t, filepath.Join(t.TempDir(), "data"))
	if err := dial(d, tls.VersionTLS12, nil); err == nil {
		t.Errorf("TLS 1.2 accepted by default in self-signed mode")
	}
	if err := dial(d, tls.VersionTLS13, nil); err != nil {
		t.Errorf("TLS 1.3 refused: %v", err)
	}
	d = start(t, filepath.Join(t.TempDir(), "data"), "--tls-min", "1.2")
	for _, tt := range []struct {
		name  string
		suite uint16
		ok    bool
	}{
		{"ECDHE-ECDSA-AES128-GCM", tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, true},
		{"ECDHE-ECDSA-CHACHA20", tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, true},
		{"ECDHE-ECDSA-AES128-CBC-SHA", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, false},
		{"ECDHE-ECDSA-AES256-CBC-SHA", tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := dial(d, tls.VersionTLS12, []uint16{tt.suite}); (err == nil) != tt.ok {
				t.Errorf("TLS 1.2 with %s: err %v, want accepted %v", tt.name, err, tt.ok)
			}
		})
	}
}

// TestE2ECountersValidated: since, limit, base_rev and base_version that
// SQLite cannot hold are 400, never 500.
func TestE2ECountersValidated(t *testing.T) {
	d := start(t, filepath.Join(t.TempDir(), "data"))
	lr := d.register("alice")
	p := d.from("127.0.0.1")
	big := "9223372036854775808" // 2^63
	for _, tt := range []struct {
		name, method, path string
		body               any
	}{
		{"since 2^63", "GET", "/api/v1/notes?since=" + big, nil},
		{"since 2^64-1", "GET", "/api/v1/notes?since=18446744073709551615", nil},
		{"since 2^64", "GET", "/api/v1/notes?since=18446744073709551616", nil},
		{"since negative", "GET", "/api/v1/notes?since=-1", nil},
		{"limit words", "GET", "/api/v1/notes?limit=many", nil},
		{"limit 2^63", "GET", "/api/v1/notes?limit=" + big, nil},
		{"delete base_rev 2^63", "DELETE", "/api/v1/notes/" + noteID(1) + "?base_rev=" + big, nil},
		{"put base_rev 2^63", "PUT", "/api/v1/notes/" + noteID(1), []byte(`{"base_rev":` + big + `,"blob":"AAAA"}`)},
		{"batch base_rev 2^63", "POST", "/api/v1/notes/batch", []byte(`{"ops":[{"op":"put","id":"` + noteID(1) + `","base_rev":` + big + `,"blob":"AAAA"}]}`)},
		{"manifest base_version 2^63", "PUT", "/api/v1/manifest", []byte(`{"base_version":` + big + `,"blob":"AAAA"}`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if resp, b := p.req(tt.method, tt.path, lr.AccessToken, tt.body, nil); resp.StatusCode != 400 {
				t.Errorf("%s %s = %d %s, want 400", tt.method, tt.path, resp.StatusCode, b)
			}
		})
	}
}

// rawConn is a TLS connection to d from ip, for requests whose body the
// test sends (or withholds) by hand.
func (d *daemon) rawConn(ip string) *tls.Conn {
	d.t.Helper()
	tc := pinnedClient(d.fingerprint).Transport.(*http.Transport).TLSClientConfig
	addr := strings.TrimPrefix(d.base, "https://")
	conn, err := tls.DialWithDialer(&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}, "tcp", addr, tc)
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() { conn.Close() })
	// A server that waits for a withheld body fails the test, not hangs it.
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	return conn
}

// TestE2EBodyLimits: unauthenticated routes take a few KiB, refused from
// Content-Length before the body is sent; bodies without a length are cut
// at the limit; one source gets a bounded number of unauthenticated
// requests in flight.
func TestE2EBodyLimits(t *testing.T) {
	d := start(t, filepath.Join(t.TempDir(), "data"), "--max-auth-body", "4KiB", "--max-blob", "1KiB", "--auth-inflight-per-ip", "4")
	lr := d.register("alice")
	t.Run("declared length refused before reading", func(t *testing.T) {
		conn := d.rawConn("127.0.0.1")
		fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 32<<20)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer without the body: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("32 MiB declared on /auth/login = %d, want 413", resp.StatusCode)
		}
	})
	p := d.from("127.0.0.1")
	for _, tt := range []struct {
		name, method, path, token string
		size                      int
		want                      int
	}{
		{"login over auth limit", "POST", "/api/v1/auth/login", "", 5 << 10, 413},
		{"params over auth limit", "POST", "/api/v1/auth/params", "", 64 << 10, 413},
		{"register over auth limit", "POST", "/api/v1/auth/register", "", 1 << 20, 413},
		{"note over blob limit", "PUT", "/api/v1/notes/" + noteID(1), lr.AccessToken, 4 << 10, 413},
		{"note within blob limit", "PUT", "/api/v1/notes/" + noteID(1), lr.AccessToken, 900, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(`{"base_rev":0,"username":"` + strings.Repeat("a", tt.size) + `"}`)
			if tt.want == 200 {
				b, _ := json.Marshal(protocol.PutNoteRequest{Blob: repeat(1, tt.size)})
				body = b
			}
			// Chunked (no Content-Length): the limit must hold while reading.
			req, _ := http.NewRequest(tt.method, d.base+tt.path, io.MultiReader(bytes.NewReader(body)))
			req.Header.Set("Content-Type", "application/json")
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := p.cl.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if req.ContentLength != 0 || resp.StatusCode != tt.want {
				t.Errorf("%s %s with a chunked %d-byte body = %d, want %d", tt.method, tt.path, len(body), resp.StatusCode, tt.want)
			}
		})
	}
	t.Run("unauthenticated requests in flight per source", func(t *testing.T) {
		// Four slow logins hold their slots: headers sent, body withheld.
		for i := 0; i < 4; i++ {
			conn := d.rawConn("127.0.0.7")
			fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
		}
		slow := d.from("127.0.0.7")
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, _ := slow.req("POST", "/api/v1/auth/params", "", protocol.ParamsRequest{Username: "alice"}, nil)
			if resp.StatusCode == 429 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a fifth unauthenticated request from the slow source = %d, want 429", resp.StatusCode)
			}
		}
		if resp, _ := d.from("127.0.0.8").req("POST", "/api/v1/auth/params", "", protocol.ParamsRequest{Username: "alice"}, nil); resp.StatusCode != 200 {
			t.Errorf("params from another source while one is at its cap = %d, want 200", resp.StatusCode)
		}
		if resp, _ := slow.req("GET", "/api/v1/notes", lr.AccessToken, nil, nil); resp.StatusCode != 200 {
			t.Errorf("authenticated request from the capped source = %d, want 200", resp.StatusCode)
		}
	})
}

// TestE2EQuotaCountsRows: deleted notes (tombstones), each row's overhead
// and the kept revision history count against the quota, and `user list`
// shows the same bytes. A one-byte blob costs 1+128 while live; deleted, its
// tombstone costs 128 and, with history on, its kept revision 1+128 more.
func TestE2EQuotaCountsRows(t *testing.T) {
	const quota, live = 2000, 1 + 128
	for _, tc := range []struct {
		name    string
		args    []string
		perNote int // bytes a written-then-deleted note leaves behind
	}{
		{"no history", []string{"--history-revisions", "0"}, 128},
		{"default history", nil, 128 + live},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			d := start(t, data, append([]string{"--quota", fmt.Sprint(quota)}, tc.args...)...)
			lr := d.register("mallory")
			p := d.from("127.0.0.1")
			rows := 0
			for i := 1; i <= 100; i++ {
				var wr protocol.WriteResponse
				resp, b := p.req("PUT", "/api/v1/notes/"+noteID(i), lr.AccessToken, protocol.PutNoteRequest{Blob: []byte("x")}, &wr)
				if resp.StatusCode == 413 {
					break
				}
				if resp.StatusCode != 200 {
					t.Fatalf("put #%d = %d %s", i, resp.StatusCode, b)
				}
				if resp, b := p.req("DELETE", fmt.Sprintf("/api/v1/notes/%s?base_rev=%d", noteID(i), wr.Rev), lr.AccessToken, nil, nil); resp.StatusCode != 200 {
					t.Fatalf("delete #%d = %d %s", i, resp.StatusCode, b)
				}
				rows++
			}
			// Put #n is accepted while (n-1) deleted notes plus its live row fit.
			if want := (quota-live)/tc.perNote + 1; rows != want {
				t.Errorf("notes written and deleted under a %d-byte quota = %d, want %d", quota, rows, want)
			}
			out, err := exec.Command(binary, "user", "list", "--data", data).CombinedOutput()
			if err != nil {
				t.Fatalf("user list: %v\n%s", err, out)
			}
			var line []string
			for _, l := range strings.Split(string(out), "\n") {
				if f := strings.Fields(l); len(f) > 0 && f[0] == "mallory" {
					line = f
				}
			}
			// USERNAME ID STATE NOTES DELETED BYTES ...
			if want := []string{"0", fmt.Sprint(rows), fmt.Sprint(rows * tc.perNote)}; len(line) < 6 || strings.Join(line[3:6], " ") != strings.Join(want, " ") {
				t.Errorf("user list for mallory = %q, want NOTES DELETED BYTES = %v\n%s", line, want, out)
			}
		})
	}
}

// TestE2EBodyBudget: large bodies share a server-wide budget, four per
// user at a time, reserved only after authentication; small writes never
// wait for it.
func TestE2EBodyBudget(t *testing.T) {
	d := start(t, filepath.Join(t.TempDir(), "data"), "--max-body", "1MiB", "--max-blob", "64KiB", "--body-budget", "5MiB")
	alice, bob, carol := d.register("alice"), d.register("bob"), d.register("carol")
	// withhold sends n batch requests declaring 1 MiB and sends no body;
	// first returns the status of the first of them to be answered (one
	// that holds its reservation is never answered).
	withhold := func(n int, ip, token string) (first func() int) {
		answers := make(chan int, n)
		for i := 0; i < n; i++ {
			conn := d.rawConn(ip)
			auth := ""
			if token != "" {
				auth = "Authorization: Bearer " + token + "\r\n"
			}
			fmt.Fprintf(conn, "POST /api/v1/notes/batch HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", auth, 1<<20)
			go func() {
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					answers <- 0
					return
				}
				answers <- resp.StatusCode
			}()
		}
		return func() int { return <-answers }
	}
	var ops []protocol.BatchOp
	for i := 0; i < 3; i++ {
		ops = append(ops, protocol.BatchOp{Op: protocol.OpPut, ID: noteID(100 + i), Blob: repeat(byte(i), 60<<10)})
	}
	big, _ := json.Marshal(protocol.BatchRequest{Ops: ops})
	p := d.from("127.0.0.1")
	batch := func(token string) int {
		resp, _ := p.req("POST", "/api/v1/notes/batch", token, big, nil)
		return resp.StatusCode
	}

	// Strangers' withheld bodies reserve nothing: each is refused at once.
	if st := withhold(6, "127.0.0.9", "")(); st != 401 {
		t.Fatalf("a stranger's withheld batch = %d, want 401", st)
	}
	if st := batch(bob.AccessToken); st != 200 {
		t.Fatalf("bob's batch with strangers' large bodies pending = %d, want 200", st)
	}
	// Alice sends five: four hold 4 of the 5 MiB, one is refused.
	if st := withhold(5, "127.0.0.10", alice.AccessToken)(); st != 429 {
		t.Fatalf("alice's fifth large body at once = %d, want 429", st)
	}
	if st := batch(bob.AccessToken); st != 200 {
		t.Errorf("bob's batch with budget left = %d, want 200", st)
	}
	// Carol sends two: one takes the last MiB, the other waits and is
	// refused; then bob's large batch is refused too, his small writes not.
	if st := withhold(2, "127.0.0.11", carol.AccessToken)(); st != 429 {
		t.Fatalf("carol's large body over the budget = %d, want 429", st)
	}
	if st := batch(bob.AccessToken); st != 429 {
		t.Errorf("bob's large batch with the budget spent = %d, want 429", st)
	}
	var wr protocol.WriteResponse
	if resp, b := p.req("PUT", "/api/v1/notes/"+noteID(1), bob.AccessToken, protocol.PutNoteRequest{Blob: []byte("small")}, &wr); resp.StatusCode != 200 {
		t.Errorf("bob's small write while the budget is held = %d %s, want 200", resp.StatusCode, b)
	}
}
