//go:build linux

package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel SIGKILL cmd's process when this process
// dies, so a killed or crashed `go test` leaves no cipherleafd behind.
// (Pdeathsig follows the OS thread that started the child; the Go runtime
// does not end idle threads, so in practice that is this process.)
func dieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
