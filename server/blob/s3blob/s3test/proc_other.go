//go:build !linux

package s3test

import "syscall"

// procAttr: outside Linux the server is stopped by Stop only.
func procAttr() *syscall.SysProcAttr { return nil }
