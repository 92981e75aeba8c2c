//go:build !linux

package pgtest

import "syscall"

// procAttr: outside Linux the cluster runs as the current user (which
// must not be root) and is stopped by Stop only.
func procAttr(*credential, bool) *syscall.SysProcAttr { return nil }
