package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/sqlite"
)

func TestTombstoneRetentionFlag(t *testing.T) {
	c, fs := serveFlags(&bytes.Buffer{})
	if _, err := parse(fs, nil, func(string) string { return "" }); err != nil || c.tombstones != (tombstoneFlags{90 * 24 * time.Hour, time.Hour}) {
		t.Fatalf("default --tombstone-retention = %v, %v; want 90 days", c.tombstones, err)
	}
	for _, args := range [][]string{
		{"serve", "--data", t.TempDir(), "--tombstone-retention", "-1h"},
		{"serve", "--data", t.TempDir(), "--tombstone-compact-every", "0s"},
		{"compact", "--data", t.TempDir(), "--tombstone-retention", "-1s"},
		{"compact", "--data", t.TempDir(), "extra"},
		{"compact"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if err := run(context.Background(), args, func(string) string { return "" }, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, errUsage) {
				t.Errorf("run(%q) = %v, want errUsage", args, err)
			}
		})
	}
}

// cipherleafd compact removes tombstones past the retention given by flag
// or environment, and keeps them with retention 0.
func TestCompactCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(ctx, dataDir(dir).db(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := &server.User{UID: "00000000-0000-4000-8000-000000000001", Username: "ann", AuthHash: []byte("h"), RecoveryHash: []byte("r"),
		WrappedKey: []byte("w"), RecoveryWrappedKey: []byte("r")}
	if err := st.CreateUser(ctx, u, &server.Session{ID: "s", DeviceName: "d", RefreshHash: []byte("rh")}); err != nil {
		t.Fatal(err)
	}
	id := "00000000-0000-4000-8000-0000000000aa"
	if _, _, err := st.WriteNote(ctx, u.ID, 0, &server.Write{ID: id, Blob: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.WriteNote(ctx, u.ID, 0, &server.Write{ID: id, BaseRev: 1, Delete: true}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, tt := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"--tombstone-retention", "0"}, "", "compacted 0 tombstones"},
		{nil, "", "compacted 0 tombstones"},    // 90 days
		{nil, "1ns", "compacted 1 tombstones"}, // CIPHERLEAF_TOMBSTONE_RETENTION
		{[]string{"--tombstone-retention", "1ns"}, "", "compacted 0 tombstones"},
	} {
		var out bytes.Buffer
		getenv := func(k string) string {
			if k == "CIPHERLEAF_TOMBSTONE_RETENTION" {
				return tt.env
			}
			return ""
		}
		args := append([]string{"compact", "--data", dir}, tt.args...)
		if err := run(ctx, args, getenv, &out, &bytes.Buffer{}); err != nil || !strings.HasPrefix(out.String(), tt.want) {
			t.Errorf("run(%q, env %q) = %q, %v; want %q", args, tt.env, out.String(), err, tt.want)
		}
	}
}
