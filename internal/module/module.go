// Package module is the contract between the run loop and the analysis
// modules: one module per artifact (sms, tcc, aqf_packages), each turning the
// artifact into records, timeline events and alerts.
package module

import (
	"context"
	"io/fs"
	"log/slog"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// Module analyses one artifact. Implementations must be safe to run
// concurrently with other modules and must treat every byte of the artifact
// as hostile: a malformed artifact is an error, never a panic (the run loop
// recovers panics anyway and reports them as failures).
type Module interface {
	// Describe says what the module is: its slug, what it reads, on which
	// evidence, which fields are sensitive, its version (descriptor.go).
	Describe() Descriptor
	// Run reads the artifact from in and reports through out. It returns
	// ErrNoData (wrapped, with the artifact named) when the artifact is
	// absent, which is normal, and any other error when it is unreadable.
	Run(ctx context.Context, in *Input, out Emitter) error
}

// Rechecker is implemented by modules whose records can be checked again
// against indicators without the evidence, from a results folder written
// earlier by spyglass or MVT (check-iocs). raw is one record of <slug>.json.
type Rechecker interface {
	Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out Emitter) error
}

// Input is what a module receives. Nothing in it is global: the logger, the
// indicators and the options travel here.
type Input struct {
	// FS is a read-only view of the evidence.
	FS fs.FS
	// Source is the typed evidence (for example a source.IOS); modules of one
	// platform know which type to expect.
	Source any
	// IOCs is the indicator index; never nil (it may be empty).
	IOCs    *ioc.Index
	Options Options
	Log     *slog.Logger
}

// Options are the user's choices that change what modules do.
type Options struct {
	// Fast skips slow optional checks (MVT's --fast).
	Fast bool
	// ExpandURLs allows contacting URL shorteners (network access).
	ExpandURLs bool
	// Timezone names the IANA zone used to render device-local times, when
	// the module needs one ("" means UTC).
	Timezone string
}

// Emitter receives a module's output as it is produced, so that records are
// streamed to disk instead of being held until the end. Implementations are
// safe for use by one module goroutine at a time.
type Emitter interface {
	// Record adds one record to <slug>.json. The value is marshalled with
	// encoding/json (use struct tags with MVT's field names).
	Record(rec any)
	// Timeline adds one event to timeline.csv.
	Timeline(ev TimelineEvent)
	// Alert reports a finding. a.Module is filled in by the emitter.
	Alert(a alert.Alert)
	// URL records a link seen in a message, for urls.json.
	URL(u URL)
	// SetRecord replaces the whole <slug>.json content with one value, for
	// modules whose results are a dict rather than a list (backup_info,
	// aqf_settings); Record must not be used by such modules.
	SetRecord(v any)
}

// TimelineEvent is one row of timeline.csv.
type TimelineEvent struct {
	// Timestamp is "YYYY-MM-DD HH:MM:SS.ffffff" in UTC (iOS) or device local
	// time (Android); see internal/timeutil.
	Timestamp string
	// Module is the display name MVT writes ("SMS", "Manifest").
	Module string
	// Event is the kind of event ("sms_received", "visit", "M-CB").
	Event string
	// Data is a one-line description.
	Data string
}

// URL is one entry of urls.json.
type URL struct {
	URL         string  `json:"url"`
	ExpandedURL *string `json:"expanded_url"`
	Timestamp   string  `json:"timestamp"`
	Source      string  `json:"source"`
}

// ErrNoData means the module's artifact is not in the evidence. Wrap it with
// the artifact's name: fmt.Errorf("%w: sms.db not found", module.ErrNoData).
// It is the source package's ErrNotFound, so that an artifact the source
// cannot find is "no data" without the source knowing about modules.
var ErrNoData = source.ErrNotFound

// NoData returns an ErrNoData naming what was missing.
func NoData(format string, args ...any) error { return source.NotFound(format, args...) }
