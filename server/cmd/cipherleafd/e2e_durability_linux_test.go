package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// fsyncShim is an LD_PRELOAD library that appends "fsync PATH" to the file
// named by $FSYNC_LOG after every successful fsync or fdatasync the
// process makes through libc (SQLite's unix VFS does). O_APPEND writes of
// one line are atomic, so the test's own markers interleave cleanly.
const fsyncShim = `
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int logfd = -1;
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

__attribute__((constructor)) static void init(void) {
	const char *p = getenv("FSYNC_LOG");
	if (p) logfd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
}

static void note(int fd) {
	char link[64], path[4096], line[4200];
	if (logfd < 0) return;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof path - 1);
	path[n < 0 ? 0 : n] = 0;
	int len = snprintf(line, sizeof line, "fsync %s\n", path);
	if (write(logfd, line, len) < 0) abort();
}

int fsync(int fd) { int r = real_fsync(fd); if (r == 0) note(fd); return r; }
int fdatasync(int fd) { int r = real_fdatasync(fd); if (r == 0) note(fd); return r; }
`

// buildFsyncShim compiles fsyncShim with the C compiler cgo uses anyway.
func buildFsyncShim(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src, so := filepath.Join(dir, "shim.c"), filepath.Join(dir, "shim.so")
	if err := os.WriteFile(src, []byte(fsyncShim), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-shared", "-fPIC", "-O2", "-o", so, src, "-ldl").CombinedOutput(); err != nil {
		t.Fatalf("build fsync shim: %v\n%s", err, out)
	}
	return so
}

// walSyncsPerAck reads the log: for each "ack" marker, how many fsyncs of
// the database's WAL completed since the previous marker.
func walSyncsPerAck(t *testing.T, log string) []int {
	t.Helper()
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var per []int
	n, started := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		switch l := sc.Text(); {
		case l == "begin":
			n, started = 0, true
		case l == "ack":
			if !started {
				t.Fatal("ack before begin in the fsync log")
			}
			per = append(per, n)
			n = 0
		case strings.HasPrefix(l, "fsync ") && strings.HasSuffix(l, "cipherleaf.db-wal"):
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return per
}

func appendLine(t *testing.T, path, line string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestAcknowledgedWriteFsyncedFirst counts, with an LD_PRELOAD shim on the
// real server, the fsyncs of the WAL that completed between one answered
// note write and the next: by default (and with --durability power) every
// answer comes after an fsync of the WAL; with --durability process the
// same count finds answers with none, which shows the check can fail.
// The single writes are followed by pushes of 1,000-op batches, enough of
// them for checkpoints to run in the background meanwhile.
func TestAcknowledgedWriteFsyncedFirst(t *testing.T) {
	shim := buildFsyncShim(t)
	const single, batches = 20, 5
	const writes = single + batches
	for _, tc := range []struct {
		name       string
		args       []string
		wantSynced bool
	}{
		{"default", nil, true},
		{"power", []string{"--durability", "power"}, true},
		{"process", []string{"--durability", "process"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "fsync.log")
			d := startEnv(t, []string{"LD_PRELOAD=" + shim, "FSYNC_LOG=" + log}, t.TempDir(), tc.args...)
			tok := d.register("alice").AccessToken
			appendLine(t, log, "begin")
			for i := range single {
				req := protocol.PutNoteRequest{BaseRev: 0, Blob: repeat(byte(i), 1024)}
				if st, b := d.call("PUT", "/api/v1/notes/"+noteID(i), tok, req, nil); st != 200 {
					t.Fatalf("PUT note %d = %d %s", i, st, b)
				}
				appendLine(t, log, "ack")
			}
			for b := range batches {
				var req protocol.BatchRequest
				for i := range protocol.MaxBatchOps {
					req.Ops = append(req.Ops, protocol.BatchOp{Op: protocol.OpPut, ID: noteID(single + b*protocol.MaxBatchOps + i), Blob: repeat(byte(i), 1400)})
				}
				var resp protocol.BatchResponse
				if st, body := d.call("POST", "/api/v1/notes/batch", tok, req, &resp); st != 200 || !resp.Applied {
					t.Fatalf("POST batch %d = %d %s", b, st, body)
				}
				appendLine(t, log, "ack")
			}
			per := walSyncsPerAck(t, log)
			if len(per) != writes {
				t.Fatalf("log has %d acks, want %d", len(per), writes)
			}
			unsynced := 0
			for _, n := range per {
				if n == 0 {
					unsynced++
				}
			}
			if tc.wantSynced && unsynced != 0 {
				t.Errorf("%d of %d acknowledged writes had no WAL fsync before their answer (per write: %v)", unsynced, writes, per)
			}
			if !tc.wantSynced && unsynced == 0 {
				t.Errorf("every write was fsynced with --durability process (per write: %v): the count cannot tell the settings apart", per)
			}
			t.Logf("WAL fsyncs per acknowledged write: %v", per)
		})
	}
}
