// Command spyglass finds traces of targeted spyware on phones.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/spyglass-forensics/spyglass/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	// SPYGLASS_CPUPROFILE writes a CPU profile, for the large-case benchmark.
	if p := os.Getenv("SPYGLASS_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Execute(ctx, cli.NewApp(version), os.Args[1:])
	stop()
	pprof.StopCPUProfile()
	os.Exit(code)
}
