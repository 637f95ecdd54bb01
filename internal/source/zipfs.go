package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// ZipOptions bound what a zip may make spyglass read. Zero values take the
// defaults.
type ZipOptions struct {
	// MaxEntrySize caps the decompressed size of any one entry
	// (default DefaultMaxEntrySize); reading past it is an error, whatever
	// size the entry declares.
	MaxEntrySize int64
	// MaxDepth caps how many zips deep OpenZip may go from the outermost
	// archive (default DefaultMaxZipDepth).
	MaxDepth int
	// MaxNestedInMemory caps a compressed nested zip, which has to be
	// decompressed into memory to be read at random (default
	// DefaultMaxNestedInMemory). A stored (uncompressed) nested zip is read
	// in place and has no such limit.
	MaxNestedInMemory int64
	// MaxRatio caps how many times larger than its compressed bytes an
	// entry of more than RatioFloor bytes may decompress (default
	// DefaultMaxRatio); a larger ratio is refused as a decompression bomb.
	MaxRatio int64
	// MaxEntries caps how many entries the archive may list (default
	// DefaultMaxEntries).
	MaxEntries int
	// MaxUnpacked caps the sum of the entries' sizes, whatever the ratio
	// (default: SetMaxUnpacked's value, else DefaultMaxUnpacked).
	MaxUnpacked int64
	// RatioBase is the size the whole-archive ratio is measured against
	// (default: the archive's own size). A zip nested in another is
	// measured against the outermost archive, so ratios do not multiply.
	RatioBase int64
}

// Zip limits. Real acquisitions hold entries of a few GB at most (APKs,
// logcat, bugreports).
const (
	DefaultMaxEntrySize      = 16 << 30
	DefaultMaxZipDepth       = 3
	DefaultMaxNestedInMemory = 1 << 30
	// DefaultMaxRatio: text and databases deflate 5:1 to 20:1; DEFLATE's
	// ceiling is about 1032:1, reached only by long runs of one byte. A
	// 10 GB file of zeros in a 10 MB zip costs every module that reads it
	// tens of seconds while holding nothing: refused, it costs nothing.
	DefaultMaxRatio = 200
	// RatioFloor: entries up to this size are never refused for their
	// ratio (a small file of zeros is harmless and may be real).
	RatioFloor = 64 << 20
)

// ErrLikelyBomb is returned when opening an entry whose declared size is
// out of all proportion to its compressed size. A header that understates
// the size to pass this check is caught while reading: archive/zip fails
// an entry that decompresses to more than it declares.
var ErrLikelyBomb = errors.New("refusing a likely decompression bomb")

