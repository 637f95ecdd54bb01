package dumpsys

import "strings"

// parseNonDataActions walks the "Non-Data Actions:" category of the named
// resolver table ("Activity", "Receiver") of the package section and calls
// fn for every action key (with an empty component) and every component.
// Keys are recognised by their trailing colon rather than by an exact
// indentation, so dumps with shifted indentation still parse.
func parseNonDataActions(l *Lines, table string, fn func(key string, comp string)) error {
	header := table + " Resolver Table:"
	inTable, inActions := false, false
	key := ""
	for l.Next() {
		line := l.Text()
		if !inTable {
			inTable = strings.HasPrefix(line, header)
			continue
		}
		trimmed := strings.TrimSpace(line)
		if !inActions {
			if trimmed == "Non-Data Actions:" && indent(line) <= 4 {
				inActions = true
			} else if line != "" && indent(line) == 0 {
				// The table ended without a Non-Data Actions category.
				return l.Err()
			}
			continue
		}
		if trimmed == "" || indent(line) < 4 {
			// A blank line or the next category ends the actions.
			return l.Err()
		}
		if strings.HasSuffix(trimmed, ":") && !strings.ContainsAny(trimmed, " \t") {
			key = strings.TrimSuffix(trimmed, ":")
			fn(key, "")
			continue
		}
		if key == "" {
			continue
		}
		fields := strings.Fields(trimmed)
		if len(fields) < 2 || !isHex(fields[0]) {
			continue
		}
		fn(key, fields[1])
	}
	return l.Err()
}

func indent(s string) int { return len(s) - len(strings.TrimLeft(s, " \t")) }

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func packageOf(component string) string {
	pkg, _, _ := strings.Cut(component, "/")
	return pkg
}
