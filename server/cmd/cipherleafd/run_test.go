package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestServeFlagDefaults(t *testing.T) {
	c, fs := serveFlags(&bytes.Buffer{})
	if _, err := parse(fs, nil, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if c.bcryptCost != 12 || c.accessTTL != 10*time.Minute || c.maxBody != 32<<20 || c.maxBlob != 4<<20 || c.quota != 1<<30 || c.registration != "open" || c.addr != "127.0.0.1:8443" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestParseEnvAndInterspersed(t *testing.T) {
	env := map[string]string{"CIPHERLEAF_DATA": "/from/env", "CIPHERLEAF_BCRYPT_COST": "5", "CIPHERLEAF_MAX_BLOB": "2MiB"}
	c, fs := serveFlags(&bytes.Buffer{})
	pos, err := parse(fs, []string{"--bcrypt-cost", "6", "extra", "--addr", ":1"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.data != "/from/env" || c.bcryptCost != 6 || c.maxBlob != 2<<20 || c.addr != ":1" || len(pos) != 1 || pos[0] != "extra" {
		t.Errorf("parse = %+v, %v; want env data, flag cost 6, env blob 2MiB, positional extra", c, pos)
	}
	if _, err := parse(fs, nil, func(k string) string {
		if k == "CIPHERLEAF_BCRYPT_COST" {
			return "many"
		}
		return ""
	}); !errors.Is(err, errUsage) {
		t.Errorf("bad env value: err = %v, want errUsage", err)
	}
}

func TestSizeValue(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1024", 1024, true}, {"4MiB", 4 << 20, true}, {"1GiB", 1 << 30, true}, {"64KiB", 64 << 10, true},
		{"10B", 10, true}, {"-1", 0, false}, {"lots", 0, false}, {"1TiB", 0, false},
	}
	for _, tc := range tests {
		var s sizeValue
		err := s.Set(tc.in)
		if (err == nil) != tc.ok || (tc.ok && int64(s) != tc.want) {
			t.Errorf("Set(%q) = %d, %v; want %d ok=%v", tc.in, s, err, tc.want, tc.ok)
		}
	}
}

func TestRunUsage(t *testing.T) {
	getenv := func(string) string { return "" }
	tests := [][]string{
		nil,
		{"frobnicate"},
		{"serve"},
		{"serve", "--data", t.TempDir(), "--registration", "maybe"},
		{"serve", "--data", t.TempDir(), "--tls-cert", "x"},
		{"serve", "--data", t.TempDir(), "--bcrypt-cost", "3"},
		{"user", "--data", t.TempDir()},
		{"user", "disable", "--data", t.TempDir()},
		{"backup", "--data", t.TempDir()},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), args, getenv, &out, &errOut)
			if !errors.Is(err, errUsage) {
				t.Errorf("run(%q) = %v, want errUsage", args, err)
			}
		})
	}
}

// FuzzSizeValue: a size flag either parses to a non-negative count that
// prints back and parses to itself, or is refused.
func FuzzSizeValue(f *testing.F) {
	for _, s := range []string{"1024", "4MiB", "1GiB", "64KiB", "10B", "-1", "lots", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var s sizeValue
		if err := s.Set(in); err != nil {
			return
		}
		if s < 0 {
			t.Fatalf("Set(%q) = %d, negative", in, s)
		}
		var again sizeValue
		if err := again.Set(s.String()); err != nil || again != s {
			t.Fatalf("Set(%q) = %d; Set(String()) = %d, %v", in, s, again, err)
		}
	})
}

func TestCIDRList(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when refused
	}{
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"127.0.0.1", "127.0.0.1/32"},
		{"::1", "::1/128"},
		{"10.0.0.0/8, fd00::/8", "10.0.0.0/8,fd00::/8"},
		{"10.0.0.1/8", "10.0.0.0/8"},
		{"", ""},
		{"proxy.example", ""},
		{"10.0.0.0/33", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var l cidrList
			err := l.Set(tt.in)
			if got := l.String(); (err != nil) != (tt.want == "") || (err == nil && got != tt.want) {
				t.Errorf("Set(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestRunUsageHardening(t *testing.T) {
	for _, args := range [][]string{
		{"--trust-proxy"},
		{"--tls-min", "1.1"},
		{"--metrics-token", "short"},
		{"--max-auth-body", "100"},
		{"--trusted-proxy", "nonsense"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			all := append([]string{"serve", "--data", t.TempDir()}, args...)
			if err := run(context.Background(), all, func(string) string { return "" }, &out, &errOut); !errors.Is(err, errUsage) {
				t.Errorf("run(%q) = %v, want errUsage", all, err)
			}
		})
	}
}

// FuzzCIDRList: a --trusted-proxy value either parses to networks that
// print back and parse to the same networks, or is refused.
func FuzzCIDRList(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "127.0.0.1", "::1", "10.0.0.0/8, fd00::/8", "", "x", "1.2.3.4/99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var l cidrList
		if err := l.Set(in); err != nil {
			return
		}
		var again cidrList
		if err := again.Set(l.String()); err != nil || again.String() != l.String() {
			t.Fatalf("Set(%q) = %q; Set(String()) = %q, %v", in, l.String(), again.String(), err)
		}
	})
}
