package synth

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// manifestSchema is Manifest.db, copied from MVT's test backup
// (mvt-project/mvt tests/artifacts, MVT License 1.1).
var manifestSchema = []string{
	`CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)`,
	`CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)`,
}

var manifestIndexes = []string{
	`CREATE INDEX FilesDomainIdx ON Files(domain)`,
	`CREATE INDEX FilesRelativePathIdx ON Files(relativePath)`,
	`CREATE INDEX FilesFlagsIdx ON Files(flags)`,
}

// Manifest flags.
const (
	flagFile    = 1
	flagDir     = 2
	flagSymlink = 4
)

// fileID is the name a backup gives to domain + relative path.
func fileID(domain, rel string) string {
	s := sha1.Sum([]byte(domain + "-" + rel))
	return hex.EncodeToString(s[:])
}

// manifestEntry is one row of Files.
type manifestEntry struct {
	domain, rel string
	flags       int
	size        int64
	target      string
	time        int64 // Unix seconds
}

// manifestBuilder collects entries, adding each parent folder (and the
// domain's root, relativePath "") once, as iOS lists them.
type manifestBuilder struct {
	entries []manifestEntry
	seen    map[string]bool
	// made holds the <id[:2]> folders already created.
	made map[string]bool
}

func newManifestBuilder() *manifestBuilder {
	return &manifestBuilder{seen: map[string]bool{}, made: map[string]bool{}}
}

func (b *manifestBuilder) add(e manifestEntry) {
	key := e.domain + "-" + e.rel
	if b.seen[key] {
		return
	}
	if e.rel != "" {
		parent := path.Dir(e.rel)
		if parent == "." {
			parent = ""
		}
		b.add(manifestEntry{domain: e.domain, rel: parent, flags: flagDir, time: e.time})
	}
	b.seen[key] = true
	b.entries = append(b.entries, e)
}

// fillerDomains are where an iPhone keeps ordinary files; each template's
// %d is a counter and %s a random hex name.
var fillerDomains = []struct{ domain, pattern string }{
	{"CameraRollDomain", "Media/DCIM/%d/IMG_%s.HEIC"},
	{"CameraRollDomain", "Media/PhotoData/Thumbnails/V2/DCIM/%d/IMG_%s.HEIC/5005.JPG"},
	{"MediaDomain", "Library/SMS/Attachments/%d/%s/IMG_0001.jpeg"},
	{"HomeDomain", "Library/Preferences/com.apple.setting%d.%s.plist"},
	{"HomeDomain", "Library/Caches/com.apple.cache%d/%s.db"},
	{"HomeDomain", "Library/Mail/%d/%s.emlx"},
	{"AppDomain-net.whatsapp.WhatsApp", "Library/Caches/%d/%s"},
	{"AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "Message/Media/%d/%s.jpg"},
	{"AppDomain-com.spotify.client", "Library/Caches/Data%d/%s"},
	{"AppDomain-org.whispersystems.signal", "Library/Application Support/%d/%s"},
	{"AppDomain-com.apple.mobilesafari", "Library/Safari/Thumbnails/%d/%s.png"},
	{"RootDomain", "Library/Caches/locationd/cache%d/%s"},
	{"SystemPreferencesDomain", "SystemConfiguration/%d/%s.plist"},
}

// addFiller adds ordinary files until the manifest has n entries, and
// writes each file (small, random content) into the backup folder. A file
// brings its missing folders along; near the end, files go into the last
// folder used so that the count comes out exact.
func (b *manifestBuilder) addFiller(dir string, n int, g *gen) error {
	var lastDomain, lastDir string
	for i := 0; len(b.entries) < n; i++ {
		d := pick(g, fillerDomains)
		name := strings.ToUpper(g.hexString(8))
		// Folders hold 20-ish files each, as camera roll folders do.
		domain, rel := d.domain, fmt.Sprintf(d.pattern, 100+i/20, name)
		if len(b.entries)+b.missing(domain, rel) > n {
			if lastDir == "" {
				return nil // the artifacts alone exceed n
			}
			domain, rel = lastDomain, lastDir+"/"+name
		}
		if b.seen[domain+"-"+rel] {
			continue
		}
		data := make([]byte, g.intn(1024))
		for k := range data {
			data[k] = byte(g.intn(256))
		}
		b.add(manifestEntry{domain: domain, rel: rel, flags: flagFile, size: int64(len(data)), time: int64(g.timeAt(i, n)) + unixMacOffset})
		p := backupFilePath(dir, domain, rel)
		if sub := filepath.Dir(p); !b.made[sub] {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
			b.made[sub] = true
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		lastDomain, lastDir = domain, path.Dir(rel)
	}
	return nil
}

// missing counts the entries adding domain-rel would create.
func (b *manifestBuilder) missing(domain, rel string) int {
	n := 0
	for {
		if b.seen[domain+"-"+rel] {
			return n
		}
		n++
		if rel == "" {
			return n
		}
		rel = path.Dir(rel)
		if rel == "." {
			rel = ""
		}
	}
}

// backupFilePath is where a backup stores domain-rel: <id[:2]>/<id>.
func backupFilePath(dir, domain, rel string) string {
	id := fileID(domain, rel)
	return filepath.Join(dir, id[:2], id)
}

func writeBackupFile(dir, domain, rel string, data []byte) error {
	p := backupFilePath(dir, domain, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// writeManifestDB writes Manifest.db with every entry.
func writeManifestDB(path string, entries []manifestEntry) error {
	w, err := createDB(path, manifestSchema)
	if err != nil {
		return err
	}
	defer w.close()
	var archErr error
	err = w.bulk(`INSERT INTO Files (fileID, domain, relativePath, flags, file) VALUES (?, ?, ?, ?, ?)`, len(entries), func(i int, a []any) {
		e := entries[i]
		f := mbFile{RelativePath: e.rel, Size: e.size, Inode: int64(100000 + i), Birth: e.time, LastModified: e.time,
			LastStatusChange: e.time, Target: e.target}
		switch e.flags {
		case flagDir:
			f.Mode, f.Size = 0o40755, 0
		case flagSymlink:
			f.Mode = 0o120755
		default:
			f.Mode, f.ProtectionClass = 0o100644, 3
		}
		blob, err := f.archive()
		if err != nil && archErr == nil {
			archErr = err
		}
		a[0], a[1], a[2], a[3], a[4] = fileID(e.domain, e.rel), e.domain, e.rel, e.flags, blob
	})
	if err != nil {
		return err
	}
	if archErr != nil {
		return archErr
	}
	if err := w.exec(manifestIndexes...); err != nil {
		return err
	}
	return w.close()
}
