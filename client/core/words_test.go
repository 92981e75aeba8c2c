package core_test

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
	"github.com/mattn/go-sqlite3"
)

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string // a fragment of the sentence
	}{
		{"wrong password", fmt.Errorf("unlock: %w", core.ErrWrongPassword), "Wrong password"},
		{"unreachable after a 429", fmt.Errorf("sync: %w: %w", core.ErrOffline, waitErr(7e9)), "Try again in 7 s"},
		{"429 without Retry-After", &protocol.APIError{Status: 429, Code: protocol.CodeRateLimited}, "Try again in a minute"},
		{"unreachable", fmt.Errorf("sync: %w: %w", core.ErrOffline, apiclient.ErrUnreachable), "can't be reached"},
		{"certificate changed", core.ErrCertificateChanged, "certificate has changed"},
		{"session expired", core.ErrSessionExpired, "Sign in again"},
		{"401 from the server", &protocol.APIError{Status: 401, Code: protocol.CodeUnauthorized}, "Sign in again"},
		{"tampered", fmt.Errorf("sync: %w", core.ErrTampered), "altered"},
		{"rollback", core.ErrRollback, "rollback"},
		{"detected: notes dropped", fmt.Errorf("sync: %w", manifest.Detect(manifest.ErrStateMismatch, "note x")), "dropped notes, rolled them back or replayed"},
		{"detected: note rolled back", manifest.Detect(manifest.ErrNoteRollback, ""), "older version of a note"},
		{"detected: manifest rolled back", manifest.Detect(manifest.ErrManifestRollback, ""), "older state of your notes"},
		{"detected: fork", manifest.Detect(manifest.ErrFork, ""), "different histories (a fork)"},
		{"detected: tampered manifest", manifest.Detect(manifest.ErrTamperedManifest, ""), "record of your notes failed"},
		{"detected: tampered note", manifest.Detect(manifest.ErrTamperedNote, ""), "Sync stopped: a note failed its integrity check"},
		{"quota", fmt.Errorf("sync: %w", &protocol.APIError{Status: 413, Code: protocol.CodeQuotaExceeded}), "storage on the server is full"},
		{"rate limited", &protocol.APIError{Status: 429, Code: protocol.CodeRateLimited}, "Try again in"},
		{"disk full", fmt.Errorf("commit: %w", sqlite3.Error{Code: sqlite3.ErrFull}), "disk is full"},
		{"invalid username", fmt.Errorf("register: %w", protocol.ErrInvalidUsername), "3 to 64 characters"},
		{"username taken", &protocol.APIError{Status: 409, Code: protocol.CodeUsernameTaken}, "username is taken"},
		{"mistyped recovery key", cryptobox.ErrRecoveryKeyMistyped, "mistyped"},
		{"weak kdf from server", fmt.Errorf("derive: %w", cryptobox.ErrWeakParams), "unsafe password settings"},
		{"no permission", fmt.Errorf("export backup: %w", &fs.PathError{Op: "open", Path: "/root/x", Err: fs.ErrPermission}), "not allowed to use that file or folder"},
		{"missing file", fmt.Errorf("import: %w", &fs.PathError{Op: "open", Path: "/tmp/gone", Err: fs.ErrNotExist}), "doesn't exist"},
		{"unknown", errors.New("sql: database is locked at /home/x/vault.db"), "An unexpected error stopped this"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := core.Words(tc.err)
			if !strings.Contains(got, tc.want) {
				t.Errorf("Words(%v) = %q, want it to contain %q", tc.err, got, tc.want)
			}
			if strings.Contains(got, "vault.db") || strings.Contains(got, "sql") {
				t.Errorf("Words(%v) = %q leaks internals", tc.err, got)
			}
		})
	}
	for _, kind := range []error{manifest.ErrStateMismatch, manifest.ErrNoteRollback, manifest.ErrManifestRollback, manifest.ErrFork, manifest.ErrTamperedManifest, manifest.ErrTamperedNote} {
		err := fmt.Errorf("sync: %w", manifest.Detect(kind, "detail"))
		if !core.IsTamperDetection(err) || !strings.HasPrefix(core.Words(err), "Sync stopped: ") || !strings.HasSuffix(core.Words(err), "untouched.") {
			t.Errorf("IsTamperDetection(%v) = %t, Words = %q", err, core.IsTamperDetection(err), core.Words(err))
		}
	}
	if core.IsTamperDetection(core.ErrTampered) || core.IsTamperDetection(core.ErrOffline) {
		t.Error("IsTamperDetection of a plain sentinel is true")
	}
	if core.Words(nil) != "" {
		t.Error("Words(nil) is not empty")
	}
}

// waitErr is an error that says how long to wait, like the API client's.
type waitErr time.Duration

func (w waitErr) Error() string             { return "rate limited" }
func (w waitErr) RetryAfter() time.Duration { return time.Duration(w) }
