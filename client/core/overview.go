package core

// Overview is what the app's sidebar and note list show, read at once:
// one pass over the items in memory under one read lock, and one effective
// tree (SPEC §12.2) for the notebooks and every note's place.
type Overview struct {
	Notes     []NoteInfo     // every listed note, as List returns them
	Notebooks []NotebookInfo // the effective tree, as Notebooks returns it
	Trashed   int            // notes in the trash
	Conflicts int            // conflicted copies among Notes
}

// Overview returns the notes, the notebook tree and the trash and conflict
// counts in one read (empty when locked).
func (c *Core) Overview() Overview {
	c.mu.RLock()
	t := buildTree(c.notes)
	ov := Overview{Notes: make([]NoteInfo, 0, len(c.notes))}
	for id, e := range c.notes {
		switch {
		case listed(e):
			ni := c.info(id, e)
			ni.Notebook = t.place(e.n.Notebook)
			ni.NotebookPath = t.path(ni.Notebook)
			if ni.Conflict {
				ov.Conflicts++
			}
			ov.Notes = append(ov.Notes, ni)
		case e.n.IsNote() && e.n.Trashed():
			ov.Trashed++
		}
	}
	c.mu.RUnlock()
	ov.Notebooks = t.infos()
	sortInfos(ov.Notes)
	return ov
}
