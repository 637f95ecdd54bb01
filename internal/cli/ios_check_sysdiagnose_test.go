package cli

import (
	"archive/tar"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/synth/sysdiag"
)

// sysdiagIndicators writes a STIX bundle naming the synthetic sysdiagnose's
// planted processes: the Pegasus-style path and the long name that
// ps_thread.txt truncates.
func sysdiagIndicators(t *testing.T) string {
	t.Helper()
	objs := []string{`{"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-0000000000aa","name":"SyntheticSpy","is_family":false}`}
	for i, p := range []string{
		"[file:path = '" + sysdiag.PlantedDir + sysdiag.PlantedProcess + "']",
		"[process:name = '" + sysdiag.PlantedLongName + "']",
		"[app:id = '" + sysdiag.PlantedBundle + "']",
	} {
		id := fmt.Sprintf("indicator--00000000-0000-4000-8000-%012d", 900+i)
		objs = append(objs, fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":%q,"pattern":%q,"pattern_type":"stix","valid_from":"2022-01-01T00:00:00Z"}`, id, p),
			fmt.Sprintf(`{"type":"relationship","spec_version":"2.1","id":"relationship--00000000-0000-4000-8000-%012d","relationship_type":"indicates","source_ref":%q,"target_ref":"malware--00000000-0000-4000-8000-0000000000aa"}`, 900+i, id))
	}
	p := filepath.Join(t.TempDir(), "sysdiag.stix2")
	if err := os.WriteFile(p, []byte(`{"type":"bundle","id":"bundle--00000000-0000-4000-8000-0000000000ab","objects":[`+strings.Join(objs, ",")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkSysdiag runs check-sysdiagnose on p and returns the results folder
// and the console output.
func checkSysdiag(t *testing.T, p, iocs string) (string, string) {
	t.Helper()
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-sysdiagnose", "--no-default-iocs", "-i", iocs, "-o", out, p); code != 0 {
		t.Fatalf("%s: exit %d\n%s\n%s", p, code, stdout, stderr)
	}
	return out, stdout.String() + stderr.String()
}

// Every planted indicator is found in every artifact that carries it, in
// the three forms of a sysdiagnose (its .tar.gz, its folder, the folder it
// was unpacked into); the clean twin raises no alert; the evidence is not
// modified.
func TestIOSCheckSysdiagnose(t *testing.T) {
	iocs := sysdiagIndicators(t)
	for _, planted := range []bool{true, false} {
		spec := sysdiag.Spec{Planted: planted, IOS26: true, Filler: 1 << 20}
		dir := t.TempDir()
		folder, err := sysdiag.WriteDir(dir, spec)
		if err != nil {
			t.Fatal(err)
		}
		archive, err := sysdiag.WriteTarGz(t.TempDir(), spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{archive, folder, dir} {
			before := treeHashes(t, p)
			out, console := checkSysdiag(t, p, iocs)
			if !maps.Equal(before, treeHashes(t, p)) {
				t.Errorf("%s changed during the run", p)
			}
			got := map[string]int{}
			var alerts []alert.Alert
			if _, err := os.Stat(filepath.Join(out, "alerts.json")); err == nil {
				alerts = readAlerts(t, out)
			}
			for _, a := range alerts {
				kind := "heuristic"
				if a.Indicator != nil {
					kind = "indicator"
				}
				got[a.Module+" "+kind+" "+a.Level.String()]++
			}
			want := map[string]int{}
			if planted {
				want = map[string]int{
					"ps indicator " + alert.Critical.String():                  2,
					"ps heuristic " + alert.High.String():                      1,
					"ps_thread indicator " + alert.Critical.String():           2,
					"ps_thread heuristic " + alert.High.String():               1,
					"crash_logs indicator " + alert.Critical.String():          1,
					"mobile_installation indicator " + alert.Critical.String(): 2,
					"wifi_known_networks indicator " + alert.Critical.String(): 1,
					"crash_logs heuristic " + alert.High.String():              1,
					"shutdown_log indicator " + alert.Critical.String():        1,
					"shutdown_log heuristic " + alert.High.String():            1,
					"shutdown_log heuristic " + alert.Low.String():             1,
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("planted=%v %s: alerts %v, want %v", planted, filepath.Base(p), got, want)
			}
			n := 7
			if planted {
				n = 9
			}
			if c := countRecords(t, out, "ps"); c != n {
				t.Errorf("%s: %d ps records, want %d", p, c, n)
			}
			if s := readSummary(t, out); s.Evidence.Type != "sysdiagnose" {
				t.Errorf("evidence type %q", s.Evidence.Type)
			}
			if !strings.Contains(console, "unified log (system_logs.logarchive) was not checked") {
				t.Errorf("%s: the run does not say the unified log was not checked", p)
			}
			if strings.Contains(console, "failed:") {
				t.Errorf("%s: a module failed:\n%s", p, console)
			}
		}
	}
}

// A hostile archive: a cut-short gzip, names that climb out, links out of
// it. The run ends with a sentence naming the damage, the modules whose
// files came before the damage still run, and nothing panics.
func TestIOSCheckSysdiagnoseHostile(t *testing.T) {
	iocs := sysdiagIndicators(t)
	spec := sysdiag.Spec{Planted: true}
	top := spec.TopName()
	archive, err := sysdiag.WriteTarGz(t.TempDir(), spec,
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeReg, Name: "../../ps.txt", Mode: 0o644}, Data: []byte("evil")},
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeSymlink, Name: top + "/logs/out", Linkname: "/etc"}},
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeLink, Name: top + "/ps_thread.txt", Linkname: "/etc/passwd"}},
		// A crash report whose header line is 100 MB long.
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeReg, Name: top + "/crashes_and_spins/huge.ips", Mode: 0o644}, Data: []byte(`{"name":"` + strings.Repeat("a", 100<<20) + `"}`)},
	)
	if err != nil {
		t.Fatal(err)
	}
	out, console := checkSysdiag(t, archive, iocs)
	if !strings.Contains(console, "parent reference") {
		t.Errorf("the ../ entry is not named:\n%s", console)
	}
	if countRecords(t, out, "ps") != 9 {
		t.Error("ps.txt was not read beside the hostile entries")
	}
	if !strings.Contains(console, "failed: crash_logs") || !strings.Contains(console, "huge.ips is 100.0 MiB") || countRecords(t, out, "crash_logs") != 3 {
		t.Errorf("the 100 MB crash report is not named, or stopped the others (%d reports read):\n%s", countRecords(t, out, "crash_logs"), console)
	}

	// Cut the archive in its last third: the files before the cut are
	// read, the run says the archive is cut short.
	b, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), filepath.Base(archive))
	if err := os.WriteFile(cut, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	_, console = checkSysdiag(t, cut, iocs)
	if !strings.Contains(console, "cut short") {
		t.Errorf("a cut-short archive is not reported:\n%s", console)
	}
}

// Evidence of another kind is refused with the command that reads it, both
// ways.
func TestIOSCheckSysdiagnoseWrongKind(t *testing.T) {
	app, _, stderr := testApp(t)
	if code := run(t, app, "ios", "check-sysdiagnose", "--no-default-iocs", iosBackupFixture); code == 0 || !strings.Contains(stderr.String(), "spyglass ios check-backup") {
		t.Errorf("a backup given to check-sysdiagnose: exit %d\n%s", code, stderr)
	}
	archive, err := sysdiag.WriteTarGz(t.TempDir(), sysdiag.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	app, _, stderr = testApp(t)
	if code := run(t, app, "ios", "check-fs", "--no-default-iocs", archive); code == 0 || !strings.Contains(stderr.String(), "spyglass ios check-sysdiagnose") {
		t.Errorf("a sysdiagnose given to check-fs: exit %d\n%s", code, stderr)
	}
}
