package bugreport

import (
	"context"
	"fmt"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// GetProp lists system properties from the dumpstate's SYSTEM PROPERTIES
// block.
type GetProp struct {
	// Now is the clock for the security-patch age check (nil: time.Now).
	Now func() time.Time
}

// Describe implements module.Module.
func (GetProp) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_get_prop",
		MVTName:     "DumpsysGetProp",
		Description: "System properties (build, security patch level…) from the dumpstate's SYSTEM PROPERTIES block",
		Artifact:    "System properties (bug report)",
		Evidence:    []module.Evidence{module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var heurOldPatch = alert.Heuristic{
	ID:    "android.getprop.old_security_patch",
	Title: "Security updates more than six months old",
	Why: "Spyware relies on vulnerabilities that security updates fix. A phone without updates for more than " +
		"six months is exposed to publicly known exploits; it does not mean it was attacked.",
	Action: "Install the latest system update, or replace the phone if it no longer receives updates.",
}

// patchMaxAge is MVT's six months of 31 days.
const patchMaxAge = 6 * 31 * 24 * time.Hour

func (m GetProp) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	rc, file, err := openDumpsys(in)
	if err != nil {
		return err
	}
	defer rc.Close()
	props, err := dumpsys.ParseSystemProperties(dumpsys.NewLines(rc))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	for i := range props {
		out.Record(props[i])
		m.check(in.IOCs, &props[i], out)
	}
	return nil
}

func (m GetProp) check(idx *ioc.Index, p *dumpsys.Property, out module.Emitter) {
	if p.Name == "ro.build.version.security_patch" {
		now := time.Now
		if m.Now != nil {
			now = m.Now
		}
		if t, err := time.Parse("2006-01-02", p.Value); err == nil && now().Sub(t) > patchMaxAge {
			out.Alert(alert.Alert{Level: alert.Medium,
				Message: fmt.Sprintf("This phone has not received security updates for more than six months (last update: %s)", p.Value),
				Event:   p, Heuristic: &heurOldPatch})
		}
	}
	if mt := idx.CheckAndroidProperty(p.Name); mt != nil {
		out.Alert(alert.Alert{Level: alert.Critical,
			Message: fmt.Sprintf("Found a known suspicious Android property %q matching indicators from %q", p.Name, mt.Collection),
			Event:   p, Indicator: mt.Indicator()})
	}
}

// Recheck implements module.Rechecker.
func (m GetProp) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var p dumpsys.Property
	if err := unmarshal(raw, &p); err != nil {
		return err
	}
	m.check(idx, &p, out)
	return nil
}
