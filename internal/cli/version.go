package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print spyglass's version, the Go version it was built with and its commit",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			info, _ := debug.ReadBuildInfo()
			printVersion(app.Stdout, app.Version, info)
			return nil
		},
	}
}

// printVersion writes what a bug report needs: the version, the Go
// toolchain, the platform, and the commit when the build embedded it
// (go build inside a git checkout does; -buildvcs=false and go run of a
// file list do not).
func printVersion(w io.Writer, version string, info *debug.BuildInfo) {
	fmt.Fprintf(w, "spyglass %s\n", version)
	goVersion := runtime.Version()
	if info != nil && info.GoVersion != "" {
		goVersion = info.GoVersion
	}
	fmt.Fprintf(w, "go: %s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	if info == nil {
		return
	}
	var rev, when, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return
	}
	line := "commit: " + rev
	if when != "" {
		line += " (" + when + ")"
	}
	if modified == "true" {
		line += ", with uncommitted changes"
	}
	fmt.Fprintln(w, line)
}
