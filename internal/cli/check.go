package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/logging"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/output"
	"github.com/spyglass-forensics/spyglass/internal/report"
)

// checkFlags are the options every check-* command shares, named as MVT's.
type checkFlags struct {
	iocs       iocFlags
	output     string
	module     string
	list       bool
	hashes     bool
	fast       bool
	expandURLs bool
	quiet      bool
	verbose    bool
	redact     bool
	force      bool
}

// register adds the flags to cmd, and makes -l/--list-modules work without
// the evidence argument (it lists mods and exits). Call it after RunE is set.
func (f *checkFlags) register(cmd *cobra.Command, withFast bool, mods func() []module.Module) {
	run := cmd.RunE
	cmd.Args = func(c *cobra.Command, args []string) error {
		if f.list {
			return cobra.MaximumNArgs(1)(c, args)
		}
		return cobra.ExactArgs(1)(c, args)
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if f.list {
			return listModules(c.OutOrStdout(), mods())
		}
		return run(c, args)
	}
	fl := cmd.Flags()
	f.iocs.register(fl)
	fl.StringVarP(&f.output, "output", "o", "", "folder for the results (created if missing)")
	fl.StringVarP(&f.module, "module", "m", "", "run only this module (slug such as sms, or MVT class name such as SMS)")
	fl.BoolVarP(&f.list, "list-modules", "l", false, "list the modules and exit")
	fl.BoolVarP(&f.hashes, "hashes", "H", false, "record the SHA-256 of every input file in info.json")
	fl.BoolVar(&f.expandURLs, "expand-urls", false, "contact URL shorteners to expand short links (network access)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only warnings, errors and the final summary")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print debug messages on the console")
	fl.BoolVar(&f.redact, "redact", false, "hide message bodies, contact names and phone numbers in report.html (the JSON files keep them)")
	fl.BoolVar(&f.force, "force", false, "use an -o folder that holds an earlier run: its result files are removed first (nothing else is)")
	if withFast {
		fl.BoolVarP(&f.fast, "fast", "f", false, "skip slow optional checks")
	}
}

// checkSpec describes one check command's evidence to the shared flow.
type checkSpec struct {
	command string // "ios check-backup"
	target  string
	// modules lists what the command can run, for -l and -m.
	modules []module.Module
	// jobs builds the jobs once indicators and options are known; it also
	// returns a cleanup for anything it opened.
	jobs func(in *module.Input) ([]module.Job, func(), error)
	// localTime marks Android commands (device local timestamps).
	localTime bool
	// alwaysHash hashes the input even without -H (MVT does for Android
	// bugreports and backups).
	alwaysHash bool
	// evidenceType is shown in the summary: "ios_backup", "androidqf", ...
	evidenceType string
	platform     string // "ios" or "android"
	// describe, if set, tells the device details once the jobs are built.
	describe func() report.Evidence
	// notAPath marks a target that names no file (check-url's links).
	notAPath bool
	// moreTargets are the other evidence paths of a command that takes
	// several (check-pcap FILE…): -o must be outside each of them too.
	moreTargets []string
}

