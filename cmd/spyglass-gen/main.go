// Command spyglass-gen writes a synthetic iPhone backup of a requested size
// in the real iTunes/Finder format, for benchmarks and tests. It is not part
// of the spyglass binary.
//
//	spyglass-gen -o DIR [--sms N] [--safari N] [--whatsapp N] [--manifest N] [--datausage N] [--seed S] [--trace KIND=VALUE]...
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/synth"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// traceFlags collects repeated --trace KIND=VALUE.
type traceFlags []synth.Trace

func (t *traceFlags) String() string { return fmt.Sprint(len(*t)) }

func (t *traceFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || val == "" {
		return fmt.Errorf("want KIND=VALUE, got %q", v)
	}
	*t = append(*t, synth.Trace{Kind: synth.Kind(k), Value: val})
	return nil
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("spyglass-gen", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var s synth.Spec
	var traces traceFlags
	out := fl.String("o", "", "folder to write the backup into (must not exist or be empty)")
	fl.IntVar(&s.SMS, "sms", 1000, "SMS/iMessage messages in sms.db")
	fl.IntVar(&s.SafariVisits, "safari", 1000, "visits in Safari's History.db")
	fl.IntVar(&s.WhatsAppMessages, "whatsapp", 500, "messages in WhatsApp's ChatStorage.sqlite")
	fl.IntVar(&s.ManifestFiles, "manifest", 1000, "entries in Manifest.db")
	fl.IntVar(&s.DataUsageProcesses, "datausage", 100, "processes in DataUsage.sqlite")
	fl.Int64Var(&s.Seed, "seed", 1, "random seed (the same seed gives the same backup)")
	fl.Var(&traces, "trace", "plant an indicator: KIND=VALUE with KIND one of sms_link, datausage_process, safari_visit, safari_tab, whatsapp_link, manifest_path (repeatable)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: spyglass-gen -o DIR [--sms N] [--safari N] [--whatsapp N] [--manifest N] [--datausage N] [--seed S] [--trace KIND=VALUE]...")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fl.NArg() != 0 {
		fl.Usage()
		return 2
	}
	s.Traces = traces
	start := time.Now()
	if err := synth.Write(*out, s); err != nil {
		fmt.Fprintln(stderr, "spyglass-gen:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s in %s: %d SMS, %d Safari visits, %d WhatsApp messages, %d manifest entries, %d processes, %d traces\n",
		*out, time.Since(start).Round(time.Millisecond), s.SMS, s.SafariVisits, s.WhatsAppMessages, s.ManifestFiles, s.DataUsageProcesses, len(s.Traces))
	return 0
}
