// Package sysdiag writes small synthetic iOS sysdiagnoses with the real
// layout and real-format files, as a folder or a .tar.gz, for tests (we
// hold no real one). The formats are documented in SOURCE.md beside the
// tests that use them and in the modules' comments; the contents here are
// invented.
package sysdiag

import (
	"archive/tar"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Spec says what to write.
type Spec struct {
	// Captured is the capture time in the folder name (its offset is
	// written as the name's -ZZZZ).
	Captured time.Time
	// Build is the iOS build at the name's end ("22B83").
	Build string
	// IOS26 writes the rotated shutdown.0.log beside shutdown.log, holding
	// the same last reboot, as iOS 26 does.
	IOS26 bool
	// Planted adds a spyware process (Pegasus-style path under
	// /private/var/db/com.apple.xpc.roleaccountd.staging/) to ps.txt,
	// ps_thread.txt and shutdown.log, and a long-named one that
	// ps_thread.txt shows truncated to 16 characters.
	Planted bool
	// Filler is the size in bytes of an unread unified-log file, so that
	// the archive holds a large entry the scan streams past.
	Filler int
}

// PlantedProcess and PlantedLongName are the planted processes.
const (
	PlantedDir      = "/private/var/db/com.apple.xpc.roleaccountd.staging/"
	PlantedProcess  = "rolexd"
	PlantedLongName = "msgacntd_helper_x" // 17 characters
	PlantedBundle   = "com.synthetic.spyapp"
)

// TopName is the sysdiagnose's folder name.
func (s Spec) TopName() string {
	t := s.Captured
	if t.IsZero() {
		t = time.Date(2025, 4, 7, 8, 6, 18, 0, time.FixedZone("", -7*3600))
	}
	b := s.Build
	if b == "" {
		b = "22E240"
	}
	return "sysdiagnose_" + t.Format("2006.01.02_15-04-05-0700") + "_iPhone-OS_iPhone_" + b
}

// Files is every file of the sysdiagnose, by path inside its folder.
func Files(s Spec) map[string][]byte {
	f := map[string][]byte{
		"sysdiagnose.log":         []byte("sysdiagnose (full) v3.0\nLaunched by: sysdiagnose key chord\n"),
		"ps.txt":                  []byte(psTxt(s)),
		"ps_thread.txt":           []byte(psThreadTxt(s)),
		"remotectl_dumpstate.txt": []byte("Local device\n\tUUID: 00000000-0000-0000-0000-000000000000\n"),
		"system_logs.logarchive/Extra/shutdown.log":           []byte(shutdownLog(s)),
		"system_logs.logarchive/Info.plist":                   []byte(`<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict/></plist>`),
		"crashes_and_spins/JetsamEvent-2025-04-06-101010.ips": []byte(`{"bug_type":"298","timestamp":"2025-04-06 10:10:10.00 -0700","os_version":"iPhone OS 18.4 (22E240)","incident_id":"2C5A3F3E-0000-4000-8000-000000000001"}` + "\n{\"memoryStatus\":{}}\n"),
	}
	f["crashes_and_spins/Signal-2025-04-06-093012.ips"] = []byte(`{"app_name":"Signal","timestamp":"2025-04-06 09:30:12.00 -0700","app_version":"7.40","bug_type":"309","bundleID":"org.whispersystems.signal","name":"Signal","os_version":"iPhone OS 18.4 (22E240)","incident_id":"2C5A3F3E-0000-4000-8000-000000000002"}` + "\n" +
		`{"procName":"Signal","procPath":"/private/var/containers/Bundle/Application/5E2C1A7B-2D4F-4C1B-9E5D-3A6F8B9C0D1E/Signal.app/Signal","bundleInfo":{"CFBundleIdentifier":"org.whispersystems.signal"},"exception":{"type":"EXC_CRASH","signal":"SIGABRT"}}` + "\n")
	if s.Planted {
		f["crashes_and_spins/Retired/"+PlantedProcess+"-2025-04-06-120000.ips"] = []byte(`{"app_name":"` + PlantedProcess + `","timestamp":"2025-04-06 12:00:00.00 -0700","bug_type":"309","name":"` + PlantedProcess + `","os_version":"iPhone OS 18.4 (22E240)","incident_id":"2C5A3F3E-0000-4000-8000-000000000003"}` + "\n" +
			`{"procName":"` + PlantedProcess + `","procPath":"` + PlantedDir + PlantedProcess + `","exception":{"type":"EXC_BAD_ACCESS","signal":"SIGSEGV"}}` + "\n")
	}
	f["WiFi/com.apple.wifi.known-networks.plist"] = []byte(knownNetworks(s))
	f["logs/MobileInstallation/mobile_installation.log.0"] = []byte(mobileInstallationLog(s))
	if s.IOS26 {
		f["system_logs.logarchive/Extra/shutdown.0.log"] = []byte(lastReboot(s))
	}
	if s.Filler > 0 {
		f["system_logs.logarchive/Persist/0000000000000001.tracev3"] = filler(s.Filler)
	}
	return f
}

// psTxt is ps.txt in the iOS 16+ layout (PRSNA and F columns).
func psTxt(s Spec) string {
	var b strings.Builder
	b.WriteString("USER               UID PRSNA   PID  PPID        F  %CPU %MEM PRI NI      VSZ    RSS WCHAN    TT  STAT STARTED      TIME COMMAND\n")
	row := func(user string, uid, prsna, pid, ppid int, cmd string) {
		p := "-"
		if prsna > 0 {
			p = fmt.Sprint(prsna)
		}
		fmt.Fprintf(&b, "%-16s %5d %5s %5d %5d %8d   0.0  0.1  31  0  %7d  %5d -        ??  Ss    7:47AM   0:00.12 %s\n",
			user, uid, p, pid, ppid, 4004004, 408000000+pid, 1000+pid, cmd)
	}
	row("root", 0, 0, 1, 0, "/sbin/launchd")
	row("root", 0, 200, 29, 1, "/usr/libexec/UserEventAgent (System)")
	row("_logd", 272, 199, 30, 1, "/usr/libexec/logd")
	row("mobile", 501, 1000, 412, 1, "/System/Library/PrivateFrameworks/GeoServices.framework/geod")
	row("mobile", 501, 1000, 640, 1, "/System/Library/CoreServices/SpringBoard.app/SpringBoard")
	row("mobile", 501, 1000, 1210, 1, "/private/var/containers/Bundle/Application/5E2C1A7B-2D4F-4C1B-9E5D-3A6F8B9C0D1E/Signal.app/Signal")
	row("root", 0, 200, 2101, 1, "/usr/libexec/sysdiagnosed")
	if s.Planted {
		row("root", 0, 200, 4313, 1, PlantedDir+PlantedProcess)
		row("mobile", 501, 1000, 4320, 1, "/usr/libexec/"+PlantedLongName+" --daemon")
	}
	return b.String()
}

// psThreadTxt is ps_thread.txt (ps -M): a short COMMAND column, ten
// columns, then the full COMMAND; threads on indented rows.
func psThreadTxt(s Spec) string {
	var b strings.Builder
	b.WriteString("USER               PID   TT   %CPU STAT PRI     STIME     UTIME COMMAND            PPID        F %MEM PRI NI      VSZ    RSS WCHAN    STARTED      TIME COMMAND\n")
	row := func(user string, pid, ppid int, cmd string) {
		name := filepath.Base(strings.Fields(cmd)[0])
		if len(name) > 16 {
			name = name[:16] // iOS truncates process names to 16 characters
		}
		fmt.Fprintf(&b, "%-16s %5d   ??    0.0 S     31T   0:00.01   0:00.02 %-16s %5d  4004004  0.1  31  0  %7d  %5d -         7:47AM   0:00.03 %s\n",
			user, pid, name, ppid, 408000000+pid, 1000+pid, cmd)
		fmt.Fprintf(&b, "                 %5d         0.0 S     31T   0:00.00   0:00.00                  \n", pid)
	}
	row("root", 1, 0, "/sbin/launchd")
	row("root", 29, 1, "/usr/libexec/UserEventAgent (System)")
	row("mobile", 640, 1, "/System/Library/CoreServices/SpringBoard.app/SpringBoard")
	if s.Planted {
		row("root", 4313, 1, PlantedDir+PlantedProcess)
		row("mobile", 4320, 1, "/usr/libexec/"+PlantedLongName+" --daemon")
	}
	return b.String()
}

// shutdownLog is two reboots; with Planted, the second is delayed three
// times by the planted process.
func shutdownLog(s Spec) string {
	return "After 0.52s, these clients are still here:\n" +
		"\tremaining client pid: 412 (/System/Library/PrivateFrameworks/GeoServices.framework/geod)\n" +
		"SIGTERM: [1743868800] Processing SIGTERM\n" + lastReboot(s)
}

func lastReboot(s Spec) string {
	if !s.Planted {
		return "After 0.31s, these clients are still here:\n" +
			"\tremaining client pid: 640 (/System/Library/CoreServices/SpringBoard.app/SpringBoard)\n" +
			"SIGTERM: [1743955200] Processing SIGTERM\n"
	}
	var b strings.Builder
	for _, d := range []string{"0.42", "1.45", "2.47"} {
		b.WriteString("After " + d + "s, these clients are still here:\n")
		b.WriteString("\tremaining client pid: 4313 (" + PlantedDir + PlantedProcess + ")\n")
	}
	b.WriteString("SIGTERM: [1743955200] Processing SIGTERM\n")
	return b.String()
}

// mobileInstallationLog is installd's log: a reboot, an App Store install
// of Signal, and with Planted the install of PlantedBundle.
func mobileInstallationLog(s Spec) string {
	l := "Mon Apr  7 06:10:02 2025 [234] <notice> (0x1f0c4c000) main: Reboot detected\n" +
		"Mon Apr  7 06:13:34 2025 [234] <notice> (0x16b48f000) -[MIInstaller _installInstallable:containingSymlink:error:]: Installing <MIInstallableBundle ID=org.whispersystems.signal; Version=(null), ShortVersion=(null)>\n" +
		"Mon Apr  7 06:13:34 2025 [234] <notice> (0x16b48f000) -[MIContainer makeContainerLiveReplacingContainer:reason:waitForDeletion:withError:]: Made container live for org.whispersystems.signal at /private/var/containers/Bundle/Application/9FE717E1-1A80-4973-B315-158AF5E4311E\n" +
		"Mon Apr  7 06:13:34 2025 [234] <notice> (0x16b48f000) -[MIInstaller performInstallationWithError:]: Install Successful for (Placeholder:org.whispersystems.signal); Staging: 0.01s; Waiting: 0.00s; Preflight/Patch: 0.00s, Verifying: 0.01s; Overall: 0.14s\n"
	if s.Planted {
		l += "Mon Apr  7 07:01:10 2025 [234] <notice> (0x16b48f000) -[MIInstaller performInstallationWithError:]: Install Successful for (Customer:" + PlantedBundle + "); Staging: 0.02s; Waiting: 0.00s; Preflight/Patch: 0.00s, Verifying: 0.03s; Overall: 0.31s\n" +
			"Mon Apr  7 07:20:45 2025 [234] <notice> (0x16b48f000) -[MIClientConnection uninstallIdentifiers:withOptions:completion:]: Uninstalling identifier " + PlantedBundle + "\n"
	}
	return l
}

// knownNetworks is the remembered Wi-Fi networks plist (XML form): a
// home network joined by the user, and with Planted one added by
// PlantedBundle.
func knownNetworks(s Spec) string {
	net := func(name, extra string) string {
		return "<key>wifi.network.ssid." + name + "</key><dict>" +
			"<key>SSID</key><data>" + base64.StdEncoding.EncodeToString([]byte(name)) + "</data>" +
			"<key>AddedAt</key><date>2024-11-02T18:20:00Z</date>" +
			"<key>JoinedByUserAt</key><date>2024-11-02T18:20:05Z</date>" +
			"<key>JoinedBySystemAt</key><date>2025-04-07T05:02:11Z</date>" +
			"<key>UpdatedAt</key><date>2025-04-07T05:02:11Z</date>" +
			"<key>AddReason</key><integer>4</integer>" + extra + "</dict>"
	}
	body := net("HomeNet-5G", "")
	if s.Planted {
		body += net("FreeCoffeeWiFi", "<key>BundleID</key><string>"+PlantedBundle+"</string>")
	}
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n" +
		`<plist version="1.0"><dict>` + body + "</dict></plist>\n"
}

func filler(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// WriteDir writes the sysdiagnose folder inside dir and returns its path.
func WriteDir(dir string, s Spec) (string, error) {
	top := filepath.Join(dir, s.TopName())
	for name, data := range Files(s) {
		p := filepath.Join(top, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return "", err
		}
	}
	return top, nil
}

// Entry is one extra tar entry, for hostile archives.
type Entry struct {
	Header tar.Header
	Data   []byte
}

// WriteTarGz writes the sysdiagnose as Apple does: a .tar.gz named after
// the folder, holding the folder. extra entries are appended after the
// files (names as given, not under the folder).
func WriteTarGz(dir string, s Spec, extra ...Entry) (string, error) {
	p := filepath.Join(dir, s.TopName()+".tar.gz")
	f, err := os.Create(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	if err := WriteTar(zw, s, extra...); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return p, f.Close()
}

// WriteTar writes the tar stream (uncompressed) to w.
func WriteTar(w io.Writer, s Spec, extra ...Entry) error {
	tw := tar.NewWriter(w)
	top := s.TopName()
	mod := time.Date(2025, 4, 7, 15, 6, 18, 0, time.UTC)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: top + "/", Mode: 0o755, ModTime: mod}); err != nil {
		return err
	}
	files := Files(s)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h := &tar.Header{Typeflag: tar.TypeReg, Name: top + "/" + n, Mode: 0o644, Size: int64(len(files[n])), ModTime: mod}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(files[n]); err != nil {
			return err
		}
	}
	for _, e := range extra {
		h := e.Header
		if h.Typeflag == tar.TypeReg || h.Typeflag == 0 {
			h.Size = int64(len(e.Data))
		}
		if err := tw.WriteHeader(&h); err != nil {
			return err
		}
		if len(e.Data) > 0 {
			if _, err := tw.Write(e.Data); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}
