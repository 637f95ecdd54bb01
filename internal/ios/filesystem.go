package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// filesystemEntry is one folder or file of the dump, with MVT's field
// names: the path relative to the dump root and its modification time.
type filesystemEntry struct {
	Path     string `json:"path"`
	Modified string `json:"modified"`
}

// Filesystem lists every folder and file of a full filesystem dump and
// checks each path against the file and process indicators: an implant's
// binary or its working folder is often left on disk.
type Filesystem struct{}

// NewFilesystem returns the filesystem module.
func NewFilesystem() *Filesystem { return &Filesystem{} }

// Describe implements module.Module.
func (*Filesystem) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "filesystem",
		MVTName:     "Filesystem",
		Description: "Every folder and file of the dump with its modification time, checked against file and process indicators",
		Artifact:    "Files and folders of the dump",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module. Records stream as the dump is walked: a
// phone holds millions of files.
func (m *Filesystem) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	fsys, err := dumpFS(in, "the file listing")
	if err != nil {
		return err
	}
	fast := in.Options.Fast
	st, err := walkDump(ctx, fsys, func(p string, d fs.DirEntry) error {
		rec := &filesystemEntry{Path: p}
		// Info is an lstat: a link's own time, never its target's.
		if info, err := d.Info(); err == nil {
			rec.Modified = timeutil.Format(roundedSeconds(float64(info.ModTime().UnixNano()) / 1e9))
		}
		out.Record(rec)
		if rec.Modified != "" {
			out.Timeline(module.TimelineEvent{Timestamp: rec.Modified, Module: "Filesystem", Event: "entry_modified", Data: rec.Path})
		}
		filesystemCheck(in.IOCs, rec, rec.Path, rec.Modified, !fast, out)
		return nil
	})
	logWalk(in, st)
	if err != nil {
		return fmt.Errorf("filesystem dump: %w", err)
	}
	return st.err()
}

// filesystemCheck matches "/"+path against file name and path indicators
// (HIGH; "/private/var/x" also as "/var/x", the way indicators are often
// written), then, unless fast, each path component against process
// indicators (HIGH); both may fire, as in MVT. MVT skips that second check with --fast because it
// compares every component with every process indicator.
func filesystemCheck(idx *ioc.Index, rec any, p, when string, components bool, out module.Emitter) {
	if idx == nil {
		return
	}
	full := "/" + p
	for _, alias := range pathAliases(full) {
		if m := idx.CheckFilePath(alias); m != nil {
			out.Alert(iocAlert(alert.High, matchMessage(full, m), when, rec, m))
			break
		}
	}
	if !components {
		return
	}
	if m := idx.CheckFilePathProcess(p); m != nil {
		out.Alert(iocAlert(alert.High,
			fmt.Sprintf("Found known suspicious process name %q mentioned in file path %s (indicator from %q)", m.Value, full, m.Collection),
			when, rec, m))
	}
}

// Recheck implements module.Rechecker on one record of filesystem.json.
func (m *Filesystem) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec filesystemEntry
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("filesystem record: %w", err)
	}
	filesystemCheck(idx, json.RawMessage(raw), rec.Path, rec.Modified, true, out)
	return nil
}
