package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/keystore"
)

// keyringlessAPI is the fake core on a machine with no OS keyring: its
// tokens went to the vault file.
type keyringlessAPI struct {
	*fakeAPI
	inKeyring bool
}

func (k keyringlessAPI) TokenStorage(context.Context) (bool, error) {
	if k.inKeyring {
		return true, nil
	}
	return false, fmt.Errorf("write keyring: %w: %w", keystore.ErrUnavailable, fmt.Errorf("dbus: no session bus"))
}

func TestSettingsSaysWhyTokensAreInTheVault(t *testing.T) {
	for _, tc := range []struct {
		name      string
		inKeyring bool
	}{
		{"no keyring", false},
		{"keyring", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeAPI().withAccount("pw")
			fake.locked = false
			sampleNotes(fake)
			h := newHarness(t, keyringlessAPI{fakeAPI: fake, inKeyring: tc.inKeyring}, Options{})
			h.tap("Settings")
			h.mustShow("Settings")
			h.wait()
			if tc.inKeyring {
				h.mustNotShow("Sign-in tokens")
				return
			}
			h.mustShow("Sign-in tokens")
			var said string
			h.visit(func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "In this profile's vault file") {
					said = l.Text
				}
			})
			if !strings.Contains(said, "No OS keyring is available") {
				t.Errorf("token row says %q, want it to say why there is no keyring", said)
			}
		})
	}
}
