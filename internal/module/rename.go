package module

import (
	"context"
	"errors"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

// Renamed gives a module another output name. A command that runs the same
// module on two pieces of evidence (the dumpsys modules on an AndroidQF
// acquisition's dumpsys.txt and on the bugreport inside it) renames one of
// them so that neither's <slug>.json overwrites the other's.
// where, if set, is added to the artifact's words ("in the bug report").
func Renamed(m Module, name, where string) Module { return renamed{m, name, where} }

type renamed struct {
	Module
	name, where string
}

// Describe is the wrapped module's descriptor under the new slug.
func (r renamed) Describe() Descriptor {
	d := r.Module.Describe()
	d.Slug = r.name
	if r.where != "" {
		d.Artifact += ", " + r.where
	}
	return d
}

// Recheck forwards to the wrapped module.
func (r renamed) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out Emitter) error {
	if rc, ok := r.Module.(Rechecker); ok {
		return rc.Recheck(ctx, idx, raw, out)
	}
	return errors.New("module cannot re-check records")
}
