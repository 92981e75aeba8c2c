// Package httpapi is Cipherleaf's HTTP API version 1 (SPEC §7) on Echo:
// every route is listed in routes.go, every error is mapped to a status and
// code in errors.go, and handlers only decode, validate, call the store and
// encode. The server stores opaque blobs; it never holds a key.
package httpapi
