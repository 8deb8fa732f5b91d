package store

// SetMaintenance makes background deletes work in chunks of chunk rows and
// reports every delete statement to hook (nil: none) until the returned
// function restores the defaults.
func SetMaintenance(chunk int, hook func(op, collection string, rows int64)) (restore func()) {
	oldChunk, oldHook := maintChunk, maintHook
	maintChunk, maintHook = chunk, hook
	return func() { maintChunk, maintHook = oldChunk, oldHook }
}
