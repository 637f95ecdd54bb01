package dumpsys

import "strings"

// UninstalledPackage is a package named in the overrides of the DOWNSCALED
// compatibility change of the platform_compat section. Android keeps these
// overrides after the app is removed, so they can reveal apps that were
// installed and later uninstalled.
type UninstalledPackage struct {
	PackageName string `json:"package_name"`
}

const downscaledChange = "ChangeId(168419799; name=DOWNSCALED;"

// ParsePlatformCompat reads the rawOverrides of the DOWNSCALED change.
func ParsePlatformCompat(l *Lines) ([]UninstalledPackage, error) {
	var out []UninstalledPackage
	for l.Next() {
		line := l.Text()
		if !strings.HasPrefix(line, downscaledChange) {
			continue
		}
		_, field, ok := strings.Cut(line, "rawOverrides={")
		if !ok {
			continue
		}
		field, _, _ = strings.Cut(field, "};")
		field = strings.TrimSuffix(field, "}")
		for _, entry := range strings.Split(field, ", ") {
			name, _, _ := strings.Cut(entry, "=")
			name = strings.TrimSpace(name)
			if name != "" {
				out = append(out, UninstalledPackage{PackageName: name})
			}
		}
	}
	return out, l.Err()
}
