package ioc

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

type stixObject struct {
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Pattern    string   `json:"pattern"`
	SourceRef  string   `json:"source_ref"`
	TargetRef  string   `json:"target_ref"`
	ObjectRefs []string `json:"object_refs"`
}

var patternRE = regexp.MustCompile(`^\[\s*([a-z0-9-]+):([A-Za-z0-9_.'-]+)\s*=\s*'(.*)'\s*\]$`)

// DefaultCollection names indicators that no malware or report claims.
const DefaultCollection = "Default collection"

// LoadFile reads one STIX 2.x bundle from disk into the index.
func (x *Index) LoadFile(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return x.Load(p, f)
}

// Load reads one STIX 2.x bundle named name from r into the index.
func (x *Index) Load(name string, r io.Reader) error {
	h := sha256.New()
	data, err := io.ReadAll(io.TeeReader(r, h))
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	var bundle struct {
		Objects []stixObject `json:"objects"`
	}
	if err := json.Unmarshal(data, &bundle); err != nil {
		return fmt.Errorf("%s is not a STIX bundle: %w", name, err)
	}
	names := map[string]string{}
	owner := map[string]string{}
	for _, o := range bundle.Objects {
		switch o.Type {
		case "malware":
			names[o.ID] = o.Name
		case "report":
			for _, ref := range o.ObjectRefs {
				owner[ref] = o.Name
			}
		}
	}
	for _, o := range bundle.Objects {
		if o.Type == "relationship" {
			if n, ok := names[o.TargetRef]; ok {
				if _, taken := owner[o.SourceRef]; !taken {
					owner[o.SourceRef] = n
				}
			}
		}
	}
	base := filepath.Base(name)
	info := FileInfo{Path: name, SHA256: hex.EncodeToString(h.Sum(nil))}
	seen := map[string]bool{}
	for _, o := range bundle.Objects {
		if o.Type != "indicator" {
			continue
		}
		m := patternRE.FindStringSubmatch(strings.TrimSpace(o.Pattern))
		if m == nil {
			continue
		}
		t := typeOf(m[1], m[2])
		if t == "" {
			continue
		}
		coll, ok := owner[o.ID]
		if !ok {
			coll = DefaultCollection
		}
		if !seen[coll] {
			seen[coll] = true
			info.Collections = append(info.Collections, coll)
		}
		x.add(Entry{Value: m[3], Type: t, Collection: coll, File: base})
		info.Indicators++
	}
	x.files = append(x.files, info)
	return nil
}

func typeOf(object, prop string) Type {
	prop = strings.ToLower(strings.NewReplacer("'", "", "-", "").Replace(prop))
	switch object + ":" + prop {
	case "domain-name:value", "ipv4-addr:value", "ipv6-addr:value":
		return Domains
	case "url:value":
		return URLs
	case "process:name":
		return Processes
	case "email-addr:value":
		return Emails
	case "file:name":
		return FileNames
	case "file:path":
		return FilePaths
	case "file:hashes.md5":
		return FilesMD5
	case "file:hashes.sha1":
		return FilesSHA1
	case "file:hashes.sha256":
		return FilesSHA256
	case "app:cert.md5", "app:cert.sha1", "app:cert.sha256":
		return AppCertHashes
	case "app:id":
		return AppIDs
	case "configuration-profile:id":
		return IOSProfileIDs
	case "android-property:name":
		return AndroidPropertyNames
	}
	return ""
}
