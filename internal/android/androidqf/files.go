package androidqf

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// File is one entry of files.json (written by AndroidQF's collector `find`).
// Times are converted from Unix seconds to device-local text, as MVT does.
type File struct {
	Path         string `json:"path"`
	Size         int64  `json:"size"`
	Mode         string `json:"mode"`
	UserID       int64  `json:"user_id"`
	UserName     string `json:"user_name"`
	GroupID      int64  `json:"group_id"`
	GroupName    string `json:"group_name"`
	ChangedTime  string `json:"changed_time"`
	ModifiedTime string `json:"modified_time"`
	AccessTime   string `json:"access_time"`
	Error        string `json:"error"`
	Context      string `json:"context"`
	SHA1         string `json:"sha1"`
	SHA256       string `json:"sha256"`
	SHA512       string `json:"sha512"`
	MD5          string `json:"md5"`
}

// rawFile is the collector's form, with numeric times.
type rawFile struct {
	File
	ChangedTime  *float64 `json:"changed_time"`
	ModifiedTime *float64 `json:"modified_time"`
	AccessTime   *float64 `json:"access_time"`
}

// suspiciousDirs hold files that nothing legitimate leaves behind: adb
// pushes exploit stages and implants there.
var suspiciousDirs = []string{"/data/local/tmp/"}

// collectorPath is AndroidQF's own helper, pushed to /data/local/tmp.
const collectorPath = "/data/local/tmp/collector"

var hTmpFile = &alert.Heuristic{
	ID:     "android.files.tmp",
	Title:  "File in /data/local/tmp",
	Why:    "Files pushed over USB debugging land in /data/local/tmp; exploits and implants are staged there. Developers and some tools use it too.",
	Action: "Look at what the file is (name, size, hashes); an unknown executable deserves expert review.",
}

// Files analyses files.json: paths and hashes against the indicators, files
// in suspicious folders, and a MACB timeline.
type Files struct{}

// Describe implements module.Module.
func (Files) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "aqf_files",
		MVTName:     "AQFFiles",
		Description: "Files listed on the phone with their times and hashes (files.json)",
		Artifact:    "Files on the phone, with times and hashes (files.json)",
		Evidence:    []module.Evidence{module.AndroidQF},
		Sensitive:   module.Fields{"user_name": module.NotPersonal, "group_name": module.NotPersonal},
		Version:     1,
	}
}

// Run implements module.Module.
func (m Files) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	a, err := acquisition(in)
	if err != nil {
		return err
	}
	f, err := open(a, "files.json")
	if err != nil {
		return err
	}
	defer f.Close()
	loc := location(in, a)
	err = decodeList(f, func(r rawFile) error {
		rec := r.File
		rec.ChangedTime = optTime(r.ChangedTime, loc)
		rec.ModifiedTime = optTime(r.ModifiedTime, loc)
		rec.AccessTime = optTime(r.AccessTime, loc)
		out.Record(rec)
		for _, ev := range macb(rec) {
			out.Timeline(ev)
		}
		m.check(in.IOCs, rec, out)
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("files.json: %w", err)
	}
	return nil
}

func optTime(v *float64, loc *time.Location) string {
	if v == nil || *v != *v || *v > 1e13 || *v < -1e13 {
		return ""
	}
	return localTime(int64(*v), loc)
}

// macb gives one timeline event per distinct time, flagged M/A/C as MVT does.
func macb(r File) []module.TimelineEvent {
	data := r.Path
	if r.Context != "" {
		data += " (" + r.Context + ")"
	}
	var evs []module.TimelineEvent
	seen := map[string]bool{}
	for _, ts := range []string{r.ModifiedTime, r.AccessTime, r.ChangedTime} {
		if ts == "" || seen[ts] {
			continue
		}
		seen[ts] = true
		flag := func(t, c string) string {
			if t == ts {
				return c
			}
			return "-"
		}
		evs = append(evs, module.TimelineEvent{
			Timestamp: ts, Module: "AQFFiles",
			Event: flag(r.ModifiedTime, "M") + flag(r.AccessTime, "A") + flag(r.ChangedTime, "C") + "-",
			Data:  data,
		})
	}
	return evs
}

// Recheck implements module.Rechecker.
func (m Files) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var r File
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("aqf_files record: %w", err)
	}
	m.check(idx, r, out)
	return nil
}

func (Files) check(idx *ioc.Index, r File, out module.Emitter) {
	if match := idx.CheckFilePath(r.Path); match != nil {
		out.Alert(alert.Alert{Level: alert.Critical, Message: iocMessage("file", r.Path, match), EventTime: r.ModifiedTime, Event: r, Indicator: match.Indicator()})
	}
	// MVT runs this check only when indicators are loaded; it needs none,
	// so spyglass always runs it.
	if r.Path != collectorPath {
		for _, dir := range suspiciousDirs {
			if strings.HasPrefix(r.Path, dir) {
				kind := ""
				if strings.Contains(r.Mode, "x") {
					kind = "executable "
				}
				out.Alert(alert.Alert{Level: alert.High, Message: fmt.Sprintf("Found %sfile at suspicious path %q", kind, r.Path), EventTime: r.ModifiedTime, Event: r, Heuristic: hTmpFile})
			}
		}
	}
	// MVT checks the SHA-256 only.
	for _, h := range []string{r.SHA256, r.SHA1, r.MD5} {
		if match := idx.CheckHash(h); match != nil {
			out.Alert(alert.Alert{Level: alert.Critical, Message: iocMessage("file hash", r.Path+" ("+h+")", match), EventTime: r.ModifiedTime, Event: r, Indicator: match.Indicator()})
			return
		}
	}
}