func (o ZipOptions) withDefaults() ZipOptions {
	if o.MaxEntrySize <= 0 {
		o.MaxEntrySize = DefaultMaxEntrySize
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxZipDepth
	}
	if o.MaxNestedInMemory <= 0 {
		o.MaxNestedInMemory = DefaultMaxNestedInMemory
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.MaxUnpacked <= 0 {
		o.MaxUnpacked = defaultMaxUnpacked()
	}
	return o
}

// ErrEntryTooLarge is returned when a zip entry decompresses to more than
// the allowed size (a decompression bomb or a lying header).
var ErrEntryTooLarge = errors.New("zip entry larger than allowed")

// ZipFS is a read-only fs.FS view of a zip archive. Every entry name is
// checked when the archive is opened: a name that could escape the archive
// (.., absolute, drive letter, backslash separators, NUL) or that appears
// twice makes the whole archive an error, before any content is read.
type ZipFS struct {
	name   string // for messages
	ra     io.ReaderAt
	zr     *zip.Reader
	opts   ZipOptions
	depth  int
	files  map[string]*zip.File
	dirs   map[string][]string // directory → sorted child base names
	closer io.Closer
}

// OpenZip opens the zip file at p read-only.
func OpenZip(p string, opts ZipOptions) (*ZipFS, error) {
	f, err := safefile.Open(p)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	z, err := NewZipFS(f, st.Size(), p, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	z.closer = f
	return z, nil
}

// NewZipFS reads the zip in ra; name is used in messages.
func NewZipFS(ra io.ReaderAt, size int64, name string, opts ZipOptions) (*ZipFS, error) {
	return newZipFS(ra, size, name, opts.withDefaults(), 0)
}

func newZipFS(ra io.ReaderAt, size int64, name string, opts ZipOptions, depth int) (z *ZipFS, err error) {
	defer func() {
		// archive/zip has panicked on crafted input in the past; evidence
		// must never crash the run.
		if r := recover(); r != nil {
			z, err = nil, fmt.Errorf("%s is not a readable zip archive (%v)", name, r)
		}
	}()
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%s is not a readable zip archive: %w", name, err)
	}
	if len(zr.File) > opts.MaxEntries {
		return nil, fmt.Errorf("%s lists %d entries, more than the %d spyglass reads from one archive; refusing to read it", name, len(zr.File), opts.MaxEntries)
	}
	if opts.RatioBase <= 0 {
		opts.RatioBase = size
	}
	z = &ZipFS{name: name, ra: ra, zr: zr, opts: opts, depth: depth,
		files: map[string]*zip.File{}, dirs: map[string][]string{}}
	// tree maps each folder to the set of its children's base names; a
	// set, not a slice, so that an archive with many entries in one folder
	// is indexed in linear time.
	tree := map[string]map[string]struct{}{".": {}}
	seen := map[string]bool{}
	for _, f := range zr.File {
		clean, isDir, err := checkEntryName(f.Name)
		if err != nil {
			return nil, fmt.Errorf("%s has an unsafe entry name %q (%v); refusing to read it", name, f.Name, err)
		}
		if clean == "." {
			continue
		}
		if seen[clean] {
			return nil, fmt.Errorf("%s holds the entry %q twice; refusing to read an ambiguous archive", name, clean)
		}
		seen[clean] = true
		if isDir || f.FileInfo().IsDir() {
			if _, ok := tree[clean]; !ok {
				tree[clean] = map[string]struct{}{}
				linkPath(tree, clean)
			}
			continue
		}
		z.files[clean] = f
		linkPath(tree, clean)
	}
	for d, kids := range tree {
		if _, clash := z.files[d]; clash {
			return nil, fmt.Errorf("%s holds %q both as a file and a folder; refusing to read it", name, d)
		}
		z.dirs[d] = slices.Sorted(maps.Keys(kids))
	}
	if err := z.checkLayout(size); err != nil {
		return nil, err
	}
	return z, nil
}

// linkPath adds p to its parent folder in tree, creating the missing
// folders up to the root. Every folder already in tree is linked to the
// root, so the walk up stops at the first one found. (Archives often hold
// no entries for folders: "FS/data/tombstones/tombstone_00" alone must
// still make FS, FS/data and FS/data/tombstones listable.)
func linkPath(tree map[string]map[string]struct{}, p string) {
	for p != "." {
		parent := path.Dir(p)
		kids, linked := tree[parent]
		if !linked {
			kids = map[string]struct{}{}
			tree[parent] = kids
		}
		kids[path.Base(p)] = struct{}{}
		if linked {
			return
		}
		p = parent
	}
}

// checkEntryName validates a zip entry name and returns it cleaned.
func checkEntryName(n string) (string, bool, error) {
	switch {
	case n == "":
		return "", false, errors.New("empty name")
	case strings.ContainsRune(n, 0):
		return "", false, errors.New("NUL byte")
	case strings.Contains(n, `\`):
		return "", false, errors.New("backslash")
	case strings.HasPrefix(n, "/"):
		return "", false, errors.New("absolute path")
	case len(n) >= 2 && n[1] == ':':
		return "", false, errors.New("drive letter")
	}
	isDir := strings.HasSuffix(n, "/")
	trimmed := strings.TrimSuffix(n, "/")
	for _, part := range strings.Split(trimmed, "/") {
		if part == ".." {
			return "", false, errors.New("parent reference")
		}
	}
	clean := path.Clean(trimmed)
	if !fs.ValidPath(clean) {
		return "", false, errors.New("invalid path")
	}
	return clean, isDir, nil
}

// Name is the archive's name as given when it was opened.
func (z *ZipFS) Name() string { return z.name }

// Close releases the underlying file when OpenZip opened it.
func (z *ZipFS) Close() error {
	if z.closer != nil {
		return z.closer.Close()
	}
	return nil
}

// Open implements fs.FS.
func (z *ZipFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f, ok := z.files[name]; ok {
		if err := z.checkRatio(f); err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		rc, err := f.Open()
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("in %s: %w", z.name, err)}
		}
		limit := z.opts.MaxEntrySize
		return &zipFile{f: f, rc: rc, limit: limit, name: name, archive: z.name}, nil
	}
	if kids, ok := z.dirs[name]; ok {
		return &zipDir{z: z, name: name, kids: kids}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// checkRatio refuses an entry that decompresses to far more than it holds.
func (z *ZipFS) checkRatio(f *zip.File) error {
	if f.Method == zip.Store || f.UncompressedSize64 <= RatioFloor {
		return nil
	}
	if f.CompressedSize64 == 0 || f.UncompressedSize64/f.CompressedSize64 > uint64(z.opts.MaxRatio) {
		return fmt.Errorf("in %s: %w: %d bytes compressed declare %d bytes (more than %d times larger)",
			z.name, ErrLikelyBomb, f.CompressedSize64, f.UncompressedSize64, z.opts.MaxRatio)
	}
	return nil
}

// ReadDir implements fs.ReadDirFS.
func (z *ZipFS) ReadDir(name string) ([]fs.DirEntry, error) {
	kids, ok := z.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	out := make([]fs.DirEntry, 0, len(kids))
	for _, k := range kids {
		out = append(out, fs.FileInfoToDirEntry(z.stat(path.Join(name, k))))
	}
	return out, nil
}

// Stat implements fs.StatFS.
func (z *ZipFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if fi := z.stat(name); fi != nil {
		return fi, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

func (z *ZipFS) stat(name string) fs.FileInfo {
	if f, ok := z.files[name]; ok {
		return entryInfo{name: path.Base(name), size: int64(f.UncompressedSize64), mod: f.Modified, mode: 0o444}
	}
	if _, ok := z.dirs[name]; ok {
		return entryInfo{name: path.Base(name), mode: fs.ModeDir | 0o555}
	}
	return nil
}

// isStored reports whether name is an uncompressed entry.
func (z *ZipFS) isStored(name string) bool {
	f, ok := z.files[name]
	return ok && f.Method == zip.Store
}

// OpenZip opens a zip stored inside this one (a bugreport.zip inside an
// AndroidQF zip). Nesting is capped by ZipOptions.MaxDepth.
func (z *ZipFS) OpenZip(name string) (*ZipFS, error) {
	f, ok := z.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	label := z.name + "!" + name
	if z.depth+1 >= z.opts.MaxDepth {
		return nil, fmt.Errorf("%s is nested %d zips deep, more than the %d allowed", label, z.depth+1, z.opts.MaxDepth-1)
	}
	if f.Method == zip.Store {
		// Stored: read in place through the parent's reader.
		off, err := f.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("%s is not a readable zip archive: %w", label, err)
		}
		size := int64(f.CompressedSize64)
		return newZipFS(io.NewSectionReader(z.ra, off, size), size, label, z.opts, z.depth+1)
	}
	if f.UncompressedSize64 > uint64(z.opts.MaxNestedInMemory) {
		return nil, fmt.Errorf("%s is %d bytes compressed inside a zip, more than the %d spyglass decompresses in memory", label, f.UncompressedSize64, z.opts.MaxNestedInMemory)
	}
	rc, err := z.Open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, z.opts.MaxNestedInMemory+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	if int64(len(b)) > z.opts.MaxNestedInMemory {
		return nil, fmt.Errorf("%s: %w", label, ErrEntryTooLarge)
	}
	return newZipFS(bytes.NewReader(b), int64(len(b)), label, z.opts, z.depth+1)
}

type entryInfo struct {
	name string
	size int64
	mod  time.Time
	mode fs.FileMode
}

func (e entryInfo) Name() string       { return e.name }
func (e entryInfo) Size() int64        { return e.size }
func (e entryInfo) Mode() fs.FileMode  { return e.mode }
func (e entryInfo) ModTime() time.Time { return e.mod }
func (e entryInfo) IsDir() bool        { return e.mode.IsDir() }
func (e entryInfo) Sys() any           { return nil }

// zipFile reads one entry, failing once more than limit bytes come out.
type zipFile struct {
	f       *zip.File
	rc      io.ReadCloser
	n       int64
	limit   int64
	name    string
	archive string
}

func (f *zipFile) Stat() (fs.FileInfo, error) {
	return entryInfo{name: path.Base(f.name), size: int64(f.f.UncompressedSize64), mod: f.f.Modified, mode: 0o444}, nil
}

func (f *zipFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if f.n >= f.limit {
		// Probe for one more byte: only an entry that really goes on is an
		// error.
		var one [1]byte
		if n, _ := f.rc.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("%s in %s: %w (%d bytes)", f.name, f.archive, ErrEntryTooLarge, f.limit)
		}
	}
	rest := f.limit - f.n
	if rest <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := f.rc.Read(p)
	f.n += int64(n)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s in %s: %w", f.name, f.archive, err)
	}
	return n, err
}

func (f *zipFile) Close() error { return f.rc.Close() }

type zipDir struct {
	z    *ZipFS
	name string
	kids []string
	pos  int
}

func (d *zipDir) Stat() (fs.FileInfo, error) { return d.z.stat(d.name), nil }
func (d *zipDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *zipDir) Close() error { return nil }

func (d *zipDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.kids[d.pos:]
	if n > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	if n > 0 && len(rest) > n {
		rest = rest[:n]
	}
	d.pos += len(rest)
	out := make([]fs.DirEntry, 0, len(rest))
	for _, k := range rest {
		out = append(out, fs.FileInfoToDirEntry(d.z.stat(path.Join(d.name, k))))
	}
	return out, nil
}
