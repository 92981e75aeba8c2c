package importer

import "errors"

var errNotYet = errors.New("this format is not implemented yet")

// ReadJoplin is not written yet.
func ReadJoplin(path string, sink Sink) error { return errNotYet }
