package dumpsys

import (
	"strings"
	"time"
)

// AppopsPackage is one package of the appops section: the app operations
// (permissions) it used and when.
type AppopsPackage struct {
	PackageName string             `json:"package_name"`
	UID         string             `json:"uid"`
	Permissions []AppopsPermission `json:"permissions"`
}

// AppopsPermission is one operation of a package ("REQUEST_INSTALL_PACKAGES
// (allow):") with its access entries.
type AppopsPermission struct {
	Name    string        `json:"name"`
	Access  string        `json:"access,omitempty"`
	Entries []AppopsEntry `json:"entries"`
}

// AppopsEntry is one "Access:" or "Reject:" line, with the device-local
// time it happened ("" when the line had no readable time).
type AppopsEntry struct {
	Access    string `json:"access"`
	Type      string `json:"type"`
	Timestamp string `json:"timestamp,omitempty"`
}

// ParseAppops reads the per-uid package list of the appops section, from
// "  Uid 0:" to the first blank line after it.
func ParseAppops(l *Lines) ([]AppopsPackage, error) {
	var (
		out     []AppopsPackage
		pkg     *AppopsPackage
		perm    *AppopsPermission
		uid     string
		started bool
	)
	flushPerm := func() {
		if pkg != nil && perm != nil {
			pkg.Permissions = append(pkg.Permissions, *perm)
		}
		perm = nil
	}
	flushPkg := func() {
		flushPerm()
		if pkg != nil {
			out = append(out, *pkg)
		}
		pkg = nil
	}
	for l.Next() {
		line := l.Text()
		if strings.HasPrefix(line, "  Uid 0:") {
			started = true
		}
		if !started {
			continue
		}
		switch {
		case strings.HasPrefix(line, "  Uid "):
			flushPkg()
			uid = strings.TrimSuffix(line[len("  Uid "):], ":")
			continue
		case strings.HasPrefix(line, "    Package "):
			flushPkg()
			pkg = &AppopsPackage{
				PackageName: strings.TrimSuffix(line[len("    Package "):], ":"),
				UID:         uid,
				Permissions: []AppopsPermission{},
			}
			continue
		// A permission line; one of whitespace only (found by fuzzing:
		// "      \t") is not one and ends the section below.
		case pkg != nil && len(line) > 6 && strings.HasPrefix(line, "      ") && line[6] != ' ' && strings.TrimSpace(line) != "":
			flushPerm()
			fields := strings.Fields(line)
			perm = &AppopsPermission{Name: fields[0], Entries: []AppopsEntry{}}
			if len(fields) > 1 {
				// "(allow):" → "allow"
				perm.Access = strings.TrimSuffix(strings.TrimPrefix(fields[1], "("), "):")
			}
			continue
		case strings.HasPrefix(line, "          ") && perm != nil:
			if e, ok := parseAppopsEntry(line); ok {
				perm.Entries = append(perm.Entries, e)
			}
		}
		if strings.TrimSpace(line) == "" {
			break
		}
	}
	flushPkg()
	return out, l.Err()
}

// parseAppopsEntry reads "Access: [fg-s]2021-05-19 22:02:52.054 (-314d…)".
func parseAppopsEntry(line string) (AppopsEntry, bool) {
	access, rest, _ := strings.Cut(strings.TrimSpace(line), ":")
	if access != "Access" && access != "Reject" {
		return AppopsEntry{}, false
	}
	e := AppopsEntry{Access: access}
	if open := strings.IndexByte(rest, '['); open >= 0 {
		if end := strings.IndexByte(rest[open:], ']'); end >= 0 {
			e.Type = rest[open+1 : open+end]
			rest = rest[open+end+1:]
		}
	}
	if paren := strings.IndexByte(rest, '('); paren >= 0 {
		rest = rest[:paren]
	}
	if t, err := time.Parse("2006-01-02 15:04:05.999999999", strings.TrimSpace(rest)); err == nil {
		e.Timestamp = t.Format(LocalLayout)
	}
	return e, true
}

// LocalLayout is MVT's timestamp text, used here for device-local times.
const LocalLayout = "2006-01-02 15:04:05.000000"
