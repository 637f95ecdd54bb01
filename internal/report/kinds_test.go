package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

// embeddedIndex is the indicator snapshot spyglass ships, loaded once.
func embeddedIndex(t *testing.T) *ioc.Index {
	t.Helper()
	x := ioc.NewIndex()
	if err := x.LoadEmbedded(); err != nil {
		t.Fatal(err)
	}
	return x
}

func TestKindOf(t *testing.T) {
	x := embeddedIndex(t)
	tests := []struct {
		name string
		m    *ioc.Match
		want FamilyKind
	}{
		// TheTruthSpy's server, from Echap's ioc.yaml and stalkerware.stix2.
		{"echap domain", x.CheckDomain("copy9.com"), KindStalkerware},
		// A parental-control app from Echap's watchware.yaml.
		{"watchware app", x.CheckAppID("com.wondershare.famisafe"), KindStalkerware},
		// Predator's delivery domain (mvt-indicators).
		{"mercenary domain", x.CheckDomain("coazoa.com"), KindSpyware},
	}
	for _, tc := range tests {
		if tc.m == nil {
			t.Fatalf("%s: the embedded indicators have no such value", tc.name)
		}
		in := tc.m.Indicator()
		if got := KindOf(in); got != tc.want {
			t.Errorf("%s: KindOf(%s in %s of %s) = %s, want %s", tc.name, in.Value, in.Name, in.STIX2FileName, got, tc.want)
		}
	}
	// The file name MVT's index downloads Echap's list as, alone.
	if got := KindOf(&alert.Indicator{Name: "TheTruthSpy", STIX2FileName: "stalkerware.stix2"}); got != KindStalkerware {
		t.Errorf("stalkerware.stix2: %s", got)
	}
	if got := KindOf(nil); got != KindSpyware {
		t.Errorf("nil indicator: %s", got)
	}
}

// withStalkerwareAlert adds to the copied folder dir a WhatsApp message
// linking to TheTruthSpy's server, matched against the embedded feeds as a
// run would; without others, the folder's own alerts are dropped first.
func withStalkerwareAlert(t *testing.T, dir string, others bool) {
	t.Helper()
	m := embeddedIndex(t).CheckDomain("copy9.com")
	if m == nil {
		t.Fatal("copy9.com is not in the embedded indicators")
	}
	var alerts []alert.Alert
	if others {
		b, err := os.ReadFile(filepath.Join(dir, "alerts.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &alerts); err != nil {
			t.Fatal(err)
		}
	}
	alerts = append(alerts, alert.Alert{Level: alert.Critical, Module: "whatsapp",
		Message:   "Found a known suspicious domain copy9.com in a WhatsApp message",
		EventTime: "2025-08-28 18:53:20.000000",
		Event: map[string]any{"ZTEXT": "Install this https://copy9.com/download", "isodate": "2025-08-28 18:53:20.000000",
			"ZTOJID": "14155550100@s.whatsapp.net", "links": []any{"https://copy9.com/download"}},
		Indicator: m.Indicator()})
	b, err := json.Marshal(alerts)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "alerts.json", string(b))
}

// stalkerwareFolder is the iOS folder with a stalkerware match beside its
// mercenary-spyware ones.
func stalkerwareFolder(t *testing.T) string {
	dir := copyFolder(t, "testdata/mvt_ios_backup")
	withStalkerwareAlert(t, dir, true)
	return dir
}

// A stalkerware match gets its own banner, safety advice and helpline, and
// none of the mercenary-spyware wording.
func TestHTMLStalkerware(t *testing.T) {
	dir := copyFolder(t, "testdata/mvt_ios_backup")
	withStalkerwareAlert(t, dir, false)
	page := render(t, dir, false)
	assertSelfContained(t, page)
	if !strings.Contains(page, `<h2 id="verdict-headline">Traces of stalkerware were found</h2>`) {
		t.Error("no stalkerware headline")
	}
	for _, want := range []string{
		"usually installed by someone close",
		"Removing the app, resetting the phone or confronting the person can alert whoever installed it",
		"Coalition Against Stalkerware", `href="https://stopstalkerware.org/"`,
		"belongs to the stalkerware app TheTruthSpy",
		"Matched indicators of TheTruthSpy, a stalkerware app",
		"removing it can alert that person",
	} {
		if !strings.Contains(page, htmlText(want)) && !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"Traces of known spyware", "known spyware or surveillance campaign",
		"deliver the spyware", "Keep the phone as it is", "Amnesty International Security Lab"} {
		if strings.Contains(page, htmlText(bad)) {
			t.Errorf("stalkerware page uses the mercenary-spyware wording %q", bad)
		}
	}

	// Both kinds: the spyware banner, and the stalkerware safety advice
	// first among the steps.
	page = render(t, stalkerwareFolder(t), false)
	if !strings.Contains(page, `<h2 id="verdict-headline">Traces of known spyware were found</h2>`) {
		t.Error("mixed run: no spyware headline")
	}
	steps := page[strings.Index(page, `<ol class="steps">`):]
	if i, j := strings.Index(steps, "Think about your safety"), strings.Index(steps, "Keep the phone as it is"); i < 0 || j < 0 || i > j {
		t.Errorf("mixed run: safety advice at %d, spyware advice at %d; want safety first", i, j)
	}
}

func TestWordingFor(t *testing.T) {
	for _, k := range []FamilyKind{KindSpyware, KindStalkerware} {
		w := WordingFor(k)
		if w.Kind != k || w.Label == "" || w.Headline == "" || w.Body == "" || len(w.Steps) == 0 || len(w.Helplines) == 0 {
			t.Errorf("%s: incomplete wording %+v", k, w)
		}
		for _, s := range w.Steps {
			if strings.Contains(s, "--") {
				t.Errorf("%s: a step names a command-line flag: %q", k, s)
			}
		}
	}
	if WordingFor("unknown").Kind != KindSpyware {
		t.Error("an unknown kind does not fall back to the spyware wording")
	}
}
