// Command spyglass finds traces of targeted spyware on phones.
package main

import (
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/spyglass-forensics/spyglass/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Garbage collection. A check streams gigabytes of records through
// short-lived buffers while little stays alive (the timeline batches, SQLite
// caches). Collecting at 200 % heap growth, under a soft 400 MiB limit,
// takes about 1.2 s (8 %) off the large benchmark case for a peak of
// 400–420 MB instead of 320 MB, still under the 500 MB target; the limit
// keeps that bound whatever the case. GOGC and GOMEMLIMIT, when set, win.
const (
	gcPercent   = 200
	memoryLimit = 400 << 20
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	// SPYGLASS_CPUPROFILE writes a CPU profile, for the large-case benchmark.
	if p := os.Getenv("SPYGLASS_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	ctx, stop := stopOnInterrupt(pprof.StopCPUProfile)
	code := cli.Execute(ctx, cli.NewApp(version), os.Args[1:])
	interrupted := ctx.Err() != nil
	stop()
	pprof.StopCPUProfile()
	if interrupted && code != 0 {
		code = exitInterrupted
	}
	os.Exit(code)
}
