package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// dataDir names the files in a server's data folder.
type dataDir string

func (d dataDir) db() string       { return filepath.Join(string(d), "cipherleaf.db") }
func (d dataDir) secret() string   { return filepath.Join(string(d), "secret.key") }
func (d dataDir) tlsCert() string  { return filepath.Join(string(d), "tls-cert.pem") }
func (d dataDir) tlsKey() string   { return filepath.Join(string(d), "tls-key.pem") }
func (d dataDir) String() string   { return string(d) }
func (d dataDir) isSet() bool      { return d != "" }
func (d dataDir) mustExist() error { return d.check(false) }

// create makes the folder (mode 0700) if needed.
func (d dataDir) create() error { return d.check(true) }

func (d dataDir) check(create bool) error {
	if !d.isSet() {
		return fmt.Errorf("%w: --data DIR is required", errUsage)
	}
	if create {
		if err := os.MkdirAll(string(d), 0o700); err != nil {
			return fmt.Errorf("create data folder: %w", err)
		}
	}
	fi, err := os.Stat(string(d))
	if err != nil {
		return fmt.Errorf("open data folder: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("open data folder: %s is not a folder", d)
	}
	return nil
}
