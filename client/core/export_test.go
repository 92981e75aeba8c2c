package core

// WatchOpened is how many rows c's vault watcher read whole and opened.
func WatchOpened(c *Core) int64 { return c.watchOpened.Load() }

// StagedAdopted is how many pulls' search indexes c built apart and adopted.
func StagedAdopted(c *Core) int64 { return c.stagedAdopted.Load() }
