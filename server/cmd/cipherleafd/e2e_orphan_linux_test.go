//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"cipherleaf.dev/shared/childproc"
)

// TestE2ENoOrphanServer: when the test process that started cipherleafd
// is killed (SIGKILL, so no cleanup runs), the server dies with it.
// The killed child leaves nothing behind either: it reuses this process's
// binary instead of building one, and its TMPDIR (where its t.TempDir and
// the server's data land) is a folder of this test, removed at its end.
func TestE2ENoOrphanServer(t *testing.T) {
	if os.Getenv("CIPHERLEAFD_ORPHAN_CHILD") == "1" {
		d := start(t, filepath.Join(t.TempDir(), "data"))
		fmt.Printf("server pid %d\n", d.cmd.Process.Pid)
		select {} // until the parent kills this process
	}
	child := exec.Command(os.Args[0], "-test.run=^TestE2ENoOrphanServer$", "-test.v")
	tmp := t.TempDir()
	child.Env = append(os.Environ(), "CIPHERLEAFD_ORPHAN_CHILD=1", envBinary+"="+binary, "TMPDIR="+tmp)
	var stderr bytes.Buffer
	child.Stderr = &stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	childproc.DieWithParent(child)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	pid := 0
	sc := bufio.NewScanner(out)
	for pid == 0 && sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "server pid "); ok {
			pid, _ = strconv.Atoi(s)
		}
	}
	if pid == 0 {
		child.Process.Kill()
		child.Wait()
		t.Fatalf("the child test did not start a server; stderr:\n%s", stderr.String())
	}
	child.Process.Kill()
	child.Wait()

	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for alive(pid) {
		select {
		case <-tick.C:
		case <-deadline:
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("cipherleafd (pid %d) outlived the killed test process", pid)
		}
	}
}

// alive reports whether pid runs (a zombie waiting to be reaped counts as
// dead: it no longer serves anything).
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses: "pid (comm) S ...".
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
