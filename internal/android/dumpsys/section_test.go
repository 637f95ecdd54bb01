package dumpsys

import (
	"errors"
	"strings"
	"testing"
)

func TestSectionPackageLength(t *testing.T) {
	// MVT's test_artifact.py: the package section of androidqf/dumpsys.txt
	// is 3,907 characters (its lines joined by "\n").
	l, found, err := Section(strings.NewReader(fixtureString(t, "androidqf_dumpsys.txt")), "package")
	if err != nil || !found {
		t.Fatalf("found=%v err=%v", found, err)
	}
	var lines []string
	for l.Next() {
		lines = append(lines, l.Text())
	}
	if got := len(strings.Join(lines, "\n")); got != 3907 {
		t.Errorf("package section: %d chars, want 3907", got)
	}
}

func TestSectionBoundaries(t *testing.T) {
	text := "intro\n" + strings.Repeat("-", 78) + "\nDUMP OF SERVICE a:\nA1\n--------- 0.1s was the duration\n" +
		strings.Repeat("-", 79) + "\nDUMP OF SERVICE CRITICAL b:\nB1\nB2\n"
	tests := []struct {
		name  string
		found bool
		want  []string
	}{
		{"a", true, []string{"A1", "--------- 0.1s was the duration"}},
		{"b", true, []string{"B1", "B2"}},
		{"c", false, nil},
	}
	for _, tc := range tests {
		l, found, err := Section(strings.NewReader(text), tc.name)
		if err != nil || found != tc.found {
			t.Fatalf("%s: found=%v err=%v", tc.name, found, err)
		}
		if !found {
			continue
		}
		var got []string
		for l.Next() {
			got = append(got, l.Text())
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: got %q want %q", tc.name, got, tc.want)
		}
	}
	for _, damaged := range []string{"", strings.Repeat("\x00", 4096), "not dumpsys\nat all\n"} {
		if _, found, err := Section(strings.NewReader(damaged), "a"); found || !errors.Is(err, ErrNoSections) {
			t.Errorf("text %.20q: found=%v err=%v, want ErrNoSections", damaged, found, err)
		}
	}
	names, err := SectionNames(strings.NewReader(text))
	if err != nil || strings.Join(names, ",") != "a,b" {
		t.Errorf("SectionNames = %v, %v", names, err)
	}
}

// A line far longer than MaxLineLen is cut, not held whole, and the lines
// after it are still read.
func TestLongLineIsCapped(t *testing.T) {
	long := strings.Repeat("x", 3*MaxLineLen+17)
	l := LinesOf("a\n" + long + "\r\nb")
	var got []int
	for l.Next() {
		got = append(got, len(l.Text()))
	}
	if len(got) != 3 || got[0] != 1 || got[1] != MaxLineLen || got[2] != 1 {
		t.Errorf("line lengths %v", got)
	}
	if l.Truncated() != 1 {
		t.Errorf("Truncated = %d", l.Truncated())
	}
}
