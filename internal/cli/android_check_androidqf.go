package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spyglass-forensics/spyglass/internal/android"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/android/backup"
	"github.com/spyglass-forensics/spyglass/internal/android/intrusionlogs"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newAndroidCheckAndroidQFCmd(app *App) *cobra.Command {
	var f checkFlags
	var pw passwordFlags
	var identity string
	cmd := &cobra.Command{
		Use:   "check-androidqf [flags] ACQUISITION",
		Short: "Check an AndroidQF acquisition (folder, .zip, or age-encrypted .zip.age)",
		Long: `Check an AndroidQF acquisition: its own modules, the dumpsys modules on its dumpsys.txt,
and, nested, the bugreport modules on *bugreport.zip, the backup modules on backup.ab and the
intrusion-log modules on intrusion_logs/. An age-encrypted acquisition is decrypted as a stream
with the private key given by --identity; nothing decrypted is written to disk.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := expectKind(cmd, args[0], source.KindAndroidQF); err != nil {
				return err
			}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "android check-androidqf",
				target:       args[0],
				modules:      androidQFModuleList(),
				localTime:    true,
				platform:     "android",
				evidenceType: "androidqf",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					return androidQFJobs(app, &pw, args[0], identity, in)
				},
			})
		},
	}
	f.register(cmd, false, androidQFModuleList)
	pw.register(cmd.Flags(), true)
	cmd.Flags().StringVar(&identity, "identity", "", "age identity file (private key) for an encrypted .zip.age acquisition")
	return cmd
}

// androidQFModuleList is every module check-androidqf may run, for -l and -m.
func androidQFModuleList() []module.Module {
	mods := android.ModulesFor(module.AndroidQF)
	mods = append(mods, nestedBugreportModules()...)
	mods = append(mods, android.ModulesFor(module.AndroidBackup)...)
	return append(mods, android.ModulesFor(module.IntrusionLogs)...)
}

// nestedBugreportModules are the bugreport modules as they run on the
// bugreport inside an acquisition: those that also run on the acquisition's
// dumpsys.txt are renamed "bugreport_<slug>" so that neither output file
// overwrites the other.
func nestedBugreportModules() []module.Module {
	var out []module.Module
	for _, m := range android.ModulesFor(module.Bugreport) {
		if d := m.Describe(); d.RunsOn(module.AndroidQF) {
			m = module.Renamed(m, "bugreport_"+d.Slug, "in the bug report")
		}
		out = append(out, m)
	}
	return out
}

func androidQFJobs(app *App, pw *passwordFlags, p, identityFile string, in *module.Input) ([]module.Job, func(), error) {
	var identity io.Reader
	if identityFile != "" {
		b, err := safefile.ReadFile(identityFile)
		if err != nil {
			return nil, nil, fmt.Errorf("reading the age identity file: %w", err)
		}
		identity = bytes.NewReader(b)
	}
	a, err := source.OpenAndroidQF(p, identity)
	if err != nil {
		return nil, nil, err
	}
	closers := []io.Closer{a}
	cleanup := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i].Close()
		}
	}
	in.FS, in.Source = a.FS(), a
	jobs := jobsFor(android.ModulesFor(module.AndroidQF), in, "androidqf")

	if name := a.BugreportName(); name != "" {
		z, c, err := a.NestedZip(name)
		if err != nil {
			in.Log.Warn("the bugreport inside the acquisition cannot be read", "file", name, "error", err)
		} else {
			closers = append(closers, c)
			b, err := source.NewBugreport(z, name, nil)
			if err != nil {
				in.Log.Warn("the bugreport inside the acquisition cannot be read", "file", name, "error", err)
			} else {
				sub := *in
				sub.FS, sub.Source = b.FS(), b
				jobs = append(jobs, jobsFor(nestedBugreportModules(), &sub, "bugreport")...)
			}
		}
	}
	if name := a.BackupName(); name != "" {
		sub := *in
		src, err := openNestedBackup(app, pw, a, name)
		if err != nil {
			// The acquisition's other modules still run; the backup's
			// modules report why they could not.
			sub.Source = unreadableBackup{err}
		} else {
			sub.Source = src
		}
		jobs = append(jobs, jobsFor(android.ModulesFor(module.AndroidBackup), &sub, "backup")...)
	}
	if logs := a.IntrusionLogs(); logs != nil {
		sub := *in
		sub.FS, sub.Source = logs, &intrusionlogs.Logs{FS: logs, Name: p + "/intrusion_logs"}
		sub.Options.Timezone = a.DeviceTimezone()
		jobs = append(jobs, jobsFor(android.ModulesFor(module.IntrusionLogs), &sub, "intrusion_logs")...)
	}
	return jobs, cleanup, nil
}

// openNestedBackup opens backup.ab inside an acquisition, asking for its
// password only when it is encrypted.
func openNestedBackup(app *App, pw *passwordFlags, a *source.AndroidQF, name string) (backup.Source, error) {
	f, err := a.FS().Open(name)
	if err != nil {
		return nil, err
	}
	h, err := backup.ReadHeader(bufio.NewReader(f))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var password []byte
	if h.Encrypted() {
		if password, err = pw.get(app, "Android backup "+name, "SPYGLASS_ANDROID_BACKUP_PASSWORD", "MVT_ANDROID_BACKUP_PASSWORD"); err != nil {
			return nil, fmt.Errorf("%s is encrypted: %w", name, err)
		}
	}
	src, err := backup.OpenFile(a.FS(), name, password)
	if errors.Is(err, backup.ErrWrongPassword) {
		return nil, fmt.Errorf("invalid backup password for %s", name)
	}
	return src, err
}

// unreadableBackup stands for a nested backup that could not be opened; its
// walk fails with the reason, so the backup modules report it.
type unreadableBackup struct{ err error }

func (u unreadableBackup) Label() string { return "backup.ab" }

func (u unreadableBackup) Walk(context.Context, func(string) bool, func(backup.Entry, io.Reader) error) error {
	return u.err
}
