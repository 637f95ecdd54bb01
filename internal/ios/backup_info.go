package ios

import (
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// backupInfoKeys are the Info.plist keys MVT keeps, in its order.
var backupInfoKeys = []string{
	"Build Version", "Device Name", "Display Name", "GUID", "ICCID", "IMEI", "MEID",
	"Installed Applications", "Last Backup Date", "Phone Number", "Product Name",
	"Product Type", "Product Version", "Serial Number", "Target Identifier",
	"Target Type", "Unique Identifier", "iTunes Version",
}

// BackupInfo reads the device details a backup's Info.plist records.
type BackupInfo struct{}

// NewBackupInfo returns the backup_info module.
func NewBackupInfo() *BackupInfo { return &BackupInfo{} }

// Describe implements module.Module.
func (*BackupInfo) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "backup_info",
		MVTName:     "BackupInfo",
		Description: "Device model, iOS version, identifiers and backup date from the backup's Info.plist",
		Artifact:    "Backup information: device model, iOS version, date (Info.plist)",
		Evidence:    iosBackup,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module: the result is one dict, not a list.
func (*BackupInfo) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	src, err := iosSource(in)
	if err != nil {
		return err
	}
	if !src.IsBackup() {
		return module.NoData("Info.plist (only backups have one)")
	}
	if _, err := fs.Stat(src.FS(), "Info.plist"); err != nil {
		return module.NoData("the backup's Info.plist")
	}
	var info map[string]any
	if err := readPlistFS(src.FS(), "Info.plist", &info); err != nil {
		return fmt.Errorf("Info.plist: %w", err)
	}
	rec := &orderedMap{}
	for _, k := range backupInfoKeys {
		rec.keys = append(rec.keys, k)
		rec.vals = append(rec.vals, jsonableInfo(info[k]))
	}
	out.SetRecord(rec)
	log := logger(in)
	log.Info("backup info", "device", infoText(info["Product Type"]), "ios", infoText(info["Product Version"]), "build", infoText(info["Build Version"]))
	return nil
}

// infoText is an Info.plist value for the log: a key the backup lacks
// reads "not recorded", not Go's "<nil>".
func infoText(v any) string {
	if v == nil {
		return "not recorded"
	}
	return fmt.Sprint(v)
}

// jsonableInfo turns plist values into what MVT's JSON writer shows: dates
// as text, data as base64, missing keys as null.
func jsonableInfo(v any) any {
	switch x := v.(type) {
	case time.Time:
		// MVT writes str(datetime).
		return pyDatetimeText(x)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonableInfo(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonableInfo(e)
		}
		return out
	}
	return v
}
