package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"cipherleaf.dev/server/ratelimit"
	"cipherleaf.dev/server/store/sqlite"
	"cipherleaf.dev/server/tokens"
	"cipherleaf.dev/shared/protocol"
)

// clock is a settable time source shared by the API, tokens and limiter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t     testing.TB
	e     *echo.Echo
	store *sqlite.Store
	clock *clock
	key   []byte
}

var jwtKey = []byte("test-jwt-key-0123456789abcdef012")

func newEnv(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db.sqlite"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &clock{t: time.Now()}
	lim := ratelimit.Config{Rate: rate.Inf, Burst: 1}
	cfg := Config{
		Store: st, Access: tokens.NewAccess(jwtKey, 10*time.Minute, clk.now), ParamsKey: []byte("params-key"),
		Registration: true, BcryptCost: 4, MaxBody: 1 << 20, MaxBlob: 64 << 10, Quota: 1 << 20,
		IPLimit: lim, UserLimit: lim, Now: clk.now,
	}
	if mod != nil {
		mod(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, e: e, store: st, clock: clk, key: jwtKey}
}

type resp struct {
	status int
	body   []byte
	header http.Header
}

func (r resp) errCode() string {
	var eb protocol.ErrorBody
	json.Unmarshal(r.body, &eb)
	return eb.Code
}

func (r resp) into(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// do sends one request; body is marshalled to JSON unless it is []byte.
func (en *env) do(method, path, token string, body any) resp {
	en.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			en.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.RemoteAddr = "192.0.2.1:1234"
	rec := httptest.NewRecorder()
	en.e.ServeHTTP(rec, req)
	return resp{status: rec.Code, body: rec.Body.Bytes(), header: rec.Header()}
}

func key(b byte) []byte     { return bytes.Repeat([]byte{b}, 32) }
func wrapped(b byte) []byte { return bytes.Repeat([]byte{b}, 77) }
func kdf() protocol.KDF {
	return protocol.KDF{Alg: "argon2id", Version: 19, Time: 3, Memory: 65536, Threads: 4, Salt: bytes.Repeat([]byte{7}, 16)}
}

func regReq(name string) protocol.RegisterRequest {
	return protocol.RegisterRequest{Username: name, AuthKey: key(1), KDF: kdf(), WrappedKey: wrapped(2),
		RecoveryWrappedKey: wrapped(3), RecoveryAuthKey: key(4), DeviceName: "laptop"}
}

// register creates name and returns its login response.
func (en *env) register(name string) protocol.LoginResponse {
	en.t.Helper()
	r := en.do("POST", "/api/v1/auth/register", "", regReq(name))
	if r.status != http.StatusCreated {
		en.t.Fatalf("register %q = %d %s", name, r.status, r.body)
	}
	var lr protocol.LoginResponse
	r.into(en.t, &lr)
	return lr
}

func (en *env) login(name string, k []byte) resp {
	return en.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: name, AuthKey: k, DeviceName: "phone"})
}

func noteID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
