package s3test

import "syscall"

// procAttr: the server gets SIGKILL when the test binary dies.
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
