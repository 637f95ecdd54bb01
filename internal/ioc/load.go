package ioc

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// LoadOptions says where indicators come from, in MVT's order: each -i/--iocs
// path, SPYGLASS_IOCS and MVT_STIX2, the feeds downloaded by "iocs update",
// then the embedded snapshot.
type LoadOptions struct {
	// Paths are the -i/--iocs values: a file, or a folder searched
	// recursively for *.stix2 and *.json.
	Paths []string
	// Getenv reads SPYGLASS_IOCS and MVT_STIX2 (colon-separated files or
	// folders; ';' on Windows). Nil means no environment.
	Getenv func(string) string
	// UserDir holds feeds downloaded by "iocs update" ("" skips it).
	UserDir string
	// NoDefault turns the embedded snapshot off.
	NoDefault bool
}

// LoadReport says what LoadAll read.
type LoadReport struct {
	Files       []FileInfo `json:"files"`
	Warnings    []Problem  `json:"warnings"`
	Unsupported []Problem  `json:"unsupported"`
	// Total is the number of distinct (type, value) indicators.
	Total int `json:"total"`
}

// Collections lists every collection with the files that define it, sorted.
func (r *LoadReport) Collections() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range r.Files {
		for _, c := range f.Collections {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	sort.Strings(out)
	return out
}

// LoadAll builds the index from every source in opts. A path given with -i
// that cannot be read or parsed is an error (the user asked for it);
// problems with environment paths and the user folder become warnings.
func LoadAll(opts LoadOptions) (*Index, *LoadReport, error) {
	x := NewIndex()
	for _, p := range opts.Paths {
		if err := x.loadPath(p, "flag", true); err != nil {
			return nil, nil, err
		}
	}
	if opts.Getenv != nil {
		for _, env := range []string{"SPYGLASS_IOCS", "MVT_STIX2"} {
			for _, p := range filepath.SplitList(opts.Getenv(env)) {
				if p = strings.TrimSpace(p); p == "" {
					continue
				}
				if err := x.loadPath(p, "env", false); err != nil {
					x.warnings = append(x.warnings, Problem{File: p, Message: fmt.Sprintf("from %s: %v", env, err)})
				}
			}
		}
	}
	if opts.UserDir != "" {
		if _, err := os.Stat(opts.UserDir); err == nil {
			if err := x.loadPath(opts.UserDir, "user", false); err != nil {
				x.warnings = append(x.warnings, Problem{File: opts.UserDir, Message: err.Error()})
			}
		}
	}
	if !opts.NoDefault {
		if err := x.LoadEmbedded(); err != nil {
			return nil, nil, err
		}
	}
	return x, x.Report(), nil
}

// Report summarises what the index has loaded so far.
func (x *Index) Report() *LoadReport {
	return &LoadReport{Files: x.files, Warnings: x.warnings, Unsupported: x.unsupported, Total: x.Len()}
}

// loadPath loads a file, or the *.stix2 and *.json files under a folder.
// strict makes a bad file in a folder an error instead of a warning.
func (x *Index) loadPath(p, source string, strict bool) error {
	st, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("indicator path: %w", err)
	}
	if !st.IsDir() {
		return x.loadOne(p, source)
	}
	var files []string
	err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		b := d.Name()
		if strings.HasPrefix(b, ".") {
			return nil
		}
		if ext := strings.ToLower(filepath.Ext(b)); ext == ".stix2" || ext == ".json" {
			files = append(files, q)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("searching %s for indicator files: %w", p, err)
	}
	for _, f := range files {
		if err := x.loadOne(f, source); err != nil {
			if strict && strings.EqualFold(filepath.Ext(f), ".stix2") {
				return err
			}
			// A .json in a folder may be anything; say so, keep going.
			x.warnings = append(x.warnings, Problem{File: f, Message: "skipped: " + err.Error()})
		}
	}
	return nil
}

// loadOne loads one file given by the user, choosing the reader from its
// name: STIX for *.stix2/*.json (and anything unknown), Echap samples.csv,
// Echap YAML, or a domains/emails text list.
func (x *Index) loadOne(p, source string) error {
	f, err := safefile.Open(p)
	if err != nil {
		return fmt.Errorf("opening indicator file: %w", err)
	}
	defer f.Close()
	data, err := readIndicatorFile(f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", p, err)
	}
	if len(data) > maxFileSize {
		return fmt.Errorf("indicator file %s is larger than %d MiB", p, maxFileSize>>20)
	}
	base := strings.ToLower(filepath.Base(p))
	switch ext := filepath.Ext(base); {
	case ext == ".csv":
		return x.loadSamplesCSV(p, data, source, nil)
	case ext == ".yaml" || ext == ".yml":
		_, err := x.loadEchapYAML(p, data, source)
		return err
	case ext == ".txt":
		t, ok := textListType(base)
		if !ok {
			return fmt.Errorf("%s: a text list must be named *domain*.txt or *email*.txt", p)
		}
		return x.loadTextList(filepath.ToSlash(p), data, source, t, investigationName(filepath.ToSlash(p)))
	}
	_, err = x.loadSTIX(p, data, source)
	return err
}

// DefaultUserDir is where "iocs update" keeps downloaded feeds:
// $XDG_DATA_HOME/spyglass/indicators (Linux and other Unix, default
// ~/.local/share), ~/Library/Application Support/spyglass/indicators
// (macOS), %LocalAppData%\spyglass\indicators (Windows).
func DefaultUserDir() string {
	return UserDirFrom(os.Getenv, runtime.GOOS)
}

// UserDirFrom is DefaultUserDir with the environment and OS given, for
// callers that inject the environment. It returns "" when no home is known.
func UserDirFrom(getenv func(string) string, goos string) string {
	join := func(base string, elem ...string) string {
		if base == "" {
			return ""
		}
		return filepath.Join(append([]string{base}, elem...)...)
	}
	switch goos {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return join(d, "spyglass", "indicators")
		}
		return join(getenv("USERPROFILE"), "AppData", "Local", "spyglass", "indicators")
	case "darwin", "ios":
		return join(getenv("HOME"), "Library", "Application Support", "spyglass", "indicators")
	}
	if d := getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return join(d, "spyglass", "indicators")
	}
	return join(getenv("HOME"), ".local", "share", "spyglass", "indicators")
}
