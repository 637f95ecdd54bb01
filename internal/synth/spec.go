// Package synth writes synthetic iPhone backups in the real iTunes/Finder
// format (Info.plist, Manifest.plist, Status.plist, Manifest.db and the
// artifact databases under <fileID[:2]>/<fileID>, with the table layouts iOS
// uses), for the demo command, tests and large-case benchmarks. Output is a
// pure function of the Spec: the same seed gives the same bytes.
//
// Layout: spec.go (what to write), backup.go (the orchestration),
// plists.go, mbfile.go and manifest.go (the backup container), one file per
// artifact database (sms.go, datausage.go, safari.go, whatsapp.go) with its
// schema beside it (schema_*.go), demo.go (the demo backup).
package synth

import (
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// Spec says how large each artifact is and which traces to plant.
type Spec struct {
	SMS                int // messages in sms.db
	SafariVisits       int // visits in Safari's History.db
	WhatsAppMessages   int // messages in WhatsApp's ChatStorage.sqlite
	ManifestFiles      int // entries of Manifest.db (at least the artifacts written)
	DataUsageProcesses int // processes in DataUsage.sqlite
	Seed               int64
	// Traces are indicator values planted where real spyware leaves them.
	// They come on top of the counts above (an SMS trace adds one message).
	Traces []Trace
}

// Kind says where a trace is planted.
type Kind string

// The places a trace can be planted.
const (
	// SMSLink is a link to Value (a domain or a URL) in a received SMS, as in
	// Pegasus's and Predator's one-click infection attempts.
	SMSLink Kind = "sms_link"
	// DataUsageProcess is a process named Value that used the network, as
	// Pegasus's processes (bh, roleaccountd…) show up in DataUsage.sqlite.
	DataUsageProcess Kind = "datausage_process"
	// SafariVisit is a visit to Value (a domain or a URL) in Safari's
	// history, as a clicked infection link or a network-injection redirect.
	SafariVisit Kind = "safari_visit"
	// SafariTab is an open Safari tab on Value (domain or URL), in
	// BrowserState.db.
	SafariTab Kind = "safari_tab"
	// WhatsAppLink is a link to Value (domain or URL) in a received WhatsApp
	// message.
	WhatsAppLink Kind = "whatsapp_link"
	// ManifestPath is a file whose backup relative path is Value (a path
	// with or without the leading '/'), as spyware files left on disk.
	ManifestPath Kind = "manifest_path"
)

// Trace is one planted indicator value.
type Trace struct {
	Kind  Kind
	Value string
	// Collection names the malware the value belongs to (informational,
	// for the demo's printout).
	Collection string
}

// Module is the slug of the spyglass module that must raise an alert for
// the trace.
func (t Trace) Module() string {
	switch t.Kind {
	case SMSLink:
		return "sms"
	case DataUsageProcess:
		return "datausage"
	case SafariVisit:
		return "safari_history"
	case SafariTab:
		return "safari_browser_state"
	case WhatsAppLink:
		return "whatsapp"
	case ManifestPath:
		return "manifest"
	}
	return ""
}

// Level is the alert level spyglass (and MVT) give a match of the trace.
func (t Trace) Level() alert.Level {
	if t.Kind == ManifestPath {
		return alert.High
	}
	return alert.Critical
}

// maxCount bounds every count, so a typo cannot fill the disk.
const maxCount = 50_000_000

func (s *Spec) validate() error {
	for _, c := range []struct {
		name string
		n    int
	}{{"SMS", s.SMS}, {"SafariVisits", s.SafariVisits}, {"WhatsAppMessages", s.WhatsAppMessages},
		{"ManifestFiles", s.ManifestFiles}, {"DataUsageProcesses", s.DataUsageProcesses}} {
		if c.n < 0 || c.n > maxCount {
			return fmt.Errorf("synth: %s = %d, want 0..%d", c.name, c.n, maxCount)
		}
	}
	for _, t := range s.Traces {
		if t.Module() == "" {
			return fmt.Errorf("synth: unknown trace kind %q", t.Kind)
		}
		if t.Value == "" {
			return fmt.Errorf("synth: empty %s trace", t.Kind)
		}
	}
	return nil
}

// traces returns the traces of one kind, in Spec order.
func (s *Spec) traces(k Kind) []Trace {
	var out []Trace
	for _, t := range s.Traces {
		if t.Kind == k {
			out = append(out, t)
		}
	}
	return out
}