// runCheck is the flow every check-* command shares: indicators, output
// folder, logs, modules, result files and the console summary.
func runCheck(ctx context.Context, app *App, f *checkFlags, spec checkSpec) (err error) {
	if _, err := os.Stat(spec.target); err != nil && !spec.notAPath {
		return fmt.Errorf("cannot read %s: %w", spec.target, err)
	}
	if f.module != "" && findModule(spec.modules, f.module) == nil {
		return usageError{fmt.Errorf("unknown module %q; spyglass %s -l lists them", f.module, spec.command)}
	}
	evidencePath := spec.target
	if spec.notAPath {
		evidencePath = ""
	}
	for _, p := range spec.moreTargets {
		if f.output != "" && (pathInside(f.output, p) || pathInside(p, f.output)) {
			return usageError{fmt.Errorf("the output folder %s is inside the evidence %s, or holds it; choose a folder outside it so the evidence stays unmodified", f.output, p)}
		}
	}
	res, err := prepareOutput(f.output, evidencePath, f.force)
	if err != nil {
		return err
	}
	defer res.close()
	defer func() { res.logFailure(err) }()
	outDir, logFile := res.dir, res.log
	consoleLevel := slog.LevelInfo
	if f.quiet {
		consoleLevel = slog.LevelWarn
	} else if f.verbose {
		consoleLevel = slog.LevelDebug
	}
	var console io.Writer = app.Stderr
	if isTerminal(console) {
		console = lineClearing{console}
	}
	log := slog.New(logging.Fanout{
		logging.NewConsoleHandler(console, consoleLevel),
		logging.NewFileHandler(logFile, slog.LevelDebug),
	})
	start := time.Now()
	log.Info("checking "+spec.target, "command", spec.command)
	res.logCleanup(log)

	idx, rep, err := f.iocs.load(app)
	if err != nil {
		return err
	}
	logIOCs(log, idx, rep)

	in := &module.Input{IOCs: idx, Log: log, Options: module.Options{Fast: f.fast, ExpandURLs: f.expandURLs}}
	jobs, closeJobs, err := spec.jobs(in)
	if err != nil {
		return err
	}
	if closeJobs != nil {
		defer closeJobs()
	}
	if f.module != "" {
		jobs = filterJobs(jobs, findModule(spec.modules, f.module).Describe().Slug)
	}

	jsonl, err := newJSONLFile(filepath.Join(outDir, "timeline.jsonl"))
	if err != nil {
		return err
	}
	jsonl.w.DeviceLocal = spec.localTime
	// The report's timeline excerpts are gathered while timeline.jsonl is
	// written (report.WindowTap), chosen from alerts.json once it exists.
	var tap *report.WindowTap
	beforeTimeline := func() {
		var err error
		if tap, err = report.NewWindowTap(outDir); err != nil {
			log.Debug("report.html will read timeline.csv back", "reason", err)
		}
		jsonl.w.Tap = tap
	}
	w, err := output.New(outDir, output.Options{LocalTime: spec.localTime, OnSortedEvent: jsonl.w.Write, BeforeTimeline: beforeTimeline})
	if err != nil {
		return err
	}
	dets := newDetections(w)
	var sink module.Sink = dets
	prog := newProgress(app, dets, len(jobs), f.quiet)
	if prog != nil {
		sink = prog
	}
	prog.start()
	statuses := module.Run(ctx, jobs, sink, 0, log)
	prog.finish()
	dets.print(console, len(jobs))
	finishStart := time.Now()
	if err := errors.Join(w.Finish(), jsonl.close()); err != nil {
		return fmt.Errorf("writing results to %s: %w", outDir, err)
	}
	log.Debug("timeline and alerts written", "timeline_events", jsonl.w.Written(), "duration", time.Since(finishStart).Round(time.Millisecond))

	info := output.NewInfo(app.Version, spec.target, spec.command)
	for _, fi := range idx.Files() {
		info.IOCFiles = append(info.IOCFiles, fi.Path)
		info.IOCSHA256 = append(info.IOCSHA256, output.FileHash{FilePath: fi.Path, SHA256: fi.SHA256})
	}
	if spec.localTime {
		info.Timezone = "device local time"
	}
	if f.hashes || spec.alwaysHash {
		hashInput(ctx, log, outDir, spec.target, info)
	}
	ref, err := output.WriteInfo(outDir, info)
	if err != nil {
		return err
	}
	log.Info(fmt.Sprintf("reference hash of the info.json file: %q", ref))
	alerts := w.Alerts()
	sum := buildSummary(app, spec, statuses, alerts, idx, info, start)
	report.FillDevice(outDir, &sum.Evidence)
	if err := report.WriteSummary(outDir, sum); err != nil {
		return err
	}
	reportStart := time.Now()
	if err := writeHTMLReport(outDir, f.redact, tap, spec.platform); err != nil {
		log.Warn("could not write report.html", "error", err)
	} else {
		excerpts := "read back from timeline.csv"
		if tap.Used() {
			excerpts = "gathered while the timeline was written"
		}
		log.Debug("report.html written", "duration", time.Since(reportStart).Round(time.Millisecond), "timeline_excerpts", excerpts)
	}
	printSummary(app.Stdout, statuses, alerts, f.output, time.Since(start), sum)
	return nil
}

func logIOCs(log *slog.Logger, idx *ioc.Index, rep *ioc.LoadReport) {
	log.Info(fmt.Sprintf("loaded %d unique indicators from %d files", idx.Len(), len(idx.Files())))
	if idx.Len() == 0 {
		log.Warn("no indicators loaded: only heuristics will run")
	}
	if rep == nil {
		return
	}
	// A file of an -i folder or of SPYGLASS_IOCS that could not be read (a
	// FIFO, a broken .json) is skipped; say which, so the analyst knows
	// what was not loaded.
	for _, p := range rep.Warnings {
		if reason, ok := strings.CutPrefix(p.Message, "skipped: "); ok || strings.HasPrefix(p.Message, "from ") {
			if !ok {
				reason = p.Message
			}
			log.Warn("indicator file skipped", "file", p.File, "reason", reason)
		}
	}
}

