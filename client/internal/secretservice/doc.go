// Package secretservice holds only a test: tokens through a real OS
// keyring (gnome-keyring's Secret Service under dbus-run-session, started
// by `make test`), against a real cipherleafd. It is a package of its own
// because the core's tests replace the keyring with go-keyring's mock.
package secretservice
