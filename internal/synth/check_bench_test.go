package synth_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/cli"
	"github.com/spyglass-forensics/spyglass/internal/synth"
)

// BenchmarkCheckBackup runs "spyglass ios check-backup -o OUT" with every
// embedded feed on a 1/20 scale of the large case (50,000 SMS, 25,000
// Safari visits, 10,000 WhatsApp messages, 5,000 manifest entries), all
// outputs written. The full case is measured by hand (see the README); CI
// runs only this one.
func BenchmarkCheckBackup(b *testing.B) {
	caseDir := filepath.Join(b.TempDir(), "case")
	spec := synth.Spec{SMS: 50_000, SafariVisits: 25_000, WhatsAppMessages: 10_000, ManifestFiles: 5_000, DataUsageProcesses: 200, Seed: 1,
		Traces: []synth.Trace{{Kind: synth.SMSLink, Value: "example.invalid"}}}
	if err := synth.Write(caseDir, spec); err != nil {
		b.Fatal(err)
	}
	app := cli.NewApp("bench")
	app.Stdout, app.Stderr = io.Discard, io.Discard
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		out := filepath.Join(b.TempDir(), "out")
		if code := cli.Execute(context.Background(), app, []string{"ios", "check-backup", "-q", "-o", out, caseDir}); code != cli.ExitOK {
			b.Fatalf("exit code %d", code)
		}
	}
}
