//go:build !unix && !windows

package badgerstore

import "os"

// lockFile: no file locks here; Badger's own directory lock is all.
func lockFile(*os.File) error { return nil }
