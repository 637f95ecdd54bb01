// Package intrusionlogs analyses Android "Intrusion Logging" exports (Android
// 16's Advanced Protection): folders or zips of newline-delimited JSON files
// whose lines hold one event each, {"dns_event": {...}},
// {"connect_event": {...}} or {"security_event": {...}}.
package intrusionlogs

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// Bounds. Real exports are daily files of a few megabytes.
const (
	// maxLine bounds one JSON line.
	maxLine = 16 << 20
	// maxNestedZip bounds a zip found inside the logs, which is read into
	// memory for random access.
	maxNestedZip = 256 << 20
	// maxDepth bounds zips inside zips.
	maxDepth = 3
)

// knownTypes are the top-level event keys spyglass analyses.
var knownTypes = map[string]bool{"dns_event": true, "connect_event": true, "security_event": true}

// Logs is an intrusion-log export as the modules see it.
type Logs struct {
	// FS holds the export: .txt files, and .zip files holding more.
	FS fs.FS
	// Name labels the export in messages.
	Name string
}

// Open opens a folder or a .zip export. The returned closer releases the zip.
func Open(p string) (*Logs, io.Closer, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, nil, err
	}
	if fi.IsDir() {
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, nil, err
		}
		return &Logs{FS: safefile.FS(root), Name: p}, root, nil
	}
	z, err := source.OpenZip(p, source.ZipOptions{MaxDepth: maxDepth + 1, MaxNestedInMemory: maxNestedZip})
	if err != nil {
		return nil, nil, err
	}
	return &Logs{FS: z, Name: p}, z, nil
}

// eachEvent calls fn with the body of every event of type typ, each distinct
// body once across all files (exports overlap from one day to the next).
// Only a SHA-256 of each event is remembered, so memory grows by 32 bytes per
// distinct event. Unparseable lines are logged and skipped.
func (l *Logs) eachEvent(typ string, log *slog.Logger, warnUnknown bool, fn func(json.RawMessage) error) error {
	seen := map[[32]byte]bool{}
	unknown := map[string]int{}
	files := 0
	var skipped []error
	err := walk(l.FS, l.Name, 0, &skipped, func(name string, r io.Reader) error {
		files++
		return scanLines(name, r, log, func(ev map[string]json.RawMessage) error {
			for k, body := range ev {
				if !knownTypes[k] {
					unknown[k]++
					continue
				}
				if k != typ {
					continue
				}
				body = bytes.TrimSpace(body)
				if len(body) == 0 || body[0] != '{' {
					continue
				}
				key, err := fingerprint(body)
				if err != nil {
					log.Warn("intrusion log: bad event", "file", name, "error", err)
					continue
				}
				if seen[key] {
					continue
				}
				seen[key] = true
				if err := fn(body); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	if files == 0 && len(skipped) == 0 {
		return errNoFiles
	}
	for k, n := range unknown {
		if !warnUnknown {
			break
		}
		log.Warn("intrusion log: unknown event type", "type", k, "count", n)
	}
	// What could be read was; the module still fails so that the parts it
	// could not read are reported.
	return errors.Join(skipped...)
}

var errNoFiles = errors.New("no intrusion log (.txt) files")

// fingerprint hashes the event's canonical JSON (keys sorted), so the same
// event written with different key order or spacing counts once.
func fingerprint(body json.RawMessage) ([32]byte, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return [32]byte{}, err
	}
	canon, err := json.Marshal(v)
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(canon), nil
}

// walk calls fn for every .txt file under fsys, descending into .zip files
// (depth-bounded, each read into memory up to maxNestedZip). A nested zip
// that cannot be read (too deep, too large, unsafe names) is added to
// skipped and the walk goes on: one planted archive must not hide every
// file after it.
func walk(fsys fs.FS, label string, depth int, skipped *[]error, fn func(name string, r io.Reader) error) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		lower := strings.ToLower(p)
		name := label + "/" + p
		switch {
		case strings.HasSuffix(lower, ".txt"):
			f, err := fsys.Open(p)
			if err != nil {
				*skipped = append(*skipped, fmt.Errorf("%s: %w", name, err))
				return nil
			}
			defer f.Close()
			err = fn(name, f)
			var bad unreadableFile
			if errors.As(err, &bad) {
				*skipped = append(*skipped, err)
				return nil
			}
			return err
		case strings.HasSuffix(lower, ".zip"):
			if depth >= maxDepth {
				*skipped = append(*skipped, fmt.Errorf("%s: zips nested more than %d deep, not read", name, maxDepth))
				return nil
			}
			inner, err := openNested(fsys, p)
			if err != nil {
				*skipped = append(*skipped, fmt.Errorf("%s: %w", name, err))
				return nil
			}
			return walk(inner, name+"::", depth+1, skipped, fn)
		}
		return nil
	})
}

func openNested(fsys fs.FS, p string) (fs.FS, error) {
	if z, ok := fsys.(*source.ZipFS); ok {
		return z.OpenZip(p)
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxNestedZip+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxNestedZip {
		return nil, fmt.Errorf("nested zip larger than %d bytes", maxNestedZip)
	}
	return source.NewZipFS(bytes.NewReader(b), int64(len(b)), p, source.ZipOptions{MaxDepth: maxDepth + 1, MaxNestedInMemory: maxNestedZip})
}

// scanLines parses each non-empty line of r as a JSON object.
func scanLines(name string, r io.Reader, log *slog.Logger, fn func(map[string]json.RawMessage) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var ev map[string]json.RawMessage
		if err := json.Unmarshal(line, &ev); err != nil {
			log.Warn("intrusion log: line is not a JSON object", "file", name, "line", n, "error", err)
			continue
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return unreadableFile{fmt.Errorf("%s line %d: %w", name, n+1, err)}
	}
	return nil
}

// unreadableFile marks a file that could not be read to its end (a read
// error, an overlong line): the walk reports it and goes on.
type unreadableFile struct{ err error }

func (u unreadableFile) Error() string { return u.err.Error() }
func (u unreadableFile) Unwrap() error { return u.err }
