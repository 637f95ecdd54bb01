// Package ioc loads indicators of compromise (STIX 2.x bundles as published by
// Amnesty, mvt-indicators and Echap, plus Echap's samples list and Amnesty's
// phishing lists) into a typed index and answers "is this value an indicator,
// and of which malware?".
//
// Layout: pattern.go parses STIX patterns, bundle.go decodes bundles,
// stix.go turns them into entries, values.go validates and normalises values,
// index.go holds the hash sets, host.go/url.go/match.go answer the questions,
// load.go finds the files (flags, environment, user folder, embedded feeds).
package ioc

import (
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// Type is an indicator bucket, named as in MVT's matched_indicator.type.
type Type string

// The indicator types.
const (
	Domains Type = "domains"
	// IPs holds ipv4-addr/ipv6-addr values and IP literals found in
	// domain-name patterns. MVT files both under "domains"; we keep them apart
	// so that an IP is matched as an address, never as a substring.
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

// AllTypes lists the types in display order.
var AllTypes = []Type{Domains, IPs, URLs, Processes, Emails, FileNames, FilePaths,
	FilesMD5, FilesSHA1, FilesSHA256, AppCertHashes, AppIDs, IOSProfileIDs, AndroidPropertyNames}

// DefaultCollection names indicators that no malware or report claims (MVT's
// name for it).
const DefaultCollection = "Default collection"

// Entry is one indicator value with where it came from.
type Entry struct {
	// Value is the normalised indicator value (lower-case host in ASCII
	// form, lower-case hash, ...).
	Value      string
	Type       Type
	Collection string // malware or report name
	File       string // indicator file base name (stix2_file_name)
	// ID is the STIX indicator id, or "" for non-STIX sources.
	ID string
}

// Match is a positive answer from a Check method.
type Match struct {
	Entry
	// How says why it matched: "exact", "parent domain", "registered
	// domain", "truncated name", "path prefix", "ip", ...
	How string
	// Others are further collections or files that list the same value.
	Others []Entry
}

// Indicator converts the match to the alert's matched_indicator.
func (m *Match) Indicator() *alert.Indicator {
	if m == nil {
		return nil
	}
	return &alert.Indicator{Value: m.Value, Type: string(m.Type), Name: m.Collection, STIX2FileName: m.File}
}

// Collections names every collection that lists the matched value, first
// one first, without repeats.
func (m *Match) Collections() []string {
	if m == nil {
		return nil
	}
	out := []string{m.Collection}
	for _, e := range m.Others {
		dup := false
		for _, c := range out {
			dup = dup || c == e.Collection
		}
		if !dup {
			out = append(out, e.Collection)
		}
	}
	return out
}

// FileInfo describes one loaded indicator file, for info.json and iocs list.
type FileInfo struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	// Indicators is the number of distinct (collection, type, value)
	// indicators the file contributed: MVT's count.
	Indicators  int      `json:"indicators"`
	Collections []string `json:"collections"`
	// Counts is Indicators per type.
	Counts map[Type]int `json:"counts"`
	// Source says where the file came from: "flag", "env", "user",
	// "embedded" or "" when loaded directly.
	Source string `json:"source"`
	// FeedDate is the newest created/modified time in the file (zero when
	// the format has none).
	FeedDate time.Time `json:"feed_date"`
	// Objects is the number of indicator objects (STIX) or rows/lines read,
	// duplicates included.
	Objects int `json:"objects"`
	// Format is "stix2", "samples-csv", "echap-yaml" or "text-list".
	Format string `json:"format"`
}

// Problem is a warning or an unsupported pattern found while loading.
type Problem struct {
	File    string `json:"file"`
	ID      string `json:"id,omitempty"`
	Pattern string `json:"pattern,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	s := p.File
	if p.ID != "" {
		s += " " + p.ID
	}
	s += ": " + p.Message
	if p.Pattern != "" {
		s += ": " + p.Pattern
	}
	return s
}
