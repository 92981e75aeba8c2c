package cryptobox

import (
	"bytes"
	"errors"
	"testing"
)

// tinyParams are valid under InsecureTestPolicy and fast.
func tinyParams() Params {
	return Params{Time: 1, Memory: 64, Threads: 1, Salt: testBytes("kdf-test-salt", SaltSize)}
}

func TestPolicyCheck(t *testing.T) {
	def, err := NewParams()
	if err != nil {
		t.Fatalf("NewParams() error = %v", err)
	}
	with := func(f func(*Params)) Params {
		p := def
		f(&p)
		return p
	}
	tests := []struct {
		name string
		pol  Policy
		p    Params
		want error
	}{
		{"defaults", DefaultPolicy, def, nil},
		{"floor exactly", DefaultPolicy, with(func(p *Params) { p.Time, p.Memory, p.Threads = 2, 19456, 1 }), nil},
		{"ceiling exactly", DefaultPolicy, with(func(p *Params) { p.Time, p.Memory, p.Threads = 4, 256<<10, 8 }), nil},
		{"old ceiling refused", DefaultPolicy, with(func(p *Params) { p.Time, p.Memory, p.Threads = 16, 1<<20, 16 }), ErrExcessiveParams},
		{"time below floor", DefaultPolicy, with(func(p *Params) { p.Time = 1 }), ErrWeakParams},
		{"time zero", DefaultPolicy, with(func(p *Params) { p.Time = 0 }), ErrWeakParams},
		{"memory below floor", DefaultPolicy, with(func(p *Params) { p.Memory = 19455 }), ErrWeakParams},
		{"threads zero", DefaultPolicy, with(func(p *Params) { p.Threads = 0 }), ErrWeakParams},
		{"salt short", DefaultPolicy, with(func(p *Params) { p.Salt = p.Salt[:15] }), ErrWeakParams},
		{"salt long", DefaultPolicy, with(func(p *Params) { p.Salt = append(bytes.Clone(p.Salt), 0) }), ErrWeakParams},
		{"salt missing", DefaultPolicy, with(func(p *Params) { p.Salt = nil }), ErrWeakParams},
		{"time above ceiling", DefaultPolicy, with(func(p *Params) { p.Time = 5 }), ErrExcessiveParams},
		{"memory above ceiling", DefaultPolicy, with(func(p *Params) { p.Memory = 256<<10 + 1 }), ErrExcessiveParams},
		{"threads above ceiling", DefaultPolicy, with(func(p *Params) { p.Threads = 9 }), ErrExcessiveParams},
		{"max uint32 time", DefaultPolicy, with(func(p *Params) { p.Time = ^uint32(0) }), ErrExcessiveParams},
		{"test policy tiny", InsecureTestPolicy, tinyParams(), nil},
		{"rfc memory below 8p", InsecureTestPolicy, with(func(p *Params) { p.Time, p.Memory, p.Threads = 1, 127, 16 }), ErrWeakParams},
		{"rfc memory 8p", InsecureTestPolicy, with(func(p *Params) { p.Time, p.Memory, p.Threads = 1, 128, 16 }), nil},
		{"zero policy still needs t>=1", Policy{MaxTime: 9, MaxMemory: 9, MaxThreads: 9}, with(func(p *Params) { p.Time, p.Memory, p.Threads = 0, 8, 1 }), ErrWeakParams},
		{"zero policy still needs p>=1", Policy{MaxTime: 9, MaxMemory: 9, MaxThreads: 9}, with(func(p *Params) { p.Time, p.Memory, p.Threads = 1, 8, 0 }), ErrWeakParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.pol.Check(tt.p)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Check(%+v) = %v, want %v", tt.p, err, tt.want)
			}
		})
	}
}

