package report

import (
	"slices"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// advice is the verdict banner of the page: what was found, what to do,
// and who can help.
type advice struct {
	Verdict verdictText
	// More are further paragraphs of the banner (the stalkerware
	// explanation when spyware was found too).
	More      []string
	Caveat    string
	Steps     []string
	Helplines []Helpline
}

// pageVerdict is the verdict the page shows: the alerts decide, except that
// a run that examined nothing says so, whether the summary was written
// with the nothing_checked verdict or rebuilt without it.
func pageVerdict(alerts []alert.Alert, s *Summary) string {
	v := Verdict(alerts)
	if v != VerdictNoKnownIndicators {
		return v
	}
	if s.Verdict == VerdictNothingChecked {
		return VerdictNothingChecked
	}
	for _, m := range s.Modules {
		if m.Status == StatusOK {
			return v
		}
	}
	if len(s.Modules) > 0 {
		return VerdictNothingChecked
	}
	return v
}

// adviceFor words the banner for a verdict; with indicators, the kinds of
// the matched families choose the wording, and stalkerware's safety advice
// comes first whenever it was found.
func adviceFor(verdict string, alerts []alert.Alert, redacted bool) advice {
	a := advice{Verdict: verdicts[verdict], Caveat: caveat}
	switch verdict {
	case VerdictIndicatorsFound:
		kinds := KindsFound(alerts)
		if len(kinds) == 0 {
			kinds = []FamilyKind{KindSpyware}
		}
		first := WordingFor(kinds[0])
		a.Verdict = verdictText{"bad", first.Headline, first.Body}
		for i := len(kinds) - 1; i >= 0; i-- {
			w := WordingFor(kinds[i])
			a.Steps = append(a.Steps, w.Steps...)
			a.Helplines = appendNew(a.Helplines, w.Helplines...)
			if i > 0 {
				a.More = append(a.More, w.Alongside)
			}
		}
	case VerdictNothingChecked:
		a.Caveat = nothingCheckedCaveat
		a.Steps = slices.Clone(nothingCheckedSteps)
		a.Helplines = slices.Clone(otherHelplines)
	default:
		a.Steps = slices.Clone(wordings[KindSpyware].Steps)
		a.Helplines = slices.Clone(otherHelplines)
	}
	if redacted {
		a.Steps = append(a.Steps, shareStepRedacted)
	} else {
		a.Steps = append(a.Steps, shareStep)
	}
	return a
}

func appendNew(hs []Helpline, more ...Helpline) []Helpline {
	for _, h := range more {
		if !slices.Contains(hs, h) {
			hs = append(hs, h)
		}
	}
	return hs
}

// Site is the helpline's address as people read it: without the scheme
// and the final slash.
func (h Helpline) Site() string {
	return strings.TrimSuffix(strings.TrimPrefix(h.URL, "https://"), "/")
}
