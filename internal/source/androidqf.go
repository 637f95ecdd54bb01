package source

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"

	"filippo.io/age"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// Bounds for AndroidQF acquisitions. An acquisition with every APK pulled can
// be several gigabytes, so nothing here reads a whole acquisition into memory.
const (
	// maxSmallFile bounds the small metadata files read whole
	// (acquisition.json, getprop.txt, adb_host_key.pub).
	maxSmallFile = 16 << 20
	// MaxNestedInMemory is the largest nested archive (a *bugreport.zip
	// inside a zipped acquisition) held in memory for random access; a
	// larger one is copied to a 0600 file in a private temporary folder,
	// removed on Close.
	MaxNestedInMemory = 256 << 20
)

// markers are files that only an AndroidQF acquisition root holds; one of
// them is enough to recognise the root.
var markers = []string{
	"acquisition.json", "packages.json", "getprop.txt", "ps.txt", "processes.json",
	"dumpsys.txt", "files.json", "root_binaries.json", "mounts.json", "backup.ab", "bugreport.zip",
}

// AndroidQF is an AndroidQF acquisition: a folder, a .zip, or an
// age-encrypted .zip.age (what AndroidQF writes when given a public key).
// All names are relative to the acquisition root, found even when the
// acquisition sits in one top-level folder ("<uuid>/getprop.txt").
type AndroidQF struct {
	path   string
	fsys   fs.FS
	files  []string
	closer []io.Closer
	tmpDir string
	// zip and prefix locate the root inside a zipped acquisition, so nested
	// zips can be opened in place (ZipFS.OpenZip).
	zip    *ZipFS
	prefix string
	// zipSize is the size of the acquisition's zip (0 for a folder): a
	// zip nested in it is measured against it (ZipOptions.RatioBase).
	zipSize int64
}

// OpenAndroidQF opens the acquisition at p. identity is the age identity
// file (AGE-SECRET-KEY-1… lines) and is needed only for a .age file.
//
// An encrypted acquisition is decrypted on the fly: age's random-access
// decryption (one 64 KiB chunk at a time) lets the zip reader seek through
// the ciphertext, so the plaintext zip is never written to disk nor held
// whole in memory.
func OpenAndroidQF(p string, identity io.Reader) (*AndroidQF, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	a := &AndroidQF{path: p}
	switch {
	case fi.IsDir():
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, err
		}
		a.closer = append(a.closer, root)
		a.fsys = safefile.FS(root)
	case strings.HasSuffix(strings.ToLower(p), ".age"):
		if identity == nil {
			return nil, fmt.Errorf("%s is age-encrypted: an identity file (the age private key) is needed", p)
		}
		if err := a.openAge(p, identity); err != nil {
			a.Close()
			return nil, err
		}
	default:
		f, err := safefile.Open(p)
		if err != nil {
			return nil, err
		}
		a.closer = append(a.closer, f)
		if err := a.openZip(f, fi.Size()); err != nil {
			a.Close()
			return nil, err
		}
	}
	if err := a.index(); err != nil {
		a.Close()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return a, nil
}

func (a *AndroidQF) openAge(p string, identity io.Reader) error {
	ids, err := age.ParseIdentities(identity)
	if err != nil {
		return fmt.Errorf("reading the age identity: %w", err)
	}
	f, err := safefile.Open(p)
	if err != nil {
		return err
	}
	a.closer = append(a.closer, f)
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	var head [32]byte
	n, _ := f.ReadAt(head[:], 0)
	if bytes.HasPrefix(head[:n], []byte("-----BEGIN AGE")) {
		return fmt.Errorf("%s: ASCII-armored age files are not supported; run `age --decrypt` first or use the binary form AndroidQF writes", p)
	}
	plain, size, err := age.DecryptReaderAt(f, fi.Size(), ids...)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return fmt.Errorf("%s: the identity does not decrypt this acquisition (wrong key?)", p)
		}
		return fmt.Errorf("%s: decrypting: %w", p, err)
	}
	if err := a.openZip(plain, size); err != nil {
		return fmt.Errorf("decrypted %w", err)
	}
	return nil
}

func (a *AndroidQF) openZip(r io.ReaderAt, size int64) error {
	z, err := NewZipFS(r, size, a.path, ZipOptions{})
	a.zipSize = size
	if err != nil {
		return err
	}
	a.zip = z
	a.fsys = z
	return nil
}

