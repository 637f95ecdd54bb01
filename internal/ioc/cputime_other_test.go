//go:build !unix

package ioc

import "time"

func cpuTime() time.Duration { return 0 }
