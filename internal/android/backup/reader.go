package backup

import (
	"archive/tar"
	"bufio"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// ErrCorrupt means the archive after the header cannot be decompressed or
// is not a tar archive.
var ErrCorrupt = errors.New("corrupt Android backup")

// NewReader reads the header from r, checks the password when the backup is
// encrypted (returning ErrWrongPassword when it does not fit) and returns a
// tar reader that decrypts and decompresses as it goes. The password is only
// used to derive keys; it is never logged or kept.
func NewReader(r io.Reader, password []byte) (*tar.Reader, *Header, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	h, err := ReadHeader(br)
	if err != nil {
		return nil, nil, err
	}
	var payload io.Reader = br
	if h.Encrypted() {
		key, iv, err := masterKey(h, password)
		if err != nil {
			return nil, h, err
		}
		if payload, err = newCBCReader(br, key, iv); err != nil {
			return nil, h, err
		}
	}
	if h.Compressed {
		zr, err := zlib.NewReader(payload)
		if err != nil {
			return nil, h, fmt.Errorf("%w: cannot decompress the archive: %w", ErrCorrupt, err)
		}
		payload = zr
	}
	return tar.NewReader(payload), h, nil
}

// Entry is one regular file of a backup, readable once while the walk is on it.
type Entry struct {
	// Name is the archive path, "apps/com.android.providers.telephony/d_f/000000_sms_backup".
	Name string
	Size int64
}

// walkTar calls fn for each regular file of tr whose name passes keep.
func walkTar(tr *tar.Reader, keep func(string) bool, fn func(Entry, io.Reader) error) error {
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: reading the tar archive: %w", ErrCorrupt, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		name, ok := cleanName(hdr.Name)
		if !ok || !keep(name) {
			continue
		}
		if err := fn(Entry{Name: name, Size: hdr.Size}, tr); err != nil {
			return err
		}
	}
}
