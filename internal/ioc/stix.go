package ioc

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// maxFileSize bounds how much of one indicator file is read.
const maxFileSize = 256 << 20

// maxProblemsPerFile keeps a hostile or broken file from flooding the
// report; the rest are counted in one closing line.
const maxProblemsPerFile = 200

// LoadFile reads one STIX 2.x bundle from disk into the index.
func (x *Index) LoadFile(p string) error {
	f, err := safefile.Open(p)
	if err != nil {
		return fmt.Errorf("opening indicator file: %w", err)
	}
	defer f.Close()
	return x.Load(p, f)
}

// Load reads one STIX 2.x bundle named name from r into the index.
// Unsupported patterns and rejected values do not fail the load; they are
// listed by Unsupported and Warnings.
func (x *Index) Load(name string, r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > maxFileSize {
		return fmt.Errorf("%s is larger than %d MiB", name, maxFileSize>>20)
	}
	_, err = x.loadSTIX(name, data, "")
	return err
}

// fileLoad accumulates one file's contribution to the index.
type fileLoad struct {
	x        *Index
	info     FileInfo
	base     string
	problems int
	colls    map[string]bool
}

func (x *Index) newFileLoad(name string, data []byte, source, format string) (*fileLoad, bool) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	if x.seenFiles[h] {
		return nil, false
	}
	x.seenFiles[h] = true
	return &fileLoad{
		x:     x,
		info:  FileInfo{Path: name, SHA256: h, Counts: map[Type]int{}, Source: source, Format: format},
		base:  path.Base(filepath.ToSlash(name)),
		colls: map[string]bool{},
	}, true
}

func (fl *fileLoad) problem(list *[]Problem, p Problem) {
	fl.problems++
	if fl.problems <= maxProblemsPerFile {
		p.File = fl.info.Path
		*list = append(*list, p)
	} else if fl.problems == maxProblemsPerFile+1 {
		fl.x.warnings = append(fl.x.warnings, Problem{File: fl.info.Path, Message: "more problems in this file were not listed"})
	}
}

func (fl *fileLoad) warn(id, pattern, msg string) {
	fl.problem(&fl.x.warnings, Problem{ID: id, Pattern: pattern, Message: msg})
}

// addValue validates and stores one value for each of colls.
func (fl *fileLoad) addValue(t Type, raw, id, pattern string, colls []string) {
	key, typ, note, err := normaliseValue(t, raw)
	if err != nil {
		fl.warn(id, pattern, fmt.Sprintf("rejected %s value %q: %v", t, raw, err))
		return
	}
	if note != "" {
		fl.warn(id, pattern, note)
	}
	for _, c := range colls {
		if fl.x.add(Entry{Type: typ, Collection: c, File: fl.base, ID: id}, key) {
			fl.info.Counts[typ]++
			fl.info.Indicators++
		}
		if !fl.colls[c] {
			fl.colls[c] = true
			fl.info.Collections = append(fl.info.Collections, c)
		}
	}
}

