package synth

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"howett.net/plist"
)

// device is the phone the synthetic backup comes from.
type device struct {
	udid, serial, imei, iccid, phone, name string
}

func newDevice(g *gen) device {
	return device{
		udid:   strings.ToUpper(g.hexString(8)) + "-" + strings.ToUpper(g.hexString(16)),
		serial: "F" + strings.ToUpper(g.hexString(10)),
		imei:   fmt.Sprintf("35%013d", g.intn(1_000_000_000)),
		iccid:  fmt.Sprintf("8901%015d", g.intn(1_000_000_000)),
		phone:  g.phone(),
		name:   "iPhone",
	}
}

const (
	productType    = "iPhone14,5"
	productVersion = "17.5.1"
	buildVersion   = "21F90"
)

// backupDate is when the synthetic backup was taken: after every event.
var backupDate = time.Date(2025, 1, 2, 9, 30, 0, 0, time.UTC)

// installedApps are the third-party apps the backup lists, with their
// iTunesMetadata.plist (App Store installs, so no sideloading heuristic
// fires).
var installedApps = []struct{ bundle, name, artist string }{
	{"net.whatsapp.WhatsApp", "WhatsApp Messenger", "WhatsApp Inc."},
	{"org.whispersystems.signal", "Signal - Private Messenger", "Signal Messenger, LLC"},
	{"com.spotify.client", "Spotify - Music and Podcasts", "Spotify"},
}

func encodePlist(v any, format int) ([]byte, error) {
	var buf bytes.Buffer
	enc := plist.NewEncoderForFormat(&buf, format)
	if format == plist.XMLFormat {
		enc.Indent("\t")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writePlist(path string, v any, format int) error {
	b, err := encodePlist(v, format)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, b, 0o644)
}

// writePlists writes Info.plist (XML, as iTunes and Finder write it),
// Manifest.plist and Status.plist (binary).
func writePlists(dir string, d device, g *gen) error {
	apps := map[string]any{}
	var installed []any
	for i, a := range installedApps {
		meta, err := encodePlist(map[string]any{
			"softwareVersionBundleId":  a.bundle,
			"itemName":                 a.name,
			"artistName":               a.artist,
			"itemId":                   int64(310633997 + i),
			"bundleShortVersionString": "24.1.0",
			"bundleVersion":            "24.1.0.75",
			"sourceApp":                "com.apple.AppStore",
			"kind":                     "software",
			"purchaseDate":             time.Date(2023, 3, 1+i, 12, 0, 0, 0, time.UTC),
			"genre":                    "Social Networking",
		}, plist.BinaryFormat)
		if err != nil {
			return err
		}
		apps[a.bundle] = map[string]any{"iTunesMetadata": meta, "ApplicationSIDs": []any{}}
		installed = append(installed, a.bundle)
	}
	info := map[string]any{
		"Applications":           apps,
		"Build Version":          buildVersion,
		"Device Name":            d.name,
		"Display Name":           d.name,
		"GUID":                   strings.ToUpper(g.hexString(32)),
		"ICCID":                  d.iccid,
		"IMEI":                   d.imei,
		"Installed Applications": installed,
		"Last Backup Date":       backupDate,
		"Phone Number":           d.phone,
		"Product Name":           "iPhone 13",
		"Product Type":           productType,
		"Product Version":        productVersion,
		"Serial Number":          d.serial,
		"Target Identifier":      d.udid,
		"Target Type":            "Device",
		"Unique Identifier":      d.udid,
		"iTunes Files":           map[string]any{},
		"iTunes Settings":        map[string]any{},
		"iTunes Version":         "12.13.2.3",
	}
	if err := writePlist(filepath.Join(dir, "Info.plist"), info, plist.XMLFormat); err != nil {
		return err
	}
	manifest := map[string]any{
		"Version":              "10.0",
		"Date":                 backupDate,
		"SystemDomainsVersion": "24.0",
		"IsEncrypted":          false,
		"WasPasscodeSet":       true,
		"Lockdown": map[string]any{
			"ProductVersion":                      productVersion,
			"ProductType":                         productType,
			"BuildVersion":                        buildVersion,
			"UniqueDeviceID":                      d.udid,
			"SerialNumber":                        d.serial,
			"DeviceName":                          d.name,
			"com.apple.MobileDeviceCrashCopy":     map[string]any{},
			"com.apple.TerminalFlashr":            map[string]any{},
			"com.apple.mobile.data_sync":          map[string]any{},
			"com.apple.Accessibility":             map[string]any{},
			"com.apple.mobile.iTunes.accessories": map[string]any{},
			"com.apple.mobile.wireless_lockdown":  map[string]any{},
		},
		"Applications": map[string]any{},
	}
	if err := writePlist(filepath.Join(dir, "Manifest.plist"), manifest, plist.BinaryFormat); err != nil {
		return err
	}
	status := map[string]any{
		"BackupState":   "new",
		"Date":          backupDate,
		"IsFullBackup":  false,
		"SnapshotState": "finished",
		"UUID":          strings.ToUpper(g.uuid()),
		"Version":       "3.3",
	}
	return writePlist(filepath.Join(dir, "Status.plist"), status, plist.BinaryFormat)
}
