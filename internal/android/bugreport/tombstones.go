package bugreport

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Tombstones lists native crashes from the report's tombstone files.
type Tombstones struct{}

// Describe implements module.Module.
func (Tombstones) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "tombstones",
		MVTName:     "Tombstones",
		Description: "Native crashes (process, uid, signal, command line) from tombstone files, text or protobuf",
		Artifact:    "Crash reports (tombstones)",
		Evidence:    []module.Evidence{module.Bugreport},
		Sensitive:   module.Fields{"number": module.NotPersonal},
		Version:     1,
	}
}

// maxTombstoneSize bounds one tombstone file read into memory; real ones
// are well under a few MB.
const maxTombstoneSize = 64 << 20

var heurPrivilegedCrash = alert.Heuristic{
	ID:    "android.tombstone.privileged_crash",
	Title: "Crash of a privileged process",
	Why: "Exploits often crash the process they attack; a crash of a process running as root, system or shell " +
		"can be a failed or successful exploitation attempt. Most such crashes are ordinary bugs.",
	Action: "Note the process and time; several crashes of the same system service around a suspicious event deserve expert review.",
}

func (m Tombstones) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	if in.FS == nil {
		return module.NoData("no file system view of the evidence")
	}
	files, err := findTombstones(in.FS)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return module.NoData("no tombstone_* files")
	}
	var failed []string
	for _, name := range files {
		t, err := readTombstone(in.FS, name)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
			if in.Log != nil {
				in.Log.Warn("unreadable tombstone", "file", name, "error", err)
			}
			continue
		}
		out.Record(t)
		out.Timeline(module.TimelineEvent{Timestamp: t.Timestamp, Module: "Tombstones", Event: "Tombstone",
			Data: fmt.Sprintf("Crash in '%s' process running as UID '%d' in file '%s' Crash type '%s' with code '%s'",
				t.ProcessName, t.UID, t.FileName, t.SignalInfo.Name, t.SignalInfo.CodeName)})
		m.check(in.IOCs, t, out)
	}
	if len(failed) == len(files) {
		return fmt.Errorf("no tombstone could be read: %s", strings.Join(failed, "; "))
	}
	return nil
}

// findTombstones lists tombstone files in any folder. When both a text
// tombstone and its protobuf twin (tombstone_00 and tombstone_00.pb) exist
// only the protobuf is read: it holds the same crash, and MVT's counting
// both would report every crash twice.
func findTombstones(fsys fs.FS) ([]string, error) {
	var all []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			return nil
		}
		if !d.IsDir() && strings.HasPrefix(path.Base(p), "tombstone_") && p != path.Base(p) {
			all = append(all, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, p := range all {
		have[p] = true
	}
	var out []string
	for _, p := range all {
		if !strings.HasSuffix(p, ".pb") && have[p+".pb"] {
			continue
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func readTombstone(fsys fs.FS, name string) (*Tombstone, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTombstoneSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTombstoneSize {
		return nil, fmt.Errorf("larger than %d bytes", maxTombstoneSize)
	}
	var t *Tombstone
	if strings.HasSuffix(name, ".pb") {
		t, err = ParseTombstoneProto(data)
	} else {
		t, err = ParseTombstoneText(data)
	}
	if err != nil {
		return nil, err
	}
	t.FileName = path.Base(name)
	if st, err := f.Stat(); err == nil && !st.ModTime().IsZero() {
		t.FileTimestamp = st.ModTime().Format(dumpsys.LocalLayout)
	}
	if t.Timestamp == "" {
		t.Timestamp = t.FileTimestamp
	}
	return t, nil
}

// privilegedUID names root (0), system (1000) and shell (2000).
func privilegedUID(uid int64) bool { return uid == 0 || uid == 1000 || uid == 2000 }

func (Tombstones) check(idx *ioc.Index, t *Tombstone, out module.Emitter) {
	if m := idx.CheckProcess(t.ProcessName); m != nil {
		out.Alert(alert.Alert{Level: alert.Critical, EventTime: t.Timestamp, Event: t, Indicator: m.Indicator(),
			Message: fmt.Sprintf("Found a crash of a known suspicious process %q matching indicators from %q", t.ProcessName, m.Collection)})
		return
	}
	if len(t.CommandLine) > 0 {
		cmd := path.Base(t.CommandLine[0])
		if m := idx.CheckProcess(cmd); m != nil {
			out.Alert(alert.Alert{Level: alert.Critical, EventTime: t.Timestamp, Event: t, Indicator: m.Indicator(),
				Message: fmt.Sprintf("Found a crash of a known suspicious program %q matching indicators from %q", cmd, m.Collection)})
			return
		}
	}
	if privilegedUID(t.UID) {
		out.Alert(alert.Alert{Level: alert.Medium, EventTime: t.Timestamp, Event: t, Heuristic: &heurPrivilegedCrash,
			Message: fmt.Sprintf("Potentially suspicious crash in process '%s' running as UID '%d' in tombstone '%s' at %s",
				t.ProcessName, t.UID, t.FileName, t.Timestamp)})
	}
}

// Recheck implements module.Rechecker.
func (m Tombstones) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var t Tombstone
	if err := unmarshal(raw, &t); err != nil {
		return err
	}
	m.check(idx, &t, out)
	return nil
}