// index lists every regular file and moves the root into the acquisition's
// own folder when the input wraps it in one.
func (a *AndroidQF) index() error {
	if dir, ok := a.findRoot(); ok && dir != "." {
		sub, err := fs.Sub(a.fsys, dir)
		if err != nil {
			return err
		}
		a.fsys = sub
		a.prefix = dir + "/"
	}
	var files []string
	err := fs.WalkDir(a.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing the acquisition: %w", err)
	}
	sort.Strings(files)
	a.files = files
	return nil
}

// findRoot returns "." when the top level holds a marker file, or the single
// top-level folder that does.
func (a *AndroidQF) findRoot() (string, bool) {
	if hasMarker(a.fsys, ".") {
		return ".", true
	}
	entries, err := fs.ReadDir(a.fsys, ".")
	if err != nil {
		return "", false
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && hasMarker(a.fsys, e.Name()) {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 1 {
		return dirs[0], true
	}
	return "", false
}

func hasMarker(fsys fs.FS, dir string) bool {
	for _, m := range markers {
		if fi, err := fs.Stat(fsys, path.Join(dir, m)); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "settings_") && strings.HasSuffix(e.Name(), ".txt") {
			return true
		}
	}
	return false
}

// Close releases the files the acquisition holds open and removes any
// temporary copy of a nested archive.
func (a *AndroidQF) Close() error {
	var errs []error
	for i := len(a.closer) - 1; i >= 0; i-- {
		errs = append(errs, a.closer[i].Close())
	}
	a.closer = nil
	if a.tmpDir != "" {
		errs = append(errs, os.RemoveAll(a.tmpDir))
		a.tmpDir = ""
	}
	return errors.Join(errs...)
}

// Path is the acquisition as given.
func (a *AndroidQF) Path() string { return a.path }

// FS is a read-only view rooted at the acquisition root.
func (a *AndroidQF) FS() fs.FS { return a.fsys }

// Files lists every regular file, sorted, relative to the root.
func (a *AndroidQF) Files() []string { return a.files }

// Glob returns the files matching a path.Match pattern relative to the root
// ("settings_*.txt", "logs/*").
func (a *AndroidQF) Glob(pattern string) []string {
	var out []string
	for _, f := range a.files {
		if ok, _ := path.Match(pattern, f); ok {
			out = append(out, f)
		}
	}
	return out
}

// Has reports whether the root holds the regular file name.
func (a *AndroidQF) Has(name string) bool {
	i := sort.SearchStrings(a.files, name)
	return i < len(a.files) && a.files[i] == name
}

// ReadSmall reads a whole metadata file of at most maxSmallFile bytes. A
// missing file wraps ErrNotFound.
func (a *AndroidQF) ReadSmall(name string) ([]byte, error) {
	if !a.Has(name) {
		return nil, NotFound("%s not found in the acquisition", name)
	}
	f, err := a.fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSmallFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > maxSmallFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxSmallFile)
	}
	return b, nil
}

// OpenDumpsys implements dumpsys.Provider for the acquisition's dumpsys.txt.
func (a *AndroidQF) OpenDumpsys() (io.ReadCloser, string, error) {
	if !a.Has("dumpsys.txt") {
		return nil, "dumpsys.txt", NotFound("dumpsys.txt not found in the acquisition")
	}
	f, err := a.fsys.Open("dumpsys.txt")
	if err != nil {
		return nil, "dumpsys.txt", fmt.Errorf("dumpsys.txt: %w", err)
	}
	return f, "dumpsys.txt", nil
}

var timezoneRE = regexp.MustCompile(`^\[persist\.sys\.timezone\]: \[([^\]]*)\]`)

// DeviceTimezone is the device's IANA zone from getprop.txt
// (persist.sys.timezone), or "" when unknown. AndroidQF records and the
// nested intrusion logs are rendered in this zone.
func (a *AndroidQF) DeviceTimezone() string {
	b, err := a.ReadSmall("getprop.txt")
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if m := timezoneRE.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			return m[1]
		}
	}
	return ""
}

// BugreportName returns the nested bugreport zip (bugreport.zip, or any
// top-level *bugreport.zip), or "" when there is none.
func (a *AndroidQF) BugreportName() string { return a.firstTop("bugreport.zip") }

// BackupName returns the nested adb backup (backup.ab, or any top-level
// *backup.ab), or "" when there is none.
func (a *AndroidQF) BackupName() string { return a.firstTop("backup.ab") }

func (a *AndroidQF) firstTop(suffix string) string {
	if a.Has(suffix) {
		return suffix
	}
	for _, f := range a.files {
		if !strings.Contains(f, "/") && strings.HasSuffix(strings.ToLower(f), suffix) {
			return f
		}
	}
	return ""
}

