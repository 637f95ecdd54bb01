package source

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Bounds of the recognition: a crafted folder with millions of entries, or
// a huge first file, costs no more than this.
const (
	// kindMaxListed is how many entries of one folder are listed (names
	// are matched by pattern only within them; exact names are looked up
	// directly, whatever the folder's size).
	kindMaxListed = 4096
	// kindMaxSubdirs is how many subfolders are examined one level down.
	kindMaxSubdirs = 64
	// kindMaxPeeked is how many .txt files are opened to recognise
	// intrusion logs, and kindPeek how many bytes of each are read.
	kindMaxPeeked = 8
	kindPeek      = 256
)

// treeKind recognises a folder or a zip's content: at its root, or one
// level down when the root holds only folders (a zip of a folder, the
// MobileSync/Backup folder around one backup per UDID) that all agree.
func treeKind(fsys fs.FS, name string) Kind {
	if k := kindAt(fsys, ".", name); k != KindUnknown {
		return k
	}
	entries := listDir(fsys, ".")
	found := KindUnknown
	subdirs := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || e.Name() == "__MACOSX" {
			continue // .DS_Store, macOS zip metadata
		}
		if !e.IsDir() {
			return KindUnknown
		}
		if subdirs++; subdirs > kindMaxSubdirs {
			return KindUnknown
		}
		k := kindAt(fsys, e.Name(), e.Name())
		if k == KindUnknown {
			continue
		}
		if found != KindUnknown && found != k {
			return KindUnknown
		}
		found = k
	}
	return found
}

// kindAt recognises the folder dir of fsys, whose own name is name. The
// order matters where layouts share a name: a sysdiagnose and an AndroidQF
// acquisition both hold ps.txt, an acquisition holds backup.ab.
func kindAt(fsys fs.FS, dir, name string) Kind {
	isFile := func(n string) bool {
		st, err := fs.Stat(fsys, path.Join(dir, n))
		return err == nil && st.Mode().IsRegular()
	}
	isDir := func(n string) bool {
		st, err := fs.Stat(fsys, path.Join(dir, n))
		return err == nil && st.IsDir()
	}
	count := func(names ...string) int {
		n := 0
		for _, f := range names {
			if isFile(f) {
				n++
			}
		}
		return n
	}
	lower := strings.ToLower(name)
	switch {
	case count("info.json", "summary.json", "command.log", "timeline.csv", "alerts.json", "report.html") >= 2 &&
		count("info.json", "summary.json") >= 1:
		return KindResults
	case (isFile("Manifest.db") || isFile("Manifest.mbdb")) && (isFile("Info.plist") || isFile("Manifest.plist")):
		return KindIOSBackup
	case isDir("private/var"):
		return KindIOSFS
	case strings.HasPrefix(lower, "sysdiagnose_") || isFile("sysdiagnose.log") || isDir("system_logs.logarchive"):
		return KindSysdiagnose
	}
	entries := listDir(fsys, dir)
	has := func(pattern string) bool {
		for _, e := range entries {
			if ok, _ := path.Match(pattern, e.Name()); ok && e.Type().IsRegular() {
				return true
			}
		}
		return false
	}
	switch {
	case isFile("main_entry.txt") || has("bugreport-*.txt") || isFile("dumpstate_board.txt"):
		return KindBugreport
	case count("acquisition.json", "getprop.txt", "packages.json", "processes.json", "files.json",
		"root_binaries.json", "mounts.json", "dumpsys.txt") > 0 || has("settings_*.txt") ||
		count("ps.txt", "backup.ab", "bugreport.zip") >= 2:
		return KindAndroidQF
	case lower == "intrusion_logs" || holdsIntrusionLogs(fsys, dir, entries):
		return KindIntrusionLogs
	case isDir("apps"):
		return KindAndroidBackup
	}
	return KindUnknown
}

// holdsIntrusionLogs reports whether one of the first .txt files of dir
// starts with an intrusion-logging event: {"dns_event": …},
// {"connect_event": …} or {"security_event": …}.
func holdsIntrusionLogs(fsys fs.FS, dir string, entries []fs.DirEntry) bool {
	peeked := 0
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(strings.ToLower(e.Name()), ".txt") {
			continue
		}
		if peeked++; peeked > kindMaxPeeked {
			return false
		}
		if looksLikeIntrusionEvent(peek(fsys, path.Join(dir, e.Name()))) {
			return true
		}
	}
	return false
}

func looksLikeIntrusionEvent(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n\ufeff")
	if !bytes.HasPrefix(b, []byte("{")) {
		return false
	}
	b = bytes.TrimLeft(b[1:], " \t\r\n")
	for _, k := range []string{`"dns_event"`, `"connect_event"`, `"security_event"`} {
		if bytes.HasPrefix(b, []byte(k)) {
			return true
		}
	}
	return false
}

// peek reads the first kindPeek bytes of a regular file.
func peek(fsys fs.FS, name string) []byte {
	f, err := fsys.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(f, kindPeek))
	return b
}

// listDir returns at most kindMaxListed entries of dir, sorted by name, or
// nil when it cannot be listed.
func listDir(fsys fs.FS, dir string) []fs.DirEntry {
	f, err := fsys.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	rd, ok := f.(fs.ReadDirFile)
	if !ok {
		return nil
	}
	entries, _ := rd.ReadDir(kindMaxListed)
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries
}
