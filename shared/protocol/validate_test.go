package protocol

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestNormalizeUsername(t *testing.T) {
	tests := []struct {
		in, want string // want "" means ErrInvalidUsername
	}{
		{"alice", "alice"},
		{"Alice", "alice"},
		{"  BOB.smith_2-x \n", "bob.smith_2-x"},
		{"abc", "abc"},
		{"0day", "0day"},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), ""},
		{"ab", ""},
		{"", ""},
		{"   ", ""},
		{".alice", ""},
		{"_alice", ""},
		{"-alice", ""},
		{"al ice", ""},
		{"alice\x00", ""},
		{"alice\nbob", ""},
		{"alice@example.com", ""},
		{"alice'--", ""},
		{"'; DROP TABLE users; --", ""},
		{"alice\" OR \"1\"=\"1", ""},
		{"a%27b", ""},
		{"../etc/passwd", ""},
		{"..", ""},
		{"a/b", ""},
		{`a\b`, ""},
		{"a*b", ""},
		{"a?b", ""},
		{"a;b", ""},
		{"\u212aelvin", ""}, // Kelvin sign: Unicode lower-cases it to "k"
		{"ålice", ""},
		{"İstanbul", ""},
		{"ａｌｉｃｅ", ""}, // full-width
		{"alice\u200b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeUsername(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrInvalidUsername) {
					t.Errorf("NormalizeUsername(%q) = %q, %v, want %v", tt.in, got, err, ErrInvalidUsername)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("NormalizeUsername(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
			}
			if !ValidUsername(got) {
				t.Errorf("ValidUsername(%q) = false, want true", got)
			}
		})
	}
}

func TestValidUsername(t *testing.T) {
	for in, want := range map[string]bool{"alice": true, "Alice": false, " alice": false, "a.b": true, "ab": false} {
		if got := ValidUsername(in); got != want {
			t.Errorf("ValidUsername(%q) = %v, want %v", in, got, want)
		}
	}
}

// idRE is the definition ValidID is held to.
var idRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

var validIDCases = []struct {
	in   string
	want bool
}{
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3", true},
	{"00000000-0000-0000-0000-000000000000", true},
	{"ffffffff-ffff-ffff-ffff-ffffffffffff", true},
	{"0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3", false},
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2dA", false},
	{"0a1b2c3d4e5f4a6b8c7d8e9fa0b1c2d3", false},
	{"{0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3}", false},
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3\n", false},
	{"\n0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3", false},
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2dg", false},
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d", false},   // 35 bytes
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3a", false}, // 37 bytes
	{"0a1b2c3d04e5f-4a6b-8c7d-8e9fa0b1c2d3", false},
	{"0a1b2c3-d4e5f-4a6b-8c7d-8e9fa0b1c2d3", false},
	{"0a1b2c3d-4e5f04a6b-8c7d-8e9fa0b1c2d3", false},
	{"0a1b2c3d-4e5f-4a6b08c7d-8e9fa0b1c2d3", false},
	{"0a1b2c3d-4e5f-4a6b-8c7d08e9fa0b1c2d3", false},
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2-3", false},
	{"------------------------------------", false},
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2\u00e9", false}, // 36 bytes, not ASCII
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d/", false},
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d:", false},
	{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d`", false},
	{"../../../../etc/passwd", false},
	{"1' OR '1'='1", false},
	{"", false},
}

func TestValidID(t *testing.T) {
	for _, tt := range validIDCases {
		t.Run(tt.in, func(t *testing.T) {
			if got := ValidID(tt.in); got != tt.want {
				t.Errorf("ValidID(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if re := idRE.MatchString(tt.in); re != tt.want {
				t.Errorf("regexp(%q) = %v, want %v", tt.in, re, tt.want)
			}
		})
	}
}

// FuzzValidID holds ValidID equal to the regexp it replaced.
func FuzzValidID(f *testing.F) {
	for _, tt := range validIDCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if got, want := ValidID(id), idRE.MatchString(id); got != want {
			t.Errorf("ValidID(%q) = %v, regexp says %v", id, got, want)
		}
	})
}

func TestAPIError(t *testing.T) {
	var err error = &APIError{Status: 409, Code: CodeConflict, Msg: "base revision is stale"}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != CodeConflict {
		t.Fatalf("errors.As(%v) = %v", err, ae)
	}
	if got := err.Error(); !strings.Contains(got, "409") || !strings.Contains(got, CodeConflict) {
		t.Errorf("Error() = %q, want status and code", got)
	}
}

func BenchmarkValidID(b *testing.B) {
	id := "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3"
	b.Run("ValidID", func(b *testing.B) {
		for b.Loop() {
			if !ValidID(id) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			if !idRE.MatchString(id) {
				b.Fatal("invalid")
			}
		}
	})
}
