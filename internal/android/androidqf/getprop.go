package androidqf

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Property is one system property.
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

var propRE = regexp.MustCompile(`\[(.+?)\]: \[(.+?)\]`)

// patchMaxAge is how old a security patch level may be before it is
// flagged (MVT: six 31-day months).
const patchMaxAge = 6 * 31 * 24 * time.Hour

var hOldPatch = &alert.Heuristic{
	ID:     "android.getprop.old_security_patch",
	Title:  "Security updates missing",
	Why:    "The phone's last security patch is more than six months old. Spyware uses published vulnerabilities that later patches fix.",
	Action: "Install the latest system update; if none is offered, the phone is no longer supported.",
}

// GetProp analyses getprop.txt: the security patch level, and property
// names against the indicators.
type GetProp struct {
	// Now is the clock used for the patch age; nil means time.Now.
	Now func() time.Time
}

// Describe implements module.Module.
func (GetProp) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "aqf_get_prop",
		MVTName:     "AQFGetProp",
		Description: "System properties (getprop.txt)",
		Artifact:    "System properties (getprop)",
		Evidence:    []module.Evidence{module.AndroidQF},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m GetProp) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	a, err := acquisition(in)
	if err != nil {
		return err
	}
	f, err := open(a, "getprop.txt")
	if err != nil {
		return err
	}
	defer f.Close()
	stats := &textStats{r: f}
	sc := bufio.NewScanner(stats)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		mm := propRE.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if mm == nil {
			continue
		}
		n++
		p := Property{Name: mm[1], Value: mm[2]}
		out.Record(p)
		m.check(in.IOCs, p, out)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("getprop.txt: %w", err)
	}
	if n == 0 {
		return stats.unrecognised("getprop.txt", "\"[name]: [value]\" line")
	}
	return nil
}

// Recheck implements module.Rechecker.
func (m GetProp) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var p Property
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("aqf_get_prop record: %w", err)
	}
	m.check(idx, p, out)
	return nil
}

func (m GetProp) check(idx *ioc.Index, p Property, out module.Emitter) {
	if p.Name == "ro.build.version.security_patch" {
		now := time.Now
		if m.Now != nil {
			now = m.Now
		}
		if d, err := time.Parse("2006-01-02", p.Value); err == nil && now().Sub(d) > patchMaxAge {
			out.Alert(alert.Alert{
				Level:     alert.Medium,
				Message:   fmt.Sprintf("This phone has not received security updates for more than six months (last update: %s)", p.Value),
				Event:     p,
				Heuristic: hOldPatch,
			})
		}
	}
	if match := idx.CheckAndroidProperty(p.Name); match != nil {
		out.Alert(alert.Alert{Level: alert.Critical, Message: iocMessage("Android property", p.Name, match), Event: p, Indicator: match.Indicator()})
	}
}
