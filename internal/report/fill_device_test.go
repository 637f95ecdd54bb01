package report

import "testing"

// FillDevice takes the model and OS version the modules recorded, without
// overwriting what the command already knew.
func TestFillDevice(t *testing.T) {
	var ev Evidence
	FillDevice("testdata/mvt_ios_backup", &ev)
	if ev.Model == "" || ev.OSVersion == "" {
		t.Fatalf("model %q, OS %q", ev.Model, ev.OSVersion)
	}
	ev = Evidence{Model: "kept"}
	FillDevice("testdata/mvt_ios_backup", &ev)
	if ev.Model != "kept" || ev.OSVersion == "" {
		t.Errorf("%+v", ev)
	}
}
