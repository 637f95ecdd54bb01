// Command spyglass finds traces of targeted spyware on phones.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/spyglass-forensics/spyglass/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Execute(ctx, cli.NewApp(version), os.Args[1:])
	stop()
	os.Exit(code)
}
