package importer

import "errors"

var errNotYet = errors.New("this format is not implemented yet")

// ReadKeep is not written yet.
func ReadKeep(path string, sink Sink) error { return errNotYet }

// ReadStandardNotes is not written yet.
func ReadStandardNotes(path string, sink Sink) error { return errNotYet }

// ReadJoplin is not written yet.
func ReadJoplin(path string, sink Sink) error { return errNotYet }
