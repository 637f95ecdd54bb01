package source

import (
	"fmt"
	"os"
	"path/filepath"
)

// Kind is what a piece of evidence looks like, recognised from a few names
// and magic bytes: the check commands use it to refuse evidence meant for
// another command (an iPhone backup given to an Android command would
// otherwise "pass" with every module finding no data).
type Kind string

// The evidence kinds. The values are those summary.json uses for
// evidence.type where a check command exists.
const (
	KindUnknown       Kind = ""
	KindIOSBackup     Kind = "ios_backup"
	KindIOSFS         Kind = "ios_fs"
	KindSysdiagnose   Kind = "sysdiagnose"
	KindAndroidQF     Kind = "androidqf"
	KindBugreport     Kind = "bugreport"
	KindAndroidBackup Kind = "android_backup"
	KindIntrusionLogs Kind = "intrusion_logs"
	KindResults       Kind = "results"
	// Network captures (pcap, pcapng) and Zeek or Suricata logs are named
	// by their commands' arguments, not recognised from a folder.
	KindNetworkCapture Kind = "network_capture"
	KindNetworkLogs    Kind = "network_logs"
	// Links given on the command line (check-url) and mail files
	// (check-email) are named by their commands' arguments too.
	KindURLList Kind = "url_list"
	KindEmail   Kind = "email"
)

// Describe names the kind for a sentence: "this looks like <Describe>".
func (k Kind) Describe() string {
	switch k {
	case KindIOSBackup:
		return "an iTunes or Finder backup of an iPhone"
	case KindIOSFS:
		return "a filesystem dump of an iPhone"
	case KindSysdiagnose:
		return "an iOS sysdiagnose"
	case KindAndroidQF:
		return "an AndroidQF acquisition"
	case KindBugreport:
		return "an Android bugreport"
	case KindAndroidBackup:
		return "an Android backup (adb backup)"
	case KindIntrusionLogs:
		return "an Android intrusion-logging export"
	case KindResults:
		return "a results folder written by spyglass or MVT"
	case KindNetworkCapture:
		return "a network capture"
	case KindNetworkLogs:
		return "Zeek or Suricata logs"
	case KindURLList:
		return "a list of links"
	case KindEmail:
		return "e-mail messages"
	}
	return "evidence of an unknown kind"
}

// DetectKind says what the evidence at p looks like. It reads only what it
// needs: the presence of a few names (never following a link out of a
// folder), the first bytes of a file, the names of a zip or of the first
// entries of a tar. Anything it does not recognise, an empty folder
// included, is KindUnknown; only a p that cannot be read at all is an
// error. p itself may be a link (the user chose it).
func DetectKind(p string) (Kind, error) {
	st, err := os.Stat(p)
	if err != nil {
		return KindUnknown, fmt.Errorf("%s: %w", p, err)
	}
	switch {
	case st.IsDir():
		root, err := os.OpenRoot(p)
		if err != nil {
			return KindUnknown, fmt.Errorf("%s: %w", p, err)
		}
		defer root.Close()
		return treeKind(root.FS(), filepath.Base(p)), nil
	case st.Mode().IsRegular():
		return fileKind(p, st.Size())
	}
	// A FIFO or a device: opening it could block or never end.
	return KindUnknown, nil
}
