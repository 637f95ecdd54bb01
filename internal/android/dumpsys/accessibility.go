package dumpsys

import "strings"

// AccessibilityService is one accessibility service found in the
// "accessibility" section. Accessibility services can read the screen and
// act for the user, which is why stalkerware asks for them.
type AccessibilityService struct {
	PackageName string `json:"package_name"`
	// Service is "pkg/class" in the old syntax and the class alone in the
	// Android 14 syntax, as MVT writes them.
	Service string `json:"service"`
}

// ParseAccessibility reads both syntaxes of the accessibility section: the
// old "installed services: { N : pkg/svc … }" block and the Android 14+
// "Enabled services:{{pkg/svc}, {pkg/svc}}" line. Old-syntax services come
// first in the result, as in MVT.
func ParseAccessibility(l *Lines) ([]AccessibilityService, error) {
	var old, enabled []AccessibilityService
	inOld, oldDone := false, false
	for l.Next() {
		line := l.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case !oldDone && !inOld && strings.HasPrefix(trimmed, "installed services:"):
			inOld = true
			continue
		case inOld:
			if trimmed == "}" {
				inOld, oldDone = false, true
				continue
			}
			// "    0 : pkg/svc": the service follows the first colon, after
			// an index. Other lines (some Samsung builds repeat the
			// "installed services: {" line) are not services.
			parts := strings.Split(line, ":")
			if len(parts) < 2 || !isIndex(strings.TrimSpace(parts[0])) {
				continue
			}
			svc := strings.TrimSpace(parts[1])
			pkg, _, _ := strings.Cut(svc, "/")
			old = append(old, AccessibilityService{PackageName: pkg, Service: svc})
			continue
		}
		if strings.HasPrefix(trimmed, "Enabled services:") {
			enabled = append(enabled, parseBracedServices(trimmed)...)
		}
	}
	return append(old, enabled...), l.Err()
}

// parseBracedServices returns every innermost {pkg/svc} group of an
// Android 14 "Enabled services:" line.
func parseBracedServices(line string) []AccessibilityService {
	var out []AccessibilityService
	for {
		open := strings.IndexByte(line, '{')
		if open < 0 {
			return out
		}
		line = line[open+1:]
		end := strings.IndexAny(line, "{}")
		if end < 0 {
			return out
		}
		if line[end] == '{' || end == 0 {
			// Not innermost (or empty): continue from the next brace.
			line = line[end:]
			if line[0] == '}' {
				line = line[1:]
			}
			continue
		}
		pkg, svc, _ := strings.Cut(line[:end], "/")
		out = append(out, AccessibilityService{PackageName: pkg, Service: svc})
		line = line[end+1:]
	}
}

// isIndex reports whether s is a non-empty run of decimal digits.
func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
