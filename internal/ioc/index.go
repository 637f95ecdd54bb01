// Package ioc loads indicators of compromise (STIX 2.x bundles as published by
// Amnesty, mvt-indicators and Echap) into a typed index and answers "is this
// value an indicator, and of which malware?".
//
// NOTE: this is the first cut of the API used by every module. The matching
// rules are documented on each Check method; the STIX reader is in stix.go.
package ioc

import (
	"path"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// Type is an indicator bucket, named as in MVT's matched_indicator.type.
type Type string

// The indicator types.
const (
	Domains              Type = "domains"
	IPs                  Type = "ips"
	URLs                 Type = "urls"
	Processes            Type = "processes"
	Emails               Type = "emails"
	FileNames            Type = "file_names"
	FilePaths            Type = "file_paths"
	FilesMD5             Type = "files_md5"
	FilesSHA1            Type = "files_sha1"
	FilesSHA256          Type = "files_sha256"
	AppCertHashes        Type = "app_cert_hashes"
	AppIDs               Type = "app_ids"
	IOSProfileIDs        Type = "ios_profile_ids"
	AndroidPropertyNames Type = "android_property_names"
)

// Entry is one indicator value with where it came from.
type Entry struct {
	Value      string
	Type       Type
	Collection string // malware or report name
	File       string // STIX file base name
}

// Match is a positive answer from a Check method.
type Match struct {
	Entry
	// How says why it matched: "exact", "parent domain", "truncated name",
	// "path prefix".
	How string
}

// Indicator converts the match to the alert's matched_indicator.
func (m *Match) Indicator() *alert.Indicator {
	if m == nil {
		return nil
	}
	return &alert.Indicator{Value: m.Value, Type: string(m.Type), Name: m.Collection, STIX2FileName: m.File}
}

// Index holds every loaded indicator in hash sets keyed by normalised value.
// It is read-only after loading and safe for concurrent use.
type Index struct {
	sets  map[Type]map[string][]Entry
	files []FileInfo
	// processPrefixes holds process indicators by their first 15 characters,
	// for names truncated by the kernel.
	processPrefixes map[string][]Entry
	filePaths       []Entry
}

// FileInfo describes one loaded indicator file, for info.json and iocs list.
type FileInfo struct {
	Path        string `json:"path"`
	SHA256      string `json:"sha256"`
	Indicators  int    `json:"indicators"`
	Collections []string
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{sets: map[Type]map[string][]Entry{}, processPrefixes: map[string][]Entry{}}
}

// Files lists the loaded indicator files in loading order.
func (x *Index) Files() []FileInfo { return x.files }

// Len is the number of distinct (type, value) indicators.
func (x *Index) Len() int {
	n := 0
	for _, s := range x.sets {
		n += len(s)
	}
	return n
}

func (x *Index) add(e Entry) {
	key := normalise(e.Type, e.Value)
	if key == "" {
		return
	}
	s := x.sets[e.Type]
	if s == nil {
		s = map[string][]Entry{}
		x.sets[e.Type] = s
	}
	for _, old := range s[key] {
		if old.Collection == e.Collection && old.File == e.File {
			return
		}
	}
	s[key] = append(s[key], e)
	switch e.Type {
	case Processes:
		if len(key) > 15 {
			p := key[:15]
			x.processPrefixes[p] = append(x.processPrefixes[p], e)
		}
	case FilePaths:
		x.filePaths = append(x.filePaths, e)
	}
}

func normalise(t Type, v string) string {
	v = strings.TrimSpace(v)
	switch t {
	case Domains:
		return normaliseHost(v)
	case Processes, FileNames, FilePaths, URLs:
		return v
	}
	return strings.ToLower(v)
}

func (x *Index) lookup(t Type, key, how string) *Match {
	if es := x.sets[t][key]; len(es) > 0 {
		return &Match{Entry: es[0], How: how}
	}
	return nil
}

// CheckProcess matches a process name (or a path to its binary) by basename;
// a 15- or 16-character name also matches as the prefix of a longer
// indicator, because the kernel truncates process names.
func (x *Index) CheckProcess(name string) *Match {
	if x == nil || name == "" {
		return nil
	}
	base := path.Base(strings.TrimRight(name, "/"))
	if m := x.lookup(Processes, base, "exact"); m != nil {
		return m
	}
	if len(base) == 15 || len(base) == 16 {
		for _, e := range x.processPrefixes[base[:15]] {
			if strings.HasPrefix(e.Value, base) {
				return &Match{Entry: e, How: "truncated name"}
			}
		}
	}
	return nil
}

// CheckEmail matches an email address case-insensitively.
func (x *Index) CheckEmail(addr string) *Match {
	if x == nil {
		return nil
	}
	return x.lookup(Emails, strings.ToLower(strings.TrimSpace(addr)), "exact")
}

// CheckFileName matches a file name by basename equality.
func (x *Index) CheckFileName(name string) *Match {
	if x == nil || name == "" {
		return nil
	}
	return x.lookup(FileNames, path.Base(name), "exact")
}

// CheckFilePath matches a path: its basename against file-name indicators,
// then the path against file-path indicators as a prefix on a path boundary
// (indicator /tmp/x matches /tmp/x and /tmp/x/y, not /tmp/xy).
func (x *Index) CheckFilePath(p string) *Match {
	if x == nil || p == "" {
		return nil
	}
	if m := x.CheckFileName(p); m != nil {
		return m
	}
	for _, e := range x.filePaths {
		ioc := strings.TrimRight(e.Value, "/")
		if ioc == "" {
			continue
		}
		if p == ioc || strings.HasPrefix(p, ioc+"/") {
			return &Match{Entry: e, How: "path prefix"}
		}
	}
	return nil
}

// CheckFilePathProcess matches any path component against process indicators.
func (x *Index) CheckFilePathProcess(p string) *Match {
	if x == nil {
		return nil
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" {
			continue
		}
		if m := x.lookup(Processes, part, "path component"); m != nil {
			return m
		}
	}
	return nil
}

