package ios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// netusage.sqlite has DataUsage.sqlite's layout (ZPROCESS, ZLIVEUSAGE) but
// is kept by networkd, only on the phone's filesystem.
var netUsageDB = source.IOSQuery{
	FSGlobs: []string{
		"private/var/networkd/netusage.sqlite",
		"private/var/networkd/db/netusage.sqlite",
	},
}

// Netusage reads which processes used the network, from networkd's
// netusage.sqlite, with the same tampering checks as Datausage.
type Netusage struct{}

// NewNetusage returns the netusage module.
func NewNetusage() *Netusage { return &Netusage{} }

// Describe implements module.Module.
func (*Netusage) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "netusage",
		MVTName:     "Netusage",
		Description: "Per-process network usage in networkd's netusage.sqlite, with deleted-record checks",
		Artifact:    "Network usage per process (netusage.sqlite)",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module. Each database is checked on its own (the
// process numbering of one says nothing about the other).
func (m *Netusage) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, netUsageDB, "netusage.sqlite (private/var/networkd)")
	if err != nil {
		return err
	}
	src, _ := iosSource(in)
	var errs []error
	for _, f := range files {
		recs, err := readNetUsage(ctx, in, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if src != nil && !src.IsBackup() && !in.Options.Fast {
			findProcessesWithoutBinary(in, src.FS(), recs, out)
		}
		recs = netUsageChecks(in.IOCs, recs, out)
		emitNetUsage(recs, "Netusage", out)
	}
	return errors.Join(errs...)
}

// Recheck implements module.Rechecker on one record of netusage.json.
func (m *Netusage) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		ProcName     *string `json:"proc_name"`
		ProcID       *int64  `json:"proc_id"`
		FirstIsodate *string `json:"first_isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("netusage record: %w", err)
	}
	netUsageCheckIOC(idx, json.RawMessage(raw), rec.ProcID, strPtrText(rec.ProcName), strPtrText(rec.FirstIsodate), out)
	return nil
}