func listModules(w io.Writer, mods []module.Module) error {
	for _, m := range mods {
		d := m.Describe()
		fmt.Fprintf(w, "%-32s %s\n", d.Slug, d.Description)
	}
	return nil
}

// findModule accepts a slug ("safari_history") or MVT's class name
// ("SafariHistory", "DumpsysDBInfo").
func findModule(mods []module.Module, name string) module.Module {
	want := strings.ToLower(name)
	snake := snakeCase(name)
	for _, m := range mods {
		d := m.Describe()
		if d.Slug == want || d.Slug == snake || (d.MVTName != "" && strings.EqualFold(d.MVTName, name)) {
			return m
		}
	}
	return nil
}

func filterJobs(jobs []module.Job, slug string) []module.Job {
	var out []module.Job
	for _, j := range jobs {
		if j.Module.Describe().Slug == slug {
			out = append(out, j)
		}
	}
	return out
}

// snakeCase turns MVT's class names into slugs: SMSAttachments →
// sms_attachments, OSAnalyticsADDaily → os_analytics_ad_daily.
func snakeCase(s string) string {
	var b strings.Builder
	r := []rune(s)
	isUpper := func(c rune) bool { return c >= 'A' && c <= 'Z' }
	isLowerOrDigit := func(c rune) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	for i, c := range r {
		if i > 0 && isUpper(c) && (isLowerOrDigit(r[i-1]) || (isUpper(r[i-1]) && i+1 < len(r) && isLowerOrDigit(r[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteString(strings.ToLower(string(c)))
	}
	return b.String()
}

// printSummary ends every check with alerts per level and what they mean.
func printSummary(w io.Writer, statuses []module.Status, alerts []alert.Alert, outDir string, took time.Duration, sum *report.Summary) {
	counts := map[alert.Level]int{}
	for _, a := range alerts {
		counts[a.Level]++
	}
	var ran, empty, failed []string
	for _, s := range statuses {
		switch s.Outcome {
		case module.OutcomeOK:
			ran = append(ran, s.Name)
		case module.OutcomeNoData:
			empty = append(empty, s.Name)
		default:
			failed = append(failed, s.Name+" ("+s.Reason+")")
		}
	}
	fmt.Fprintf(w, "\nModules: %d ran, %d had no data, %d failed (%s).\n", len(ran), len(empty), len(failed), took.Round(time.Millisecond))
	for _, f := range failed {
		fmt.Fprintf(w, "  failed: %s\n", logging.Escape(f))
	}
	var parts []string
	for i := len(alert.Levels) - 1; i >= 0; i-- {
		l := alert.Levels[i]
		parts = append(parts, fmt.Sprintf("%d %s", counts[l], l))
	}
	fmt.Fprintf(w, "Alerts: %s.\n", strings.Join(parts, ", "))
	switch {
	case sum.Verdict == report.VerdictNothingChecked:
		fmt.Fprintf(w, "NOTHING WAS CHECKED: none of the %d modules found anything to read in this evidence\n", len(statuses))
		fmt.Fprintln(w, "(missing, empty or unreadable), so this run proves nothing either way. Check that")
		fmt.Fprintln(w, "the evidence is complete and that the command matches its kind.")
	case counts[alert.Critical]+counts[alert.High] > 0:
		fmt.Fprintln(w, "WARNING: severe alerts were found. Only expert review can confirm a compromise:")
		fmt.Fprintln(w, "keep the phone as it is and contact a digital-security helpline (Access Now's")
		fmt.Fprintln(w, "Digital Security Helpline, or Amnesty International's Security Lab).")
	default:
		fmt.Fprintln(w, "NOTE: no severe alert does not mean the phone is clean: spyware can leave no")
		fmt.Fprintln(w, "trace in this evidence, and indicators only cover known attacks. If you have")
		fmt.Fprintln(w, "reasons to worry, ask a digital-security helpline for help.")
	}
	if sum.VerdictNote != "" {
		fmt.Fprintf(w, "Coverage: %s.\n", sum.VerdictNote)
	}
	if outDir != "" {
		fmt.Fprintf(w, "Results: %s (report: %s)\n", outDir, filepath.Join(outDir, "report.html"))
	} else {
		fmt.Fprintln(w, "Nothing was saved: run again with -o FOLDER to keep the results and report.html.")
	}
}
