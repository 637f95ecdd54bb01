// Package cli builds spyglass's command tree: one file per command, flags and
// wiring only. Analysis lives in the packages the commands call.
package cli

import (
	"io"
	"net/http"
	"os"
)

// App carries everything a command touches outside the process, so tests can
// run commands with fake streams, environment and network.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (os.Getenv in production).
	Getenv func(string) string
	// HTTPClient is used only by commands the user asked to go online
	// (iocs update, --expand-urls). Tests install a transport that fails on
	// any unexpected dial.
	HTTPClient *http.Client
	// Version is the tool's version, written in info.json.
	Version string
}

// NewApp returns an App wired to the real process.
func NewApp(version string) *App {
	return &App{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		HTTPClient: &http.Client{},
		Version:    version,
	}
}