// IntrusionLogs returns the intrusion_logs/ folder, or nil when the
// acquisition has none.
func (a *AndroidQF) IntrusionLogs() fs.FS {
	for _, f := range a.files {
		if strings.HasPrefix(f, "intrusion_logs/") {
			sub, err := fs.Sub(a.fsys, "intrusion_logs")
			if err != nil {
				return nil
			}
			return sub
		}
	}
	return nil
}

// ReaderAtCloser is random access to a nested file.
type ReaderAtCloser interface {
	io.ReaderAt
	io.Closer
}

// OpenNested gives random access to a file of the acquisition (a nested
// zip). For a folder that is the file itself; inside a zip an uncompressed
// entry is read in place, and a compressed one is inflated into memory up to
// MaxNestedInMemory bytes, or into a 0600 file in a private temporary folder
// that Close removes.
func (a *AndroidQF) OpenNested(name string) (ReaderAtCloser, int64, error) {
	f, err := a.fsys.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	if ra, ok := f.(ReaderAtCloser); ok {
		return ra, fi.Size(), nil
	}
	defer f.Close()
	if fi.Size() <= MaxNestedInMemory {
		b, err := io.ReadAll(io.LimitReader(f, MaxNestedInMemory+1))
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", name, err)
		}
		if len(b) <= MaxNestedInMemory {
			return nopCloser{bytes.NewReader(b)}, int64(len(b)), nil
		}
	}
	return a.spill(name, f)
}

// NestedZip opens a zip held in the acquisition (the *bugreport.zip) as a
// file system, with the same name checks and bounds as the acquisition.
// Close the returned closer when done.
func (a *AndroidQF) NestedZip(name string) (*ZipFS, io.Closer, error) {
	// A stored nested zip is read in place; a compressed one goes through
	// OpenNested, which keeps it in memory only up to MaxNestedInMemory and
	// spills a larger one to a private temporary file.
	if a.zip != nil && a.zip.isStored(a.prefix+name) {
		z, err := a.zip.OpenZip(a.prefix + name)
		if err != nil {
			return nil, nil, err
		}
		return z, z, nil
	}
	ra, size, err := a.OpenNested(name)
	if err != nil {
		return nil, nil, err
	}
	z, err := NewZipFS(ra, size, path.Join(a.path, name), ZipOptions{RatioBase: a.zipSize})
	if err != nil {
		ra.Close()
		return nil, nil, err
	}
	return z, ra, nil
}

// spill copies a large nested file to a private temporary folder.
func (a *AndroidQF) spill(name string, r io.Reader) (ReaderAtCloser, int64, error) {
	if a.tmpDir == "" {
		d, err := os.MkdirTemp("", "spyglass-androidqf-")
		if err != nil {
			return nil, 0, err
		}
		if err := os.Chmod(d, 0o700); err != nil {
			os.RemoveAll(d)
			return nil, 0, err
		}
		a.tmpDir = d
	}
	tmp, err := os.CreateTemp(a.tmpDir, "nested-*")
	if err != nil {
		return nil, 0, err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, 0, err
	}
	n, err := io.Copy(tmp, r)
	if err != nil {
		tmp.Close()
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	return tmp, n, nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Acquisition is what acquisition.json says about the acquisition.
type Acquisition struct {
	UUID      string `json:"uuid"`
	Version   string `json:"androidqf_version"`
	Started   string `json:"started"`
	Completed string `json:"completed"`
	// ADBHostPublicKey is the public key of the computer that made the
	// acquisition (AndroidQF PR #120), "<base64> user@host".
	ADBHostPublicKey string `json:"adb_host_public_key"`
}

// AcquisitionInfo reads acquisition.json and, when that names no host key,
// adb_host_key.pub. Either may be missing; a missing acquisition.json wraps
// ErrNotFound.
func (a *AndroidQF) AcquisitionInfo() (*Acquisition, error) {
	var info Acquisition
	b, err := a.ReadSmall("acquisition.json")
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	missing := err != nil
	if !missing {
		if err := json.Unmarshal(b, &info); err != nil {
			return nil, fmt.Errorf("acquisition.json: %w", err)
		}
	}
	if info.ADBHostPublicKey == "" {
		if k, err := a.ReadSmall("adb_host_key.pub"); err == nil {
			info.ADBHostPublicKey = strings.TrimSpace(string(k))
		}
	}
	if missing && info.ADBHostPublicKey == "" {
		return nil, NotFound("acquisition.json not found in the acquisition")
	}
	return &info, nil
}
