package pgtest

import "syscall"

// procAttr runs a child as cred (if not nil); a server child also gets
// SIGKILL when the test binary dies, even by kill -9 (Go sets the
// parent-death signal after switching to cred).
func procAttr(cred *credential, server bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{}
	if cred != nil {
		a.Credential = &syscall.Credential{Uid: uint32(cred.uid), Gid: uint32(cred.gid)}
	}
	if server {
		a.Pdeathsig = syscall.SIGKILL
	}
	return a
}
