package cli

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/childproc"
)

// testClock moves a test build of cipherleafd's clock (--test-clock-file).
type testClock struct {
	path   string
	offset time.Duration
}

func (c *testClock) add(t *testing.T, d time.Duration) {
	t.Helper()
	c.offset += d
	if err := os.WriteFile(c.path, []byte(strconv.FormatInt(int64(c.offset/time.Second), 10)), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (c *testClock) now() time.Time { return time.Now().Add(c.offset) }

// totpCode is RFC 6238 (HMAC-SHA1, 6 digits, 30 s) written here from the
// RFC, independently of the server's library.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// startTestServer builds cipherleafd with its test hooks and starts it with
// a settable clock and the given flags.
func startTestServer(t *testing.T, args ...string) (url, fingerprint string, clk *testClock) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cipherleafd")
	build := exec.Command("go", "build", "-tags", "cipherleaf_testhooks", "-o", bin, "./cmd/cipherleafd")
	build.Dir = filepath.Join("..", "..", "server")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build cipherleafd: %v\n%s", err, out)
	}
	clk = &testClock{path: filepath.Join(t.TempDir(), "clock")}
	clk.add(t, 0)
	cmd := exec.Command(bin, append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--bcrypt-cost", "4",
		"--test-clock-file", clk.path}, args...)...)
	childproc.DieWithParent(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for (url == "" || fingerprint == "") && sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "fingerprint: "); ok {
			fingerprint = v
		}
		if v, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
			url = v
		}
	}
	if url == "" {
		t.Fatalf("cipherleafd printed no address; stderr:\n%s", stderr.String())
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return url, fingerprint, clk
}

func TestTwoFactorEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs cipherleafd")
	}
	keyring.MockInit()
	url, fp, clk := startTestServer(t)
	acct := []string{"--server", url, "--user", "tess", "--pin", fp}
	login := append([]string{"login"}, acct...)
	a := newDevice(t, "a", "correct horse")
	a.ok("", append([]string{"register"}, acct...)...)
	if got := a.ok("", "2fa", "status"); got != "off\n" {
		t.Fatalf("2fa status = %q, want off", got)
	}

	// Enrol: the URI and the secret, then a code confirms.
	out := strings.Split(strings.TrimSpace(a.ok("", "2fa", "enable")), "\n")
	if len(out) != 2 || !strings.HasPrefix(out[0], "otpauth://totp/Cipherleaf:tess?") || !strings.Contains(out[0], "secret="+out[1]) {
		t.Fatalf("2fa enable printed %q, want the URI and the secret", out)
	}
	secret := out[1]
	a.fails(core.Words(core.ErrTwoFactorInvalid), "2fa", "confirm", totpCode(t, secret, clk.now().Add(time.Hour)))
	codes := strings.Split(strings.TrimSpace(a.ok("", "2fa", "confirm", totpCode(t, secret, clk.now()))), "\n")
	if len(codes) != 10 {
		t.Fatalf("2fa confirm printed %d lines, want 10 recovery codes", len(codes))
	}
	if got := a.ok("", "2fa", "status"); got != "on (10 recovery codes left)\n" {
		t.Fatalf("2fa status = %q", got)
	}
	clk.add(t, 30*time.Second)

	// A second device: no code, a wrong code, then the right one.
	b := newDevice(t, "b", "correct horse")
	b.fails(core.Words(core.ErrTwoFactorRequired), login...)
	b.fails(core.Words(core.ErrTwoFactorInvalid), append(login, "--code", totpCode(t, secret, clk.now().Add(time.Hour)))...)
	code := totpCode(t, secret, clk.now())
	b.env[EnvTOTPCode] = code
	b.ok("", login...)
	b.ok("", "sync")

	// The same code again (within its window) is refused.
	c := newDevice(t, "c", "correct horse")
	c.fails(core.Words(core.ErrTwoFactorInvalid), append(login, "--code", code)...)

	// A recovery code works once.
	c.ok("", append(login, "--recovery-code", strings.ToUpper(codes[0]))...)
	d := newDevice(t, "d", "correct horse")
	d.fails(core.Words(core.ErrTwoFactorInvalid), append(login, "--recovery-code", codes[0])...)

	// Changing the password needs a code.
	a.env[EnvNewPassword] = "battery staple"
	a.fails(core.Words(core.ErrTwoFactorRequired), "passwd")
	clk.add(t, 30*time.Second)
	a.ok("", "passwd", "--code", totpCode(t, secret, clk.now()))
	a.env = map[string]string{EnvPassword: "battery staple"}

	// (Lockout of repeated wrong codes is tested in server/httpapi with an
	// injected clock: the client here would wait out a Retry-After itself.)

	// Turning it off needs a code too.
	a.fails(core.Words(core.ErrTwoFactorRequired), "2fa", "disable")
	a.ok("", "2fa", "disable", "--recovery-code", codes[1])
	if got := a.ok("", "2fa", "status"); got != "off\n" {
		t.Fatalf("2fa status after disable = %q, want off", got)
	}
	f := newDevice(t, "f", "battery staple")
	f.ok("", login...)
}
