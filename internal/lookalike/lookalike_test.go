package lookalike

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

func readList(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// TestAmnestyCatchRate measures the catch rate on real look-alikes from Amnesty's phishing
// investigations, with no indicator loaded. Goal: at least 90 %.
func TestAmnestyCatchRate(t *testing.T) {
	c := New(DefaultBrands())
	list := readList(t, "testdata/amnesty-lookalikes.txt")
	caught := 0
	for _, d := range list {
		if f := c.CheckHost(d); f != nil {
			caught++
			if f.Brand == "" || !strings.Contains(f.Sentence, f.Brand) {
				t.Errorf("%s: finding must name the brand: %+v", d, f)
			}
		} else {
			t.Logf("missed %s", d)
		}
	}
	rate := float64(caught) / float64(len(list))
	t.Logf("caught %d of %d Amnesty look-alikes (%.1f %%)", caught, len(list), 100*rate)
	if rate < 0.90 {
		t.Errorf("catch rate %.1f %% is below 90 %%", 100*rate)
	}
}

// TestBenignHosts checks real domains of the brands and ordinary sites in several scripts.
// Goal: at most 2 % flagged.
func TestBenignHosts(t *testing.T) {
	c := New(DefaultBrands())
	list := readList(t, "testdata/benign-hosts.txt")
	if len(list) < 300 {
		t.Fatalf("benign list has %d hosts, want at least 300", len(list))
	}
	flagged := 0
	for _, d := range list {
		if f := c.CheckHost(d); f != nil {
			flagged++
			t.Logf("flagged %s: %s", d, f.Sentence)
		}
	}
	rate := float64(flagged) / float64(len(list))
	t.Logf("flagged %d of %d benign hosts (%.1f %%)", flagged, len(list), 100*rate)
	if rate > 0.02 {
		t.Errorf("false-positive rate %.1f %% is above 2 %%", 100*rate)
	}
}
