package core

import (
	"encoding/json"
	"errors"
	"testing"

	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/client/vault"
)

// oneSecret is a keyring holding one secret for every name.
type oneSecret string

func (s oneSecret) Get(string, string) (string, error) { return string(s), nil }
func (oneSecret) Set(string, string, string) error     { return nil }
func (oneSecret) Delete(string, string) error          { return nil }

var _ keystore.Keyring = oneSecret("")

// FuzzKeyringTokens: whatever the keyring holds, reading the tokens either
// gives what a well-formed entry says or ErrTokensGone, never a panic.
func FuzzKeyringTokens(f *testing.F) {
	f.Add(`{"access_token":"a.b.c","refresh_token":"r"}`)
	f.Add(`{}`)
	f.Add(`not json`)
	f.Add(`{"access_token":1}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, s string) {
		access, refresh, err := keyringTokens{oneSecret(s)}.Tokens("p")
		var st storedTokens
		if json.Unmarshal([]byte(s), &st) != nil {
			if !errors.Is(err, vault.ErrTokensGone) {
				t.Fatalf("Tokens(%q) = %q, %q, %v; want ErrTokensGone", s, access, refresh, err)
			}
			return
		}
		if err != nil || access != st.Access || refresh != st.Refresh {
			t.Fatalf("Tokens(%q) = %q, %q, %v; want %q, %q", s, access, refresh, err, st.Access, st.Refresh)
		}
	})
}
