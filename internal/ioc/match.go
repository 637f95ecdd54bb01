package ioc

import (
	"strings"
)

// baseName is the last /-separated component, ignoring trailing slashes.
func baseName(p string) string {
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// CheckProcess matches a process name (or a path to its binary) by basename
// equality; a 15- or 16-character name also matches as the prefix of a longer
// indicator, because Linux (15) and iOS (16) truncate process names.
func (x *Index) CheckProcess(name string) *Match {
	if x == nil {
		return nil
	}
	base := baseName(strings.TrimSpace(name))
	if base == "" {
		return nil
	}
	if m := x.lookup(Processes, base, "exact"); m != nil {
		return m
	}
	if len(base) == 15 || len(base) == 16 {
		for _, k := range x.processPrefixes[base[:15]] {
			if strings.HasPrefix(k, base) {
				return x.lookup(Processes, k, "truncated name")
			}
		}
	}
	return nil
}

// CheckEmail matches an email address case-insensitively. A display-name
// form ("Name <a@b>") and a "mailto:" prefix are accepted.
func (x *Index) CheckEmail(addr string) *Match {
	if x == nil {
		return nil
	}
	a := strings.TrimSpace(addr)
	if i := strings.LastIndexByte(a, '<'); i >= 0 && strings.HasSuffix(a, ">") {
		a = a[i+1 : len(a)-1]
	}
	if len(a) > 7 && strings.EqualFold(a[:7], "mailto:") {
		a = a[7:]
	}
	return x.lookup(Emails, strings.ToLower(strings.TrimSpace(a)), "exact")
}

// CheckFileName matches a file name by basename equality (case-sensitive).
// A file-name indicator written as a full path (the MVT test set has
// "/var/foobar/txt") matches that exact path too.
func (x *Index) CheckFileName(name string) *Match {
	if x == nil || name == "" {
		return nil
	}
	if m := x.lookup(FileNames, baseName(name), "exact"); m != nil {
		return m
	}
	if strings.IndexByte(name, '/') >= 0 {
		return x.lookup(FileNames, name, "exact")
	}
	return nil
}

// CheckFilePath matches a path: its basename against file-name indicators,
// then the path against file-path indicators as a prefix on a path boundary
// (indicator /tmp/x matches /tmp/x and /tmp/x/y, not /tmp/xy). Relative
// path indicators ("Library/Preferences/x.plist") match on a boundary
// anywhere in the path.
func (x *Index) CheckFilePath(p string) *Match {
	if x == nil || p == "" {
		return nil
	}
	if m := x.CheckFileName(p); m != nil {
		return m
	}
	set := x.sets[FilePaths]
	if len(set) == 0 {
		return nil
	}
	q := strings.TrimRight(p, "/")
	if q == "" {
		return nil
	}
	if m := matchOf(set[q], "exact path"); m != nil {
		return m
	}
	for i := strings.LastIndexByte(q, '/'); i > 0; i = strings.LastIndexByte(q[:i], '/') {
		if m := matchOf(set[q[:i]], "path prefix"); m != nil {
			return m
		}
	}
	for _, k := range x.relPaths {
		if onBoundary(q, k) {
			return x.lookup(FilePaths, k, "relative path")
		}
	}
	return nil
}

// onBoundary reports whether rel occurs in p starting at the beginning or
// after a "/" and ending at the end or before a "/".
func onBoundary(p, rel string) bool {
	for off := 0; off <= len(p)-len(rel); {
		i := strings.Index(p[off:], rel)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(rel)
		if (i == 0 || p[i-1] == '/') && (end == len(p) || p[end] == '/') {
			return true
		}
		off = i + 1
	}
	return false
}

// CheckFilePathProcess matches any component of a path against process
// indicators (an implant's binary inside a folder of its own).
func (x *Index) CheckFilePathProcess(p string) *Match {
	if x == nil {
		return nil
	}
	set := x.sets[Processes]
	if len(set) == 0 {
		return nil
	}
	for len(p) > 0 {
		i := strings.IndexByte(p, '/')
		part := p
		if i >= 0 {
			part, p = p[:i], p[i+1:]
		} else {
			p = ""
		}
		if part == "" {
			continue
		}
		if m := matchOf(set[part], "path component"); m != nil {
			return m
		}
	}
	return nil
}

// CheckAppID matches an Android package name or iOS bundle id, ignoring case.
func (x *Index) CheckAppID(id string) *Match {
	return x.lookupFold(AppIDs, id)
}

// CheckAndroidProperty matches a getprop key, ignoring case.
func (x *Index) CheckAndroidProperty(name string) *Match {
	return x.lookupFold(AndroidPropertyNames, name)
}

// CheckProfile matches an iOS configuration profile identifier (UUID),
// ignoring case. MVT tests "uuid in indicator" as a substring; we use
// equality, so a short value cannot match a long indicator by accident.
func (x *Index) CheckProfile(uuid string) *Match {
	return x.lookupFold(IOSProfileIDs, uuid)
}

func (x *Index) lookupFold(t Type, v string) *Match {
	if x == nil {
		return nil
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if hasUpper(v) || !isASCII(v) {
		v = strings.ToLower(v)
	}
	return x.lookup(t, v, "exact")
}

// CheckHash matches a file hash; the algorithm follows from the length
// (32 hex: MD5, 40: SHA-1, 64: SHA-256), case-insensitively.
func (x *Index) CheckHash(h string) *Match {
	if x == nil {
		return nil
	}
	switch h = strings.TrimSpace(h); len(h) {
	case 32:
		return x.lookupFold(FilesMD5, h)
	case 40:
		return x.lookupFold(FilesSHA1, h)
	case 64:
		return x.lookupFold(FilesSHA256, h)
	}
	return nil
}

// CheckCertHash matches an app signing certificate hash of any algorithm,
// case-insensitively; colons between bytes are ignored.
func (x *Index) CheckCertHash(h string) *Match {
	if x == nil {
		return nil
	}
	if strings.IndexByte(h, ':') >= 0 {
		h = strings.ReplaceAll(h, ":", "")
	}
	return x.lookupFold(AppCertHashes, h)
}
