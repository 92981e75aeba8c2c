package childproc

import (
	"os/exec"
	"syscall"
)

// DieWithParent makes the kernel SIGKILL cmd's process when this process
// dies. (Pdeathsig follows the OS thread that started the child; the Go
// runtime does not end idle threads, so in practice that is this
// process.) Other attributes already in cmd.SysProcAttr are kept.
func DieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
