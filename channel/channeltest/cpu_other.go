//go:build !unix

package channeltest

import "time"

// processCPU is not measured here.
func processCPU() time.Duration { return 0 }
