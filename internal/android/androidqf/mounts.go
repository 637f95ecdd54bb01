package androidqf

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Mount is one line of `mount` ("dev on /mp type fs (opts)").
type Mount struct {
	Device            string   `json:"device"`
	MountPoint        string   `json:"mount_point"`
	FilesystemType    string   `json:"filesystem_type"`
	MountOptions      string   `json:"mount_options"`
	OptionsList       []string `json:"options_list"`
	IsSystemPartition bool     `json:"is_system_partition"`
	IsReadWrite       bool     `json:"is_read_write"`
}

var (
	systemMountPoints = []string{"/system", "/vendor", "/product", "/system_ext"}
	suspiciousOptions = []string{"rw", "remount", "noatime", "nodiratime"}
	// noatime is normal on these partitions.
	noatimeAllowed = []string{"/system_dlkm", "/system_ext", "/product", "/vendor", "/vendor_dlkm"}
)

var (
	hSystemRW = &alert.Heuristic{
		ID:     "android.mounts.system_rw",
		Title:  "System partition writable",
		Why:    "A system partition is mounted read-write. On a normal phone it is read-only; being writable means the phone is rooted and the system may have been modified.",
		Action: "Treat the phone as rooted; have it examined by an expert.",
	}
	hMountOptions = &alert.Heuristic{
		ID:     "android.mounts.options",
		Title:  "Unusual mount options on a system partition",
		Why:    "A system partition carries mount options (remount, rw, noatime) that stock phones do not use; rooting tools set them.",
		Action: "Compare with another phone of the same model, or have it reviewed.",
	}
)

// Mounts analyses mounts.json (a list of `mount` lines).
type Mounts struct{}

// Describe implements module.Module.
func (Mounts) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "mounts",
		MVTName:     "Mounts",
		Description: "Mounted file systems (mounts.json)",
		Artifact:    "Mounted file systems",
		Evidence:    []module.Evidence{module.AndroidQF},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m Mounts) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	a, err := acquisition(in)
	if err != nil {
		return err
	}
	b, err := a.ReadSmall("mounts.json")
	if err != nil {
		return err
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("mounts.json: expected a list of mount lines: %w", err)
	}
	for _, l := range lines {
		mt, ok := ParseMountLine(l)
		if !ok {
			continue
		}
		out.Record(mt)
		m.check(in.IOCs, mt, out)
	}
	return ctx.Err()
}

// ParseMountLine reads "device on mount_point type fs (options)".
func ParseMountLine(line string) (Mount, bool) {
	line = strings.TrimSpace(line)
	dev, rest, ok := strings.Cut(line, " on ")
	if !ok {
		return Mount{}, false
	}
	mp, fsPart, ok := strings.Cut(rest, " type ")
	if !ok {
		return Mount{}, false
	}
	m := Mount{Device: strings.TrimSpace(dev), MountPoint: strings.TrimSpace(mp)}
	fsPart = strings.TrimSpace(fsPart)
	if i := strings.Index(fsPart, "("); i >= 0 && strings.HasSuffix(fsPart, ")") {
		m.FilesystemType = strings.TrimSpace(fsPart[:i])
		m.MountOptions = strings.TrimSpace(fsPart[i+1 : len(fsPart)-1])
	} else {
		m.FilesystemType = fsPart
	}
	if m.Device == "" || m.MountPoint == "" || m.FilesystemType == "" {
		return Mount{}, false
	}
	m.OptionsList = []string{}
	for _, o := range strings.Split(m.MountOptions, ",") {
		if o = strings.TrimSpace(o); o != "" {
			m.OptionsList = append(m.OptionsList, o)
		}
	}
	for _, sp := range systemMountPoints {
		if strings.HasPrefix(m.MountPoint, sp) {
			m.IsSystemPartition = true
		}
	}
	m.IsReadWrite = slices.Contains(m.OptionsList, "rw")
	return m, true
}

// Recheck implements module.Rechecker.
func (m Mounts) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var mt Mount
	if err := json.Unmarshal(raw, &mt); err != nil {
		return fmt.Errorf("mounts record: %w", err)
	}
	m.check(idx, mt, out)
	return nil
}

func (Mounts) check(idx *ioc.Index, m Mount, out module.Emitter) {
	if m.IsSystemPartition && m.IsReadWrite {
		msg := fmt.Sprintf("System partition %s is mounted as read-write (rw). This may indicate system modifications.", m.MountPoint)
		if m.MountPoint == "/system" {
			msg = "Root detected /system partition is mounted as read-write (rw)"
		}
		out.Alert(alert.Alert{Level: alert.High, Message: msg, Event: m, Heuristic: hSystemRW})
	}
	var sus []string
	for _, o := range m.OptionsList {
		if slices.Contains(suspiciousOptions, o) {
			sus = append(sus, o)
		}
	}
	allowed := strings.Contains(m.MountOptions, "noatime") && slices.Contains(noatimeAllowed, m.MountPoint)
	if len(sus) > 0 && m.IsSystemPartition && !allowed {
		out.Alert(alert.Alert{Level: alert.Medium, Message: fmt.Sprintf("Suspicious mount options found for %s: %s", m.MountPoint, strings.Join(sus, ", ")), Event: m, Heuristic: hMountOptions})
	}
	for _, p := range []string{m.MountPoint, m.Device} {
		if match := idx.CheckFilePath(p); match != nil {
			out.Alert(alert.Alert{Level: alert.Critical, Message: iocMessage("mount path", p, match), Event: m, Indicator: match.Indicator()})
		}
	}
}
