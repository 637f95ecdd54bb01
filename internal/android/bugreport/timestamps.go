package bugreport

import (
	"context"
	"io/fs"

	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Timestamps lists the modification times of the files the report copied
// from the phone (its FS/ folder), for the timeline.
type Timestamps struct{}

// Describe implements module.Module.
func (Timestamps) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "bugreport_timestamps",
		MVTName:     "BugReportTimestamps",
		Description: "Modification times of the files under the report's FS/ folder (timeline only)",
		Artifact:    "Times of the files in the bug report",
		Evidence:    []module.Evidence{module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// FileTimestamp is one file of FS/ with its modification time.
type FileTimestamp struct {
	Path         string `json:"path"`
	ModifiedTime string `json:"modified_time"`
}

func (Timestamps) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	if in.FS == nil {
		return module.NoData("no file system view of the evidence")
	}
	if _, err := fs.Stat(in.FS, "FS"); err != nil {
		return module.NoData("no FS folder in the bugreport")
	}
	return fs.WalkDir(in.FS, "FS", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.ModTime().IsZero() {
			return nil
		}
		rec := FileTimestamp{Path: p, ModifiedTime: info.ModTime().Format(dumpsys.LocalLayout)}
		out.Record(rec)
		out.Timeline(module.TimelineEvent{Timestamp: rec.ModifiedTime, Module: "BugReportTimestamps", Event: "M---", Data: p})
		return nil
	})
}