func (fl *fileLoad) noteDate(s string) {
	if s == "" {
		return
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil && t.After(fl.info.FeedDate) {
		fl.info.FeedDate = t.UTC()
	}
}

func (fl *fileLoad) finish() FileInfo {
	fl.x.files = append(fl.x.files, fl.info)
	return fl.info
}

// loadSTIX indexes one bundle. Collections: every report whose object_refs
// lists the indicator and every malware linked to it by a relationship (in
// either direction); failing those, an intrusion-set, threat-actor,
// campaign or tool linked the same way; failing that, the default
// collection. A value listed by several collections is kept for each.
func (x *Index) loadSTIX(name string, data []byte, source string) (FileInfo, error) {
	objs, err := decodeBundle(data)
	if err != nil {
		return FileInfo{}, fmt.Errorf("%s is not a readable STIX 2 bundle: %w", name, err)
	}
	fl, fresh := x.newFileLoad(name, data, source, "stix2")
	if !fresh {
		return FileInfo{}, nil
	}
	named := map[string]string{} // malware id → name
	other := map[string]string{} // intrusion-set etc. id → name
	byID := make(map[string]bool, len(objs)/2)
	for i := range objs {
		o := &objs[i]
		fl.noteDate(o.Created)
		fl.noteDate(o.Modified)
		switch o.Type {
		case "malware":
			named[o.ID] = strings.Clone(nonEmpty(o.Name, o.ID))
		case "intrusion-set", "threat-actor", "campaign", "tool":
			other[o.ID] = strings.Clone(nonEmpty(o.Name, o.ID))
		case "indicator":
			byID[o.ID] = true
			fl.info.Objects++
		}
	}
	primary := make(map[string][]string, len(byID))
	secondary := map[string][]string{}
	dangling := 0
	// one holds a shared one-element list per collection name: most
	// indicators belong to exactly one collection, and appendNew copies
	// before growing it (its capacity is 1).
	one := map[string][]string{}
	add := func(m map[string][]string, ind, name string) {
		if len(m[ind]) == 0 {
			l, ok := one[name]
			if !ok {
				l = []string{name}
				one[name] = l
			}
			m[ind] = l[:1:1]
			return
		}
		m[ind] = appendNew(m[ind], name)
	}
	link := func(ind, target string) bool {
		if n, ok := named[target]; ok {
			add(primary, ind, n)
			return true
		}
		if n, ok := other[target]; ok {
			add(secondary, ind, n)
			return true
		}
		return false
	}
	for i := range objs {
		o := &objs[i]
		switch o.Type {
		case "report":
			rn := strings.Clone(nonEmpty(o.Name, o.ID))
			for _, ref := range o.ObjectRefs {
				if byID[ref] {
					add(primary, ref, rn)
				}
			}
		case "relationship":
			ok := byID[o.SourceRef] && link(o.SourceRef, o.TargetRef) ||
				byID[o.TargetRef] && link(o.TargetRef, o.SourceRef)
			if !ok && (!byID[o.SourceRef] && strings.HasPrefix(o.SourceRef, "indicator--") ||
				!byID[o.TargetRef] && strings.HasPrefix(o.TargetRef, "indicator--")) {
				dangling++
			}
		}
	}
	type sigKey struct{ id, pattern string }
	seen := make(map[sigKey]bool, len(byID))
	for i := range objs {
		o := &objs[i]
		if o.Type != "indicator" {
			continue
		}
		// The same object repeated (stalkerware has 38) is read once.
		sig := sigKey{o.ID, o.Pattern}
		if seen[sig] {
			continue
		}
		seen[sig] = true
		colls := primary[o.ID]
		if len(colls) == 0 {
			colls = secondary[o.ID]
		}
		if len(colls) == 0 {
			colls = []string{DefaultCollection}
		}
		fl.indicator(o, colls)
	}
	if dangling > 0 {
		fl.warn("", "", fmt.Sprintf("%d relationship(s) refer to indicators that are not in the file (ignored)", dangling))
	}
	sort.Strings(fl.info.Collections)
	return fl.finish(), nil
}

func (fl *fileLoad) indicator(o *stixObject, colls []string) {
	if o.PatternType != "" && !strings.EqualFold(o.PatternType, "stix") {
		fl.problem(&fl.x.unsupported, Problem{ID: o.ID, Pattern: o.Pattern, Message: "pattern_type " + o.PatternType + " is not supported"})
		return
	}
	cmps, why, err := parsePattern(o.Pattern)
	if err != nil {
		fl.problem(&fl.x.unsupported, Problem{ID: o.ID, Pattern: o.Pattern, Message: err.Error()})
		return
	}
	var unknown []string
	for _, c := range cmps {
		t, ok := typeFor(c.Object, c.Path)
		if !ok {
			unknown = appendNew(unknown, c.Object+":"+c.Path)
			continue
		}
		if c.Op == "ISSUBSET" && t != IPs {
			unknown = appendNew(unknown, "ISSUBSET on "+c.Object+":"+c.Path)
			continue
		}
		fl.addValue(t, c.Value, o.ID, o.Pattern, colls)
	}
	if len(unknown) > 0 {
		if why != "" {
			why += "; "
		}
		why += "object path " + strings.Join(unknown, ", ") + " is not supported"
	}
	if why != "" {
		fl.problem(&fl.x.unsupported, Problem{ID: o.ID, Pattern: o.Pattern, Message: why})
	}
}

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}
