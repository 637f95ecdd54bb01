package source

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"
)

// TarLimits bound what one streamed archive may make spyglass hold or
// read. Zero values take the defaults.
type TarLimits struct {
	// MaxEntries: a real sysdiagnose holds ten to thirty thousand entries.
	MaxEntries int
	// MaxFile is the largest kept file: the artifacts the modules read
	// are text files of at most a few megabytes.
	MaxFile int64
	// MaxKept bounds all kept files together.
	MaxKept int64
}

func (l TarLimits) withDefaults() TarLimits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = 500_000
	}
	if l.MaxFile <= 0 {
		l.MaxFile = 64 << 20
	}
	if l.MaxKept <= 0 {
		l.MaxKept = 512 << 20
	}
	return l
}

// maxProblems bounds the sentences kept about skipped entries (a crafted
// archive could hold a million bad names).
const maxProblems = 50

// memTree is the in-memory view of the kept entries of an archive.
type memTree struct {
	files    map[string]*memEntry
	links    []string
	problems []string
	// top is the archive's sysdiagnose_… folder name, when it has one.
	top string
	// stopped is why the scan ended before the archive's end, or nil.
	stopped error
}

type memEntry struct {
	data []byte
	mod  time.Time
	err  error // a matching entry that was not kept, and why
}

func (t *memTree) problem(format string, args ...any) {
	if len(t.problems) < maxProblems {
		t.problems = append(t.problems, fmt.Sprintf(format, args...))
	} else if len(t.problems) == maxProblems {
		t.problems = append(t.problems, "more entries were skipped; only the first ones are listed")
	}
}

// scanTar reads a tar, gzip-compressed or not, once from r. Entries whose
// name (with the top sysdiagnose_… folder removed) matches one of keep are
// held in memory. A damaged archive is not an error: what was read before
// the damage is kept, and stopped says why the rest was not; only an
// archive of which not one entry could be read is refused.
func scanTar(r io.Reader, name string, keep []string, lim TarLimits) (*memTree, error) {
	lim = lim.withDefaults()
	br := bufio.NewReaderSize(r, 1<<20)
	var in io.Reader = br
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s is not a readable gzip file: %w", name, err)
		}
		zr.Multistream(false)
		in = zr
	}
	t := &memTree{files: map[string]*memEntry{}}
	tr := tar.NewReader(in)
	var kept int64
	entries := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if entries == 0 {
				return nil, fmt.Errorf("%s is not a readable tar archive: %w", name, err)
			}
			t.stopped = fmt.Errorf("the archive is damaged or cut short after %d entries (%v)", entries, err)
			break
		}
		entries++
		if entries > lim.MaxEntries {
			t.stopped = fmt.Errorf("the archive holds more than %d entries, far more than a sysdiagnose; the rest was not read", lim.MaxEntries)
			break
		}
		rel, ok := t.entryName(h.Name)
		if !ok {
			continue
		}
		switch h.Typeflag {
		case tar.TypeSymlink:
			// Recorded, never followed: its target may be anywhere.
			if len(t.links) < 10000 {
				t.links = append(t.links, rel+" -> "+h.Linkname)
			}
			continue
		case tar.TypeLink:
			t.hardLink(rel, h.Linkname)
			continue
		case tar.TypeReg, tar.TypeGNUSparse:
		default:
			continue // folders, devices, FIFOs: nothing to read
		}
		if !matchAny(keep, rel) || isAppleDouble(rel) {
			continue
		}
		switch {
		case h.Size > lim.MaxFile:
			t.files[rel] = &memEntry{err: fmt.Errorf("%w: %s is %s, more than the %s spyglass reads from one file of a sysdiagnose", errNotKept, rel, humanBytes(uint64(h.Size)), humanBytes(uint64(lim.MaxFile)))}
			continue
		case kept+h.Size > lim.MaxKept:
			t.files[rel] = &memEntry{err: fmt.Errorf("%w: %s: the files read from this sysdiagnose already hold %s", errNotKept, rel, humanBytes(uint64(kept)))}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, h.Size))
		if err != nil {
			t.files[rel] = &memEntry{err: fmt.Errorf("%s: cut short in the archive: %w", rel, err)}
			t.stopped = fmt.Errorf("the archive is damaged or cut short inside %s (%v)", rel, err)
			break
		}
		kept += int64(len(data))
		t.files[rel] = &memEntry{data: data, mod: h.ModTime}
	}
	if t.stopped != nil {
		t.problem("%s: %v", name, t.stopped)
	}
	return t, nil
}

// entryName checks a tar name with the zip rules (no "..", no absolute
// name, no NUL or backslash) and strips "./" and the top sysdiagnose_…
// folder. A refused name is recorded.
func (t *memTree) entryName(n string) (string, bool) {
	n = strings.TrimPrefix(n, "./")
	if n == "" || n == "." {
		return "", false
	}
	clean, _, err := checkEntryName(n)
	if err != nil {
		t.problem("entry %q skipped: %v", printable(n), err)
		return "", false
	}
	top, rest, ok := strings.Cut(clean, "/")
	if strings.HasPrefix(strings.ToLower(top), "sysdiagnose_") {
		if t.top == "" {
			t.top = top
		}
		if !ok {
			return "", false // the top folder itself
		}
		return rest, true
	}
	return clean, true
}

// hardLink resolves a tar hard link to an earlier entry of the archive:
// a target that is not in it (an absolute name, "..", a file never seen)
// is recorded and not read.
func (t *memTree) hardLink(rel, target string) {
	if tgt, ok := t.entryName(target); ok {
		if e, ok := t.files[tgt]; ok {
			t.files[rel] = e
			return
		}
	}
	if len(t.links) < 10000 {
		t.links = append(t.links, rel+" => "+target)
	}
}

// matchAny reports whether name matches one of the path.Match patterns.
func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(strings.TrimPrefix(p, "/"), name); ok {
			return true
		}
	}
	return false
}

// printable bounds and quotes-safe a hostile name for a message.
func printable(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// Open implements fs.FS.
func (t *memTree) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	e, ok := t.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if e.err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: e.err}
	}
	return &memFile{Reader: bytes.NewReader(e.data), info: entryInfo{name: path.Base(name), size: int64(len(e.data)), mode: 0o444, mod: e.mod}}, nil
}

// Stat implements fs.StatFS.
func (t *memTree) Stat(name string) (fs.FileInfo, error) {
	f, err := t.Open(name)
	if err != nil {
		return nil, err
	}
	return f.Stat()
}

type memFile struct {
	*bytes.Reader
	info entryInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }
