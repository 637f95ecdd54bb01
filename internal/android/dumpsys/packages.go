package dumpsys

import (
	"strconv"
	"strings"
)

// Package is one installed package of the "Packages:" list of the package
// section.
type Package struct {
	PackageName    string `json:"package_name"`
	UID            string `json:"uid"`
	VersionName    string `json:"version_name"`
	VersionCode    string `json:"version_code"`
	Timestamp      string `json:"timestamp"`
	FirstInstall   string `json:"first_install_time"`
	LastUpdateTime string `json:"last_update_time"`
	// Installer is installerPackageName ("com.android.vending"), "" when
	// the dump names none.
	Installer            string              `json:"installer"`
	System               bool                `json:"system"`
	Permissions          []PackagePermission `json:"permissions"`
	RequestedPermissions []string            `json:"requested_permissions"`
}

// PackagePermission is a permission a package declares, was granted at
// install time, or holds at run time.
type PackagePermission struct {
	Name string `json:"name"`
	// Granted is nil for declared permissions and for lines without a
	// "granted=" value.
	Granted *bool `json:"granted,omitempty"`
	// Type is "declared", "install" or "runtime".
	Type string `json:"type"`
}

// ParsePackages reads the "Packages:" list of the package section, up to
// its first blank line.
func ParsePackages(l *Lines) ([]Package, error) {
	var out []Package
	var p *pkgParser
	inList := false
	for l.Next() {
		line := l.Text()
		if !inList {
			inList = strings.HasPrefix(line, "Packages:")
			continue
		}
		if strings.TrimSpace(line) == "" {
			break
		}
		if rest, ok := strings.CutPrefix(line, "  Package ["); ok {
			if p != nil {
				out = append(out, p.finish())
			}
			name, _, found := strings.Cut(rest, "]")
			p = nil
			if found {
				p = newPkgParser(name)
			}
			continue
		}
		if p != nil {
			p.line(line)
		}
	}
	if p != nil {
		out = append(out, p.finish())
	}
	return out, l.Err()
}

type pkgParser struct {
	pkg   Package
	block string // "declared", "install", "requested", "runtime" or ""
	// blockIndent is the indentation of the current block's header.
	blockIndent int
	user        int // current "User N:" block, -1 outside
	firstUser   int
	userFirst   map[int]string
	userRuntime map[int][]PackagePermission
}

func newPkgParser(name string) *pkgParser {
	return &pkgParser{
		pkg:  Package{PackageName: name, Permissions: []PackagePermission{}, RequestedPermissions: []string{}},
		user: -1, firstUser: -1,
		userFirst: map[int]string{}, userRuntime: map[int][]PackagePermission{},
	}
}

func (p *pkgParser) line(line string) {
	ind := indent(line)
	t := strings.TrimSpace(line)
	if p.block != "" {
		if ind > p.blockIndent {
			p.blockItem(t)
			return
		}
		p.block = ""
	}
	if ind <= 4 {
		p.user = -1
	}
	if rest, ok := strings.CutPrefix(t, "User "); ok && ind == 4 {
		num, _, _ := strings.Cut(rest, ":")
		if n, err := strconv.Atoi(num); err == nil {
			p.user = n
			if p.firstUser < 0 {
				p.firstUser = n
			}
		}
		return
	}
	switch t {
	case "declared permissions:", "install permissions:", "requested permissions:", "runtime permissions:":
		p.block = strings.TrimSuffix(t, " permissions:")
		p.blockIndent = ind
		return
	}
	key, value, ok := strings.Cut(t, "=")
	if !ok {
		return
	}
	value = strings.TrimSpace(value)
	switch key {
	case "userId":
		p.pkg.UID = value
	case "versionName":
		p.pkg.VersionName = value
	case "versionCode":
		// "500700000 minSdk=28 targetSdk=28": the code is the first word.
		p.pkg.VersionCode, _, _ = strings.Cut(value, " ")
	case "timeStamp":
		p.pkg.Timestamp = value
	case "firstInstallTime":
		if p.user >= 0 {
			if _, seen := p.userFirst[p.user]; !seen {
				p.userFirst[p.user] = value
			}
		} else {
			p.pkg.FirstInstall = value
		}
	case "lastUpdateTime":
		p.pkg.LastUpdateTime = value
	case "installerPackageName":
		if value != "null" {
			p.pkg.Installer = value
		}
	case "flags", "pkgFlags":
		for _, f := range strings.Fields(strings.Trim(value, "[]")) {
			if f == "SYSTEM" {
				p.pkg.System = true
			}
		}
	}
}

func (p *pkgParser) blockItem(t string) {
	if p.block == "requested" {
		p.pkg.RequestedPermissions = append(p.pkg.RequestedPermissions, t)
		return
	}
	name, rest, _ := strings.Cut(t, ":")
	perm := PackagePermission{Name: name, Type: p.block}
	if p.block != "declared" && strings.Contains(rest, "granted=") {
		g := strings.Contains(rest, "granted=true")
		perm.Granted = &g
	}
	if p.block == "runtime" && p.user >= 0 {
		p.userRuntime[p.user] = append(p.userRuntime[p.user], perm)
		return
	}
	p.pkg.Permissions = append(p.pkg.Permissions, perm)
}

// finish applies the per-user values: user 0's when present, otherwise the
// first user's (a work profile or secondary user only).
func (p *pkgParser) finish() Package {
	u := p.firstUser
	if _, ok := p.userFirst[0]; ok {
		u = 0
	} else if _, ok := p.userRuntime[0]; ok {
		u = 0
	}
	if v, ok := p.userFirst[u]; ok && v != "" {
		p.pkg.FirstInstall = v
	}
	p.pkg.Permissions = append(p.pkg.Permissions, p.userRuntime[u]...)
	return p.pkg
}
