//go:build !unix

package datadir

import "os"

// Without flock the directory is not guarded; dvcbot is deployed on Linux.
func tryLock(*os.File) error { return nil }

func unlock(*os.File) error { return nil }
