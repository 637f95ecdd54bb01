package ios

import (
	"io"
	"io/fs"
	"strings"
	"testing"
	"time"
)

// statedFile states a size and counts what is read from it.
type statedFile struct {
	size int64
	r    io.Reader
	read int64
}

func (f *statedFile) Stat() (fs.FileInfo, error) { return statedInfo(f.size), nil }
func (f *statedFile) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	f.read += int64(n)
	return n, err
}
func (f *statedFile) Close() error { return nil }

type statedInfo int64

func (s statedInfo) Name() string       { return "x.plist" }
func (s statedInfo) Size() int64        { return int64(s) }
func (s statedInfo) Mode() fs.FileMode  { return 0o444 }
func (s statedInfo) ModTime() time.Time { return time.Time{} }
func (s statedInfo) IsDir() bool        { return false }
func (s statedInfo) Sys() any           { return nil }

// Regression (issue 7): a plist over maxPlistSize was read up to the limit
// before being refused; it is now refused from its size, reading nothing.
// A file longer or shorter than it states is still read correctly.
func TestReadBounded(t *testing.T) {
	big := &statedFile{size: 100 << 20, r: zeroReader{}}
	if _, err := readBounded(big, maxPlistSize); err == nil || !strings.Contains(err.Error(), "larger than") || big.read != 0 {
		t.Errorf("oversized file: err %v after reading %d bytes", err, big.read)
	}
	liar := &statedFile{size: 10, r: io.LimitReader(zeroReader{}, maxPlistSize+100)}
	if _, err := readBounded(liar, maxPlistSize); err == nil || liar.read > maxPlistSize+1 {
		t.Errorf("file longer than stated: err %v after reading %d bytes", err, liar.read)
	}
	for _, c := range []struct{ stated, real int64 }{{10, 10}, {10, 4}, {10, 30}, {0, 5}} {
		f := &statedFile{size: c.stated, r: io.LimitReader(zeroReader{}, c.real)}
		if b, err := readBounded(f, maxPlistSize); err != nil || int64(len(b)) != c.real {
			t.Errorf("stated %d, real %d: got %d bytes, %v", c.stated, c.real, len(b), err)
		}
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }
