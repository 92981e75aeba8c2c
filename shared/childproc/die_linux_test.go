package childproc

import (
	"os/exec"
	"syscall"
	"testing"
)

// TestDieWithParent: the parent-death signal is SIGKILL, and attributes
// set before are kept.
func TestDieWithParent(t *testing.T) {
	for _, tc := range []struct {
		name string
		attr *syscall.SysProcAttr
	}{
		{"no attributes", nil},
		{"a process group", &syscall.SysProcAttr{Setpgid: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("true")
			cmd.SysProcAttr = tc.attr
			setpgid := tc.attr != nil && tc.attr.Setpgid
			DieWithParent(cmd)
			if a := cmd.SysProcAttr; a == nil || a.Pdeathsig != syscall.SIGKILL || a.Setpgid != setpgid {
				t.Fatalf("DieWithParent: SysProcAttr = %+v, want Pdeathsig SIGKILL and Setpgid %v", a, setpgid)
			}
		})
	}
}
