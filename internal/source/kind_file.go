package source

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

const (
	// kindMaxTarEntries and kindMaxTarBytes bound the look into a tar: its
	// first entries name the layout, and reaching them never needs more.
	kindMaxTarEntries = 64
	kindMaxTarBytes   = 8 << 20
)

// fileKind recognises a single file by its first bytes, and an archive by
// the names inside it.
func fileKind(p string, size int64) (Kind, error) {
	f, err := os.Open(p)
	if err != nil {
		return KindUnknown, fmt.Errorf("%s: %w", p, err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	base := strings.ToLower(filepath.Base(p))
	switch {
	case bytes.HasPrefix(head, []byte("ANDROID BACKUP\n")):
		return KindAndroidBackup, nil
	case bytes.HasPrefix(head, []byte("age-encryption.org/v1\n")), bytes.HasPrefix(head, []byte("-----BEGIN AGE ENCRYPTED FILE-----")):
		// AndroidQF is what writes age-encrypted acquisitions.
		return KindAndroidQF, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return zipKind(f, size, p, base), nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		if strings.HasPrefix(base, "sysdiagnose_") {
			return KindSysdiagnose, nil
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return KindUnknown, nil
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			return KindUnknown, nil
		}
		return tarKind(zr), nil
	case len(head) >= 262 && string(head[257:262]) == "ustar":
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return KindUnknown, nil
		}
		return tarKind(f), nil
	}
	return KindUnknown, nil
}

// zipKind recognises a zip from its entry names, read through ZipFS (which
// refuses unsafe names), and from its file name when the names say
// nothing.
func zipKind(f *os.File, size int64, p, base string) Kind {
	z, err := NewZipFS(f, size, p, ZipOptions{MaxEntrySize: 1 << 20, MaxNestedInMemory: 1 << 20})
	if err != nil {
		return KindUnknown
	}
	if k := treeKind(z, strings.TrimSuffix(base, ".zip")); k != KindUnknown {
		return k
	}
	switch {
	case strings.HasPrefix(base, "bugreport"):
		return KindBugreport
	case strings.HasPrefix(base, "sysdiagnose_"):
		return KindSysdiagnose
	}
	return KindUnknown
}

// tarKind recognises a tar from the names of its first entries: a
// filesystem dump (private/var/…), a sysdiagnose (sysdiagnose_…/), an iOS
// backup (Manifest.db), possibly inside one top folder.
func tarKind(r io.Reader) Kind {
	tr := tar.NewReader(io.LimitReader(r, kindMaxTarBytes))
	for range kindMaxTarEntries {
		h, err := tr.Next()
		if err != nil {
			return KindUnknown
		}
		if k := tarNameKind(h.Name); k != KindUnknown {
			return k
		}
	}
	return KindUnknown
}

// tarNameKind recognises one entry name, at the root or under one folder.
func tarNameKind(name string) Kind {
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	parts := strings.SplitN(name, "/", 4)
	if strings.HasPrefix(strings.ToLower(parts[0]), "sysdiagnose_") {
		return KindSysdiagnose
	}
	for i := 0; i < len(parts) && i < 2; i++ {
		rest := parts[i:]
		switch {
		case len(rest) >= 2 && rest[0] == "private" && rest[1] == "var":
			return KindIOSFS
		case len(rest) == 1 && (rest[0] == "Manifest.db" || rest[0] == "Manifest.mbdb"):
			return KindIOSBackup
		}
	}
	return KindUnknown
}
