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
