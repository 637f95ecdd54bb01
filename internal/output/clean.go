package output

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// runFiles are the names a run writes beside the <module>.json files
// (MVT's, spyglass's own, and MVT v2's timeline_detected.csv).
var runFiles = []string{
	"alerts.json", "timeline.csv", "alerts_timeline.csv", "timeline_detected.csv",
	"urls.json", "info.json", "command.log", "summary.json", "report.html",
	"timeline.jsonl", HashesFile,
}

// IsResultName tells whether name is one a run writes in a results folder:
// a run-wide file, <module>.json or <module>_detected.json for a module
// isModule knows, or a temporary file of one of them left by a killed run.
func IsResultName(name string, isModule func(string) bool) bool {
	if base, ok := tempBase(name); ok {
		name = base
	}
	for _, f := range runFiles {
		if name == f {
			return true
		}
	}
	slug, ok := strings.CutSuffix(name, ".json")
	if !ok {
		return false
	}
	if isModule(slug) {
		return true
	}
	slug, ok = strings.CutSuffix(slug, "_detected")
	return ok && isModule(slug)
}

// tempBase returns the final name of a temporary file: createTemp's
// ".<name>.<hex>.part", the ".<name>.part" of earlier versions, and their
// ".summary-*.json" and ".report-*.html".
func tempBase(name string) (string, bool) {
	if strings.HasPrefix(name, ".summary-") && strings.HasSuffix(name, ".json") {
		return "summary.json", true
	}
	if strings.HasPrefix(name, ".report-") && strings.HasSuffix(name, ".html") {
		return "report.html", true
	}
	rest, ok := strings.CutSuffix(strings.TrimPrefix(name, "."), tempSuffix)
	if !ok || !strings.HasPrefix(name, ".") {
		return "", false
	}
	if i := strings.LastIndexByte(rest, '.'); i > 0 && len(rest)-i-1 == 12 {
		if _, err := hex.DecodeString(rest[i+1:]); err == nil {
			return rest[:i], true
		}
	}
	return rest, true
}

// Leftover is what CleanResults found in a results folder.
type Leftover struct {
	// Removed lists the earlier run's result files it removed.
	Removed []string
	// Kept lists everything else, left in place.
	Kept []string
	// Blocking lists the entries named as a result file that are not
	// regular files (a link, a folder, a FIFO): a run cannot write there,
	// and they are not ours to remove.
	Blocking []string
}

// CleanResults removes the result files of an earlier run from dir, and
// nothing else: only regular files with a result name (IsResultName), never
// a folder, and never through a link (a link is an entry of its own, and is
// kept). It lists what it removed and what it kept.
func CleanResults(dir string, isModule func(string) bool, remove bool) (*Leftover, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing the results folder %s: %w", dir, err)
	}
	l := &Leftover{}
	for _, e := range ents {
		name := e.Name()
		if name == LockFile {
			continue // this run's own lock (lock_other.go)
		}
		if !IsResultName(name, isModule) {
			l.Kept = append(l.Kept, name)
			continue
		}
		// ReadDir's type comes from lstat: a link is reported as a link.
		if !e.Type().IsRegular() {
			l.Kept = append(l.Kept, name)
			l.Blocking = append(l.Blocking, name)
			continue
		}
		if !remove {
			l.Kept = append(l.Kept, name)
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return l, fmt.Errorf("removing %s from the results folder: %w", name, err)
		}
		l.Removed = append(l.Removed, name)
	}
	sort.Strings(l.Removed)
	sort.Strings(l.Kept)
	sort.Strings(l.Blocking)
	return l, nil
}
