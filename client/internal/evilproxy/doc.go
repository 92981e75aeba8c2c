// Package evilproxy is a TLS reverse proxy for tests that stands in for a
// malicious server: in front of the real cipherleafd it records what passes
// through and, as scripted, rewrites the change feed, the manifest and batch
// answers — dropping, rolling back, swapping, injecting and replaying real
// recorded blobs, forking the view of one device, truncating or reordering —
// so tests can check that every device detects it (SPEC §10.1).
package evilproxy