func TestDeriveRefusesBeforeWork(t *testing.T) {
	// A server answering 64 GiB must not make Derive allocate it.
	huge := Params{Time: 3, Memory: ^uint32(0), Threads: 1, Salt: make([]byte, SaltSize)}
	if _, err := Derive([]byte("pw"), huge, DefaultPolicy); !errors.Is(err, ErrExcessiveParams) {
		t.Errorf("Derive(m=%d) error = %v, want %v", huge.Memory, err, ErrExcessiveParams)
	}
	weak := tinyParams()
	if _, err := Derive([]byte("pw"), weak, DefaultPolicy); !errors.Is(err, ErrWeakParams) {
		t.Errorf("Derive(%+v) error = %v, want %v", weak, err, ErrWeakParams)
	}
}

func TestDerive(t *testing.T) {
	p := tinyParams()
	tests := []struct {
		name   string
		a, b   string
		same   bool
		errFor error
	}{
		{"same password", "hunter2", "hunter2", true, nil},
		{"different password", "hunter2", "hunter3", false, nil},
		{"nfc equals nfd", "\u00c5ngstr\u00f6m", "A\u030angstro\u0308m", true, nil},
		{"case matters", "Secret", "secret", false, nil},
		{"whitespace matters", "secret", "secret ", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ka, err := Derive([]byte(tt.a), p, InsecureTestPolicy)
			if err != nil {
				t.Fatalf("Derive(%q) error = %v", tt.a, err)
			}
			kb, err := Derive([]byte(tt.b), p, InsecureTestPolicy)
			if err != nil {
				t.Fatalf("Derive(%q) error = %v", tt.b, err)
			}
			if got := ka.KEK == kb.KEK && ka.Auth == kb.Auth; got != tt.same {
				t.Errorf("Derive(%q) == Derive(%q) = %v, want %v", tt.a, tt.b, got, tt.same)
			}
			if ka.KEK == ka.Auth {
				t.Errorf("Derive(%q): KEK == Auth", tt.a)
			}
		})
	}
}

func TestDerivePasswordUnchanged(t *testing.T) {
	pw := []byte("A\u030angstro\u0308m")
	orig := bytes.Clone(pw)
	if _, err := Derive(pw, tinyParams(), InsecureTestPolicy); err != nil {
		t.Fatalf("Derive(%q) error = %v", pw, err)
	}
	if !bytes.Equal(pw, orig) {
		t.Errorf("Derive changed the caller's password to %q, want %q", pw, orig)
	}
}

func TestDeriveSaltMatters(t *testing.T) {
	p1, p2 := tinyParams(), tinyParams()
	p2.Salt = testBytes("other-salt", SaltSize)
	k1, _ := Derive([]byte("pw"), p1, InsecureTestPolicy)
	k2, _ := Derive([]byte("pw"), p2, InsecureTestPolicy)
	if k1.KEK == k2.KEK {
		t.Errorf("Derive with two salts gave the same KEK %x", k1.KEK)
	}
}

func TestDeriveEmptyPassword(t *testing.T) {
	for _, pw := range [][]byte{nil, {}} {
		if _, err := Derive(pw, tinyParams(), InsecureTestPolicy); !errors.Is(err, ErrEmptyPassword) {
			t.Errorf("Derive(%q) error = %v, want %v", pw, err, ErrEmptyPassword)
		}
	}
}

func TestDerivedKeysWipe(t *testing.T) {
	k, err := Derive([]byte("pw"), tinyParams(), InsecureTestPolicy)
	if err != nil {
		t.Fatal(err)
	}
	k.Wipe()
	if k.KEK != [KeySize]byte{} || k.Auth != [KeySize]byte{} {
		t.Errorf("Wipe() left KEK %x, Auth %x", k.KEK, k.Auth)
	}
}

func TestNewParams(t *testing.T) {
	a, err := NewParams()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewParams()
	if a.Time != 3 || a.Memory != 65536 || a.Threads != 4 || len(a.Salt) != SaltSize {
		t.Errorf("NewParams() = %+v, want t=3 m=65536 p=4 and a 16-byte salt", a)
	}
	if bytes.Equal(a.Salt, b.Salt) {
		t.Errorf("NewParams() twice gave the same salt %x", a.Salt)
	}
}
