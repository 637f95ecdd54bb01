package androidqf

import (
	"context"
	"io/fs"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// LogTimestamp is the modification time of one file AndroidQF pulled into
// logs/.
type LogTimestamp struct {
	Path         string `json:"path"`
	ModifiedTime string `json:"modified_time"`
}

// LogTimestamps puts the files of logs/ on the timeline. It raises no alerts.
type LogTimestamps struct{}

// Describe implements module.Module.
func (LogTimestamps) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "aqf_log_timestamps",
		MVTName:     "AQFLogTimestamps",
		Description: "Modification times of the log files AndroidQF pulled (logs/)",
		Artifact:    "Times of the log files the acquisition copied",
		Evidence:    []module.Evidence{module.AndroidQF},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module. The times are those the acquisition kept:
// a zip stores the acquiring computer's wall-clock time, a folder the file
// system's; both are written in UTC here (MVT writes the analysing
// computer's local time).
func (LogTimestamps) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	a, err := acquisition(in)
	if err != nil {
		return err
	}
	n := 0
	err = fs.WalkDir(a.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || !strings.Contains("/"+p, "/logs/") {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		r := LogTimestamp{Path: p, ModifiedTime: timeutil.Format(fi.ModTime())}
		out.Record(r)
		out.Timeline(module.TimelineEvent{Timestamp: r.ModifiedTime, Module: "AQFLogTimestamps", Event: "file_modified", Data: p})
		n++
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return module.NoData("no logs/ folder in the acquisition")
	}
	return nil
}
