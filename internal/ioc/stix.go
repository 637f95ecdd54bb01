package ioc

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
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
	data, err := readIndicatorFile(r)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > maxFileSize {
		return fmt.Errorf("%s is larger than %d MiB", name, maxFileSize>>20)
	}
	_, err = x.loadSTIX(name, data, "")
	return err
}

// readIndicatorFile reads up to maxFileSize+1 bytes of r. A file's buffer
// is sized from its length once: io.ReadAll's doubling would allocate
// about twice a 250 MB feed.
func readIndicatorFile(r io.Reader) ([]byte, error) {
	hint := bytes.MinRead
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() <= maxFileSize {
			hint = int(st.Size()) + bytes.MinRead + 1
		}
	}
	var b bytes.Buffer
	b.Grow(hint)
	_, err := b.ReadFrom(io.LimitReader(r, maxFileSize+1))
	return b.Bytes(), err
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

// laterDate returns the later of t and the RFC 3339 stamp s (t when s is
// empty or unreadable), in UTC.
func laterDate(t time.Time, s string) time.Time {
	if s == "" {
		return t
	}
	if d, err := time.Parse(time.RFC3339Nano, s); err == nil && d.After(t) {
		return d.UTC()
	}
	return t
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
//
// The bundle is read in three passes over its bytes, one object at a time
// (eachObject), so that memory stays near the indicator values rather than
// several times the file: the names of malware and the like, then the
// links of reports and relationships, then the indicators themselves.
func (x *Index) loadSTIX(name string, data []byte, source string) (FileInfo, error) {
	named := map[string]string{} // malware id → name
	other := map[string]string{} // intrusion-set etc. id → name
	// byID counts each indicator id's objects (saturating at 2): only ids
	// seen more than once need their (id, pattern) remembered below.
	byID := make(map[string]uint8, len(data)/400) // real feeds: one indicator per ~350 bytes
	var latest time.Time                          // the feed date: the latest created or modified
	objects := 0
	err := eachObject(data, func(o *stixObject) error {
		latest = laterDate(latest, o.Created)
		latest = laterDate(latest, o.Modified)
		switch o.Type {
		case "malware":
			named[strings.Clone(o.ID)] = strings.Clone(nonEmpty(o.Name, o.ID))
		case "intrusion-set", "threat-actor", "campaign", "tool":
			other[strings.Clone(o.ID)] = strings.Clone(nonEmpty(o.Name, o.ID))
		case "indicator":
			if n := byID[o.ID]; n < 2 {
				byID[o.ID] = n + 1 // the key aliases data, which outlives the load
			}
			objects++
		}
		return nil
	})
	if err != nil {
		return FileInfo{}, fmt.Errorf("%s is not a readable STIX 2 bundle: %w", name, err)
	}
	fl, fresh := x.newFileLoad(name, data, source, "stix2")
	if !fresh {
		return FileInfo{}, nil
	}
	fl.info.Objects, fl.info.FeedDate = objects, latest
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
	isInd := func(id string) bool { return byID[id] > 0 }
	_ = eachObject(data, func(o *stixObject) error {
		switch o.Type {
		case "report":
			var rn string
			for _, ref := range o.ObjectRefs {
				if isInd(ref) {
					if rn == "" {
						rn = strings.Clone(nonEmpty(o.Name, o.ID))
					}
					add(primary, ref, rn)
				}
			}
		case "relationship":
			ok := isInd(o.SourceRef) && link(o.SourceRef, o.TargetRef) ||
				isInd(o.TargetRef) && link(o.TargetRef, o.SourceRef)
			if !ok && (!isInd(o.SourceRef) && strings.HasPrefix(o.SourceRef, "indicator--") ||
				!isInd(o.TargetRef) && strings.HasPrefix(o.TargetRef, "indicator--")) {
				dangling++
			}
		}
		return nil
	})
	type sigKey struct{ id, pattern string }
	seen := map[sigKey]bool{}
	_ = eachObject(data, func(o *stixObject) error {
		if o.Type != "indicator" {
			return nil
		}
		// The same object repeated (stalkerware has 38) is read once.
		if byID[o.ID] > 1 {
			sig := sigKey{o.ID, o.Pattern}
			if seen[sig] {
				return nil
			}
			seen[sig] = true
		}
		colls := primary[o.ID]
		if len(colls) == 0 {
			colls = secondary[o.ID]
		}
		if len(colls) == 0 {
			colls = []string{DefaultCollection}
		}
		fl.indicator(o, colls)
		return nil
	})
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
