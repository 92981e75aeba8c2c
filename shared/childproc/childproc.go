// Package childproc sets up the child processes that tests and tools
// start (cipherleafd, SeaweedFS): a child is killed with its parent, so a
// killed or crashed `go test` leaves no server behind.
package childproc
