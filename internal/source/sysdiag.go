package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"
)

// Sysdiagnose is an iOS sysdiagnose: the folder Apple's key combination
// writes (sysdiagnose_YYYY.MM.DD_HH-MM-SS-ZZZZ_iPhone-OS_iPhone_<build>/),
// or its .tar.gz. It implements IOS: modules find their files with
// IOSQuery.FSGlobs relative to the sysdiagnose's own folder ("ps.txt",
// "system_logs.logarchive/Extra/shutdown.log").
//
// A folder is read in place through an os.Root (IOSDump). An archive is
// read ONCE, as a stream, when it is opened (a .tar.gz cannot be seeked,
// and is 200–500 MB): the entries whose names match the globs the modules
// declared beforehand are kept in memory, each and all together bounded;
// everything else streams by unread. The modules then run on that
// in-memory view. The small text artifacts the modules read (ps.txt,
// shutdown.log, .ips crash reports, plists) are a few megabytes in all;
// the large ones (the unified log's tracev3 files) are not read by any
// module, so nothing large is ever held.
type Sysdiagnose struct {
	name string
	dump *IOSDump // a folder
	mem  *memTree // an archive
	// captured is when the sysdiagnose was taken, from its name.
	captured time.Time
}

// Captured is when the sysdiagnose was taken (from its folder name), or
// the zero time when its name does not say.
func (s *Sysdiagnose) Captured() time.Time { return s.captured.UTC() }

// CaptureZone is the phone's zone offset when the sysdiagnose was taken
// (from its name), for logs that write local times without a zone; nil
// when the name does not say.
func (s *Sysdiagnose) CaptureZone() *time.Location {
	if s.captured.IsZero() {
		return nil
	}
	return s.captured.Location()
}

// OpenSysdiagnose opens the sysdiagnose at p. keep lists the path.Match
// patterns (relative to the sysdiagnose folder) of the files the modules
// will ask for: only those are read from an archive.
func OpenSysdiagnose(p string, keep []string) (*Sysdiagnose, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("opening sysdiagnose: %w", err)
	}
	if st.IsDir() {
		d, err := OpenIOSDump(sysdiagnoseRoot(p))
		if err != nil {
			return nil, err
		}
		root := sysdiagnoseRoot(p)
		t, _ := CaptureTime(root)
		return &Sysdiagnose{name: p, dump: d, captured: t}, nil
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("opening sysdiagnose %s: not a folder nor a regular file", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("opening sysdiagnose: %w", err)
	}
	defer f.Close()
	t, err := scanTar(f, p, keep, TarLimits{})
	if err != nil {
		return nil, err
	}
	when, ok := CaptureTime(t.top)
	if !ok {
		when, _ = CaptureTime(p)
	}
	return &Sysdiagnose{name: p, mem: t, captured: when}, nil
}

// sysdiagnoseRoot is the folder holding the artifacts: dir itself, or the
// single sysdiagnose_… folder inside it (a folder the archive was
// extracted into).
func sysdiagnoseRoot(dir string) string {
	if isSysdiagnoseContent(dir) {
		return dir
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return dir
	}
	var found []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(strings.ToLower(e.Name()), "sysdiagnose_") {
			found = append(found, e.Name())
		}
	}
	if len(found) == 1 {
		return dir + string(os.PathSeparator) + found[0]
	}
	return dir
}

func isSysdiagnoseContent(dir string) bool {
	for _, n := range []string{"sysdiagnose.log", "ps.txt", "system_logs.logarchive"} {
		if _, err := os.Lstat(dir + string(os.PathSeparator) + n); err == nil {
			return true
		}
	}
	return false
}

// Close releases the folder, or drops the archive's kept files.
func (s *Sysdiagnose) Close() error {
	if s.dump != nil {
		return s.dump.Close()
	}
	s.mem = nil
	return nil
}

// FS implements IOS.
func (s *Sysdiagnose) FS() fs.FS {
	if s.dump != nil {
		return s.dump.FS()
	}
	return s.mem
}

// IsBackup implements IOS.
func (s *Sysdiagnose) IsBackup() bool { return false }

// Problems are the sentences about what the archive scan could not read
// (a cut-short archive, unsafe names, links, oversized files), for the
// log. A folder has none.
func (s *Sysdiagnose) Problems() []string {
	if s.mem == nil {
		return nil
	}
	return s.mem.problems
}

// Links are the symbolic and hard links the archive holds, recorded and
// never followed out of it.
func (s *Sysdiagnose) Links() []string {
	if s.mem == nil {
		return nil
	}
	return s.mem.links
}

// Find implements IOS with q.FSGlobs. From an archive, when nothing
// matched and the scan stopped early (a truncated gzip, too many
// entries), Find says so instead of "not found": the file may have been
// in the part that could not be read.
func (s *Sysdiagnose) Find(q IOSQuery) ([]IOSFile, error) {
	if s.dump != nil {
		files, err := s.dump.Find(q)
		return withoutAppleDouble(files), err
	}
	seen := map[string]bool{}
	var out []IOSFile
	for _, pat := range q.FSGlobs {
		pat = strings.TrimPrefix(path.Clean("/"+pat), "/")
		if _, err := path.Match(pat, ""); err != nil {
			return nil, fmt.Errorf("bad pattern %q: %w", pat, err)
		}
		for name := range s.mem.files {
			if ok, _ := path.Match(pat, name); ok && !seen[name] {
				seen[name] = true
				out = append(out, IOSFile{Path: name, RelativePath: name})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	if len(out) == 0 && s.mem.stopped != nil {
		return nil, fmt.Errorf("not in the part of %s that could be read: %w", s.name, s.mem.stopped)
	}
	return out, nil
}

var _ IOS = (*Sysdiagnose)(nil)

// isAppleDouble reports whether name is a macOS "._" sidecar: a sysdiagnose
// copied through a Mac and re-archived carries one beside each file,
// holding only metadata, and "*.ips" matches "._x.ips".
func isAppleDouble(name string) bool { return strings.HasPrefix(path.Base(name), "._") }

func withoutAppleDouble(files []IOSFile) []IOSFile {
	out := files[:0]
	for _, f := range files {
		if !isAppleDouble(f.Path) {
			out = append(out, f)
		}
	}
	return out
}

// errNotKept is the error of a file that matched but was not kept.
var errNotKept = errors.New("not read")
