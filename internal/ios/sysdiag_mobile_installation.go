package ios

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// installd's log (logs/MobileInstallation/mobile_installation.log.0 is the
// newest, .1 … older) names every app installed, updated and removed.
// Lines look like (facts from iLEAPP's mobileInstall parser and published
// sysdiagnose case write-ups):
//
//	Mon Apr  7 06:13:34 2025 [234] <notice> (0x16b48f000) -[MIInstaller performInstallationWithError:]: Install Successful for (Placeholder:org.whispersystems.signal); Staging: 0.01s; …
//	Mon Apr  7 06:13:34 2025 [234] <notice> (0x16b48f000) -[MIContainer makeContainerLiveReplacingContainer:…]: Made container live for org.whispersystems.signal at /private/var/containers/Bundle/Application/9FE7…
//	… Uninstalling identifier com.example.app
//	… main: Reboot detected
//
// The date is the phone's local time without a zone; the sysdiagnose's
// name gives the zone at capture, which is used (a phone that changed zone
// since shows those events shifted by the difference).
var mobileInstallationFiles = source.IOSQuery{FSGlobs: []string{
	"logs/MobileInstallation/mobile_installation.log*",
}}

const (
	maxMILogSize = 64 << 20
	maxMILine    = 64 << 10
)

// installEvent is one install, removal, container or reboot line.
type installEvent struct {
	File      string `json:"file"`
	Timestamp string `json:"timestamp"`
	Action    string `json:"action"`
	BundleID  string `json:"bundle_id,omitempty"`
	// Kind is installd's word for the install: Placeholder, Customer,
	// System.
	Kind string `json:"kind,omitempty"`
	Path string `json:"path,omitempty"`
}

// parseMILine reads one line, or nil when it is not one of the events.
func parseMILine(line string, loc *time.Location) *installEvent {
	ts := ""
	if len(line) >= 24 {
		if t, err := time.ParseInLocation("Mon Jan _2 15:04:05 2006", line[:24], loc); err == nil {
			ts = timeutil.Format(t.UTC())
		}
	}
	_, msg, ok := strings.Cut(line, "]: ")
	if !ok {
		if _, msg, ok = strings.Cut(line, "> "); !ok {
			return nil
		}
	}
	e := &installEvent{Timestamp: ts}
	switch {
	case strings.HasPrefix(msg, "Install Successful for ("):
		id, _, _ := strings.Cut(msg[len("Install Successful for ("):], ")")
		if kind, rest, ok := strings.Cut(id, ":"); ok {
			e.Kind, id = kind, rest
		}
		e.Action, e.BundleID = "install", id
	case strings.HasPrefix(msg, "Uninstalling identifier "):
		e.Action, e.BundleID = "uninstall", strings.TrimSpace(msg[len("Uninstalling identifier "):])
	case strings.HasPrefix(msg, "Made container live for "):
		id, p, _ := strings.Cut(msg[len("Made container live for "):], " at ")
		e.Action, e.BundleID, e.Path = "container_live", id, strings.TrimSpace(p)
	case strings.HasPrefix(msg, "Destroying container "):
		rest := strings.TrimPrefix(msg[len("Destroying container "):], "with identifier ")
		id, p, _ := strings.Cut(rest, " at ")
		e.Action, e.BundleID, e.Path = "container_destroyed", id, strings.TrimSpace(p)
	case strings.Contains(msg, "Reboot detected"):
		e.Action = "reboot"
	default:
		return nil
	}
	e.BundleID = strings.TrimSpace(e.BundleID)
	return e
}

// MobileInstallation reads installd's log in a sysdiagnose.
type MobileInstallation struct{}

// NewMobileInstallation returns the mobile_installation module.
func NewMobileInstallation() *MobileInstallation { return &MobileInstallation{} }

// Describe implements module.Module.
func (*MobileInstallation) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "mobile_installation",
		Description: "App installs, removals and reboots from installd's log (mobile_installation.log), with the bundle ids against indicators",
		Artifact:    "App installation and removal history",
		Evidence:    sysdiagnoseOnly,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *MobileInstallation) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, mobileInstallationFiles, "the app installation log (logs/MobileInstallation)")
	if err != nil {
		return err
	}
	src, err := iosSource(in)
	if err != nil {
		return err
	}
	loc := captureZone(src)
	var errs []error
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := m.readLog(src, f, loc, in.IOCs, out); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Path, err))
		}
	}
	return errors.Join(errs...)
}

func (m *MobileInstallation) readLog(src source.IOS, f source.IOSFile, loc *time.Location, idx *ioc.Index, out module.Emitter) error {
	fh, err := src.FS().Open(f.Path)
	if err != nil {
		return err
	}
	defer fh.Close()
	br := bufio.NewReaderSize(io.LimitReader(fh, maxMILogSize), 64<<10)
	for {
		line, err := readLineBounded(br, maxMILine)
		if line != nil {
			if e := parseMILine(string(line), loc); e != nil {
				e.File = f.Path
				out.Record(e)
				if e.Timestamp != "" {
					out.Timeline(module.TimelineEvent{Timestamp: e.Timestamp, Module: "mobile_installation", Event: e.Action,
						Data: oneLine(strings.Join([]string{e.Action, e.Kind, e.BundleID, e.Path}, " "))})
				}
				installCheck(idx, e, out)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// captureZone is the zone of the sysdiagnose's name, or UTC.
func captureZone(src source.IOS) *time.Location {
	type zoned interface{ CaptureZone() *time.Location }
	if z, ok := src.(zoned); ok && z.CaptureZone() != nil {
		return z.CaptureZone()
	}
	return time.UTC
}

func installCheck(idx *ioc.Index, e *installEvent, out module.Emitter) {
	if e.BundleID == "" {
		return
	}
	if m := idx.CheckAppID(e.BundleID); m != nil {
		out.Alert(iocAlert(alert.Critical,
			fmt.Sprintf("App %s (%s) matches the indicator %q from %q", e.BundleID, e.Action, m.Value, m.Collection),
			e.Timestamp, e, m))
	}
}

// Recheck implements module.Rechecker on one record of mobile_installation.json.
func (m *MobileInstallation) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var e installEvent
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("mobile_installation record: %w", err)
	}
	installCheck(idx, &e, out)
	return nil
}
