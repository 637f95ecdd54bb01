package phishing

import (
	"context"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/lookalike"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Links checks the links given to check-url (module.Input.Source is a []string).
type Links struct {
	checker  *lookalike.Checker
	expander *ioc.Expander
}

// WithExpander makes the module follow short links through e (--expand-urls).
func (l *Links) WithExpander(e *ioc.Expander) *Links { l.expander = e; return l }

// NewLinks returns the links module; checker holds the brands and protected domains (nil skips
// look-alike detection, as for -l).
func NewLinks(checker *lookalike.Checker) *Links { return &Links{checker: checker} }

// Describe implements module.Module.
func (*Links) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "links",
		Description: "Links given to check-url, checked against indicators and for look-alikes of well-known services",
		Artifact:    "links to check",
		Evidence:    []module.Evidence{module.URLList},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (l *Links) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	links, ok := in.Source.([]string)
	if !ok || len(links) == 0 {
		return module.NoData("no link to check")
	}
	for i, raw := range links {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		r := CheckLinkExpanded(ctx, in.IOCs, l.checker, l.expander, raw)
		out.Record(r)
		switch r.Verdict {
		case IndicatorsFound:
			out.Alert(alert.Alert{Level: alert.Critical, Message: fmt.Sprintf("Link %s: %s", raw, r.Reason), Event: r, Indicator: r.Indicator})
		case Suspicious:
			out.Alert(alert.Alert{Level: alert.Medium, Message: r.Reason, Event: r, Heuristic: HeuristicLookalike})
		}
	}
	return nil
}
