package cli

import (
	"context"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

func (f *fakeCore) History(_ context.Context, id string) ([]core.Revision, error) {
	if err := f.call("History %s", id); err != nil {
		return nil, err
	}
	t := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	return []core.Revision{{Rev: 2, Time: t.Add(time.Hour)}, {Rev: 1, Time: t}}, nil
}

func (f *fakeCore) RevisionNote(_ context.Context, id string, rev uint64) (*note.Note, error) {
	if err := f.call("RevisionNote %s %d", id, rev); err != nil {
		return nil, err
	}
	return &note.Note{Body: "old body"}, nil
}

func (f *fakeCore) Restore(_ context.Context, id string, rev uint64) error {
	return f.call("Restore %s %d", id, rev)
}