// CheckAppID matches an Android package name or iOS bundle id, ignoring case.
func (x *Index) CheckAppID(id string) *Match {
	if x == nil {
		return nil
	}
	return x.lookup(AppIDs, strings.ToLower(strings.TrimSpace(id)), "exact")
}

// CheckAndroidProperty matches a getprop key, ignoring case.
func (x *Index) CheckAndroidProperty(name string) *Match {
	if x == nil {
		return nil
	}
	return x.lookup(AndroidPropertyNames, strings.ToLower(strings.TrimSpace(name)), "exact")
}

// CheckProfile matches an iOS configuration profile UUID, ignoring case.
func (x *Index) CheckProfile(uuid string) *Match {
	if x == nil {
		return nil
	}
	return x.lookup(IOSProfileIDs, strings.ToLower(strings.TrimSpace(uuid)), "exact")
}

// CheckHash matches a file hash; the algorithm follows from the length
// (32 hex: MD5, 40: SHA-1, 64: SHA-256), case-insensitively.
func (x *Index) CheckHash(h string) *Match {
	if x == nil {
		return nil
	}
	h = strings.ToLower(strings.TrimSpace(h))
	switch len(h) {
	case 32:
		return x.lookup(FilesMD5, h, "exact")
	case 40:
		return x.lookup(FilesSHA1, h, "exact")
	case 64:
		return x.lookup(FilesSHA256, h, "exact")
	}
	return nil
}

// CheckCertHash matches an app signing certificate hash of any algorithm.
func (x *Index) CheckCertHash(h string) *Match {
	if x == nil {
		return nil
	}
	return x.lookup(AppCertHashes, strings.ToLower(strings.TrimSpace(h)), "exact")
}
