package netcap

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Recheck implements module.Rechecker: check-iocs matches the recorded
// events against today's indicators without the capture.
func (Traffic) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	return recheck(idx, raw, out)
}

// Recheck implements module.Rechecker.
func (Logs) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	return recheck(idx, raw, out)
}

func recheck(idx *ioc.Index, raw []byte, out module.Emitter) error {
	var e Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("network event record: %w", err)
	}
	for _, a := range Check(idx, e) {
		out.Alert(a)
	}
	return nil
}
