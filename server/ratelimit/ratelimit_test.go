package ratelimit

import (
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestAllowBurstThenRefill(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := New(Config{Rate: 1, Burst: 3, Now: c.now})
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("Allow #%d refused within burst", i)
		}
	}
	ok, retry := l.Allow("a")
	if ok || retry <= 0 || retry > time.Second {
		t.Errorf("Allow over burst = %v, %v; want refused with retry in (0, 1s]", ok, retry)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Errorf("Allow(b) refused: keys must be independent")
	}
	c.t = c.t.Add(time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Errorf("Allow after refill refused")
	}
}

func TestLockoutBackoff(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := New(Config{Rate: 100, Burst: 100, MaxFailures: 3, BaseLockout: time.Second, MaxLockout: 4 * time.Second, Now: c.now})
	for i := 0; i < 2; i++ {
		l.Fail("u")
	}
	if ok, _ := l.Allow("u"); !ok {
		t.Fatalf("locked out before MaxFailures")
	}
	wantLock := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	for i, want := range wantLock {
		l.Fail("u")
		ok, retry := l.Allow("u")
		if ok || retry != want {
			t.Errorf("failure %d: Allow = %v, %v; want refused for %v", i+3, ok, retry, want)
		}
		c.t = c.t.Add(want)
		if ok, _ := l.Allow("u"); !ok {
			t.Errorf("failure %d: still locked after %v", i+3, want)
		}
	}
	l.Succeed("u")
	l.Fail("u")
	if ok, _ := l.Allow("u"); !ok {
		t.Errorf("Succeed did not reset the failure count")
	}
}

func TestSweep(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := New(Config{Rate: 1, Burst: 1, MaxLockout: time.Minute, Now: c.now})
	l.Allow("old")
	c.t = c.t.Add(2 * time.Hour)
	for i := 0; i < 1024; i++ {
		l.Allow("new")
	}
	if n := l.Len(); n != 1 {
		t.Errorf("Len after sweep = %d, want 1", n)
	}
}

func TestSignInPerSource(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	lock := Config{Rate: 100, Burst: 100, MaxFailures: 3, BaseLockout: time.Minute, MaxLockout: time.Hour}
	s := NewSignIn(SignInConfig{PerSource: lock, Account: Config{MaxFailures: 10, BaseLockout: time.Minute, MaxLockout: time.Hour},
		KnownFor: 24 * time.Hour, Now: c.now})
	s.Succeed("alice", "10.0.0.1") // the owner's usual source
	for i := 0; i < 3; i++ {
		s.Fail("alice", "6.6.6.6")
	}
	tests := []struct {
		name, account, source string
		want                  bool
	}{
		{"attacker's pair locked", "alice", "6.6.6.6", false},
		{"owner from a new source", "alice", "10.0.0.2", true},
		{"attacker at another account", "bob", "6.6.6.6", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ok, _ := s.Allow(tt.account, tt.source); ok != tt.want {
				t.Errorf("Allow(%q, %q) = %v, want %v", tt.account, tt.source, ok, tt.want)
			}
		})
	}
	// Many sources together lock the account for unknown sources only.
	for i := 0; i < 10; i++ {
		s.Fail("alice", "7.7.7."+string(rune('0'+i)))
	}
	if ok, retry := s.Allow("alice", "10.0.0.3"); ok || retry <= 0 {
		t.Errorf("Allow(unknown source) during account lockout = %v, %v; want refused", ok, retry)
	}
	if ok, _ := s.Allow("alice", "10.0.0.1"); !ok {
		t.Errorf("Allow(known source) during account lockout refused")
	}
	c.t = c.t.Add(25 * time.Hour)
	if s.Known("alice", "10.0.0.1") {
		t.Errorf("source still known after KnownFor")
	}
}
