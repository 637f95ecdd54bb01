package dumpsys

import (
	"errors"
	"io"
	"strings"
)

// sectionEnd is the line of 78 dashes that closes every dumpsys section.
var sectionEnd = strings.Repeat("-", 78)

// sectionHeader returns the service name of a "DUMP OF SERVICE name:" line.
// Newer dumpstate files also write a priority ("DUMP OF SERVICE CRITICAL
// name:"), which MVT does not recognise; spyglass accepts both forms.
func sectionHeader(line string) (string, bool) {
	s := strings.TrimSpace(line)
	rest, ok := strings.CutPrefix(s, "DUMP OF SERVICE ")
	if !ok || !strings.HasSuffix(rest, ":") {
		return "", false
	}
	rest = strings.TrimSuffix(rest, ":")
	for _, prio := range []string{"CRITICAL ", "HIGH ", "NORMAL "} {
		if after, ok := strings.CutPrefix(rest, prio); ok && after != "" {
			rest = after
			break
		}
	}
	return rest, rest != ""
}

// ErrNoSections is returned by Section for a text without a single "DUMP OF
// SERVICE" header: not a missing service but a damaged file (zero-filled,
// cut into binary) or not dumpsys output at all, which the user must hear
// about rather than see every dumpsys module quietly report "no data".
var ErrNoSections = errors.New(`holds no "DUMP OF SERVICE" section: the file is damaged or is not dumpsys output, so none of it was checked`)

// Section scans r for the first "DUMP OF SERVICE name:" block and returns
// its lines, from the line after the header to the line before the next
// 78-dash separator. found is false when the text holds no such section;
// the error is ErrNoSections when it holds no section at all.
// Nothing before the section is kept in memory.
func Section(r io.Reader, name string) (lines *Lines, found bool, err error) {
	l := NewLines(r)
	headers := 0
	for l.Next() {
		n, ok := sectionHeader(l.Text())
		if !ok {
			continue
		}
		headers++
		if n == name {
			l.stop = func(s string) bool {
				return strings.HasPrefix(strings.TrimSpace(s), sectionEnd)
			}
			return l, true, nil
		}
	}
	if err := l.Err(); err != nil {
		return nil, false, err
	}
	if headers == 0 {
		return nil, false, ErrNoSections
	}
	return nil, false, nil
}

// SectionNames lists the services dumped in r, in order (for diagnostics
// and for the "which sections did this dump hold" summary).
func SectionNames(r io.Reader) ([]string, error) {
	l := NewLines(r)
	var out []string
	for l.Next() {
		if n, ok := sectionHeader(l.Text()); ok {
			out = append(out, n)
		}
	}
	return out, l.Err()
}
