// Package protocol defines the Cipherleaf HTTP API version 1: request and
// response bodies, error codes and validation rules shared by the client and
// the server (see SPEC.md §7). It holds no cryptography: every key and blob
// here is opaque bytes.
package protocol

// APIVersion is the API version this package describes.
const APIVersion = 1

// PathPrefix is the URL prefix of every API v1 endpoint.
const PathPrefix = "/api/v1"
