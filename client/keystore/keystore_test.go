package keystore

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestOSRoundTrip(t *testing.T) {
	keyring.MockInit()
	var k Keyring = OS{}
	if _, err := k.Get("svc", "u"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
	if err := k.Set("svc", "u", "s3cret"); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get("svc", "u")
	if err != nil || got != "s3cret" {
		t.Fatalf("Get = %q, %v, want s3cret", got, err)
	}
	if err := k.Delete("svc", "u"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete("svc", "u"); err != nil {
		t.Fatalf("Delete(missing) = %v, want nil", err)
	}
	if _, err := k.Get("svc", "u"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete = %v, want ErrNotFound", err)
	}
}

// TestNone: a machine without a keyring reports it on every read and
// write, so callers fall back to the vault file; Delete has nothing to do.
func TestNone(t *testing.T) {
	var k Keyring = None{}
	if _, err := k.Get("s", "u"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Get: %v, want ErrUnavailable", err)
	}
	if err := k.Set("s", "u", "x"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Set: %v, want ErrUnavailable", err)
	}
	if err := k.Delete("s", "u"); err != nil {
		t.Errorf("Delete: %v", err)
	}
}
