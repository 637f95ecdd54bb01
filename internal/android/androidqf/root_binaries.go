package androidqf

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// RootBinary is one root tool AndroidQF found with `which`.
type RootBinary struct {
	Path        string `json:"path"`
	BinaryName  string `json:"binary_name"`
	Description string `json:"description"`
}

var rootBinaryDescriptions = map[string]string{
	"su":            "SuperUser binary",
	"busybox":       "BusyBox utilities",
	"supersu":       "SuperSU root management",
	"superuser.apk": "Superuser app",
	"kingouser.apk": "KingRoot app",
	"supersu.apk":   "SuperSU app",
	"magisk":        "Magisk root framework",
	"magiskhide":    "Magisk hide utility",
	"magiskinit":    "Magisk init binary",
	"magiskpolicy":  "Magisk policy binary",
}

var hRootBinary = &alert.Heuristic{
	ID:     "android.root_binaries.found",
	Title:  "Root tool present",
	Why:    "A rooting tool is on the phone. A rooted phone has lost Android's isolation between apps; spyware installed with root can read everything.",
	Action: "Ask the owner whether they rooted the phone. If not, treat the phone as compromised and have it examined by an expert.",
}

// RootBinaries analyses root_binaries.json (the root tools AndroidQF found).
type RootBinaries struct{}

// Describe implements module.Module.
func (RootBinaries) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "root_binaries",
		MVTName:     "RootBinaries",
		Description: "Root tools found on the phone (root_binaries.json)",
		Artifact:    "Rooting tools found on the phone",
		Evidence:    []module.Evidence{module.AndroidQF},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m RootBinaries) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	a, err := acquisition(in)
	if err != nil {
		return err
	}
	b, err := a.ReadSmall("root_binaries.json")
	if err != nil {
		return err
	}
	var paths []any
	if err := json.Unmarshal(b, &paths); err != nil {
		return fmt.Errorf("root_binaries.json: expected a list of paths: %w", err)
	}
	for _, p := range paths {
		s, ok := p.(string)
		if !ok || strings.TrimSpace(s) == "" {
			continue
		}
		r := newRootBinary(s)
		out.Record(r)
		m.check(r, out)
	}
	return ctx.Err()
}

func newRootBinary(p string) RootBinary {
	p = strings.TrimSpace(p)
	name := strings.ToLower(p[strings.LastIndex(p, "/")+1:])
	desc, ok := rootBinaryDescriptions[name]
	if !ok {
		desc = "Unknown root binary"
	}
	return RootBinary{Path: p, BinaryName: name, Description: desc}
}

// Recheck implements module.Rechecker.
func (m RootBinaries) Recheck(_ context.Context, _ *ioc.Index, raw []byte, out module.Emitter) error {
	var r RootBinary
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("root_binaries record: %w", err)
	}
	m.check(r, out)
	return nil
}

func (RootBinaries) check(r RootBinary, out module.Emitter) {
	out.Alert(alert.Alert{
		Level:     alert.High,
		Message:   fmt.Sprintf("Found root binary %q at path %q (%s)", r.BinaryName, r.Path, r.Description),
		Event:     r,
		Heuristic: hRootBinary,
	})
}
