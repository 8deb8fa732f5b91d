package store

import "time"

// SetMaintenance makes background deletes work in chunks of chunk rows and
// reports every delete statement to hook (nil: none) until the returned
// function restores the defaults.
func SetMaintenance(chunk int, hook func(op, collection string, rows int64)) (restore func()) {
	oldChunk, oldHook := maintChunk, maintHook
	maintChunk, maintHook = chunk, hook
	return func() { maintChunk, maintHook = oldChunk, oldHook }
}

// SetSessionIdle makes the embedded session backend of db forget sessions
// unused for idle.
func SetSessionIdle(db *DB, idle time.Duration) {
	if l, ok := db.Sessions().backend.(*logSessions); ok {
		l.mu.Lock()
		l.idle = idle
		l.mu.Unlock()
	}
}

// SessionsInMemory is how many sessions db's embedded backend holds.
func SessionsInMemory(db *DB) int {
	if l, ok := db.Sessions().backend.(*logSessions); ok {
		l.mu.Lock()
		defer l.mu.Unlock()
		return len(l.mem)
	}
	return 0
}

// SetSessionCap makes the embedded session backend of db keep at most n
// sessions in memory.
func SetSessionCap(db *DB, n int) {
	if l, ok := db.Sessions().backend.(*logSessions); ok {
		l.mu.Lock()
		l.memCap = n
		l.mu.Unlock()
	}
}
