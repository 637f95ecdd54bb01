package dumpsys

import "strings"

// Property is one Android system property ("[name]: [value]").
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ParseGetprop reads `getprop` output: every "[name]: [value]" line;
// other lines are skipped. Values may hold "]" and ": [" themselves, so the
// line is split on the first "]: [" only.
func ParseGetprop(l *Lines) ([]Property, error) {
	var out []Property
	for l.Next() {
		p, ok := parsePropLine(l.Text())
		if ok {
			out = append(out, p)
		}
	}
	return out, l.Err()
}

func parsePropLine(line string) (Property, bool) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "[") || !strings.HasSuffix(t, "]") {
		return Property{}, false
	}
	name, value, ok := strings.Cut(t[1:len(t)-1], "]: [")
	if !ok || name == "" {
		return Property{}, false
	}
	return Property{Name: name, Value: value}, true
}

// ParseSystemProperties reads the "------ SYSTEM PROPERTIES" block of a
// bugreport's dumpstate text (up to the next line starting with "------").
func ParseSystemProperties(l *Lines) ([]Property, error) {
	var out []Property
	in := false
	for l.Next() {
		line := l.Text()
		if !in {
			in = strings.HasPrefix(line, "------ SYSTEM PROPERTIES")
			continue
		}
		if strings.HasPrefix(line, "------") {
			break
		}
		if p, ok := parsePropLine(line); ok {
			out = append(out, p)
		}
	}
	return out, l.Err()
}
