package ioscrypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"testing"
	"testing/iotest"
)

func encryptForTest(key, plain []byte, pad bool) []byte {
	out := bytes.Clone(plain)
	if pad {
		p := aes.BlockSize - len(out)%aes.BlockSize
		out = append(out, bytes.Repeat([]byte{byte(p)}, p)...)
	}
	b, _ := aes.NewCipher(key)
	cipher.NewCBCEncrypter(b, make([]byte, 16)).CryptBlocks(out, out)
	return out
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>9)
	}
	return b
}

// Every plaintext length round-trips through both decryptors, whatever the
// padding length, including sizes that cross the parallel threshold and
// the streaming chunk size.
func TestDecryptLengthsFromPadding(t *testing.T) {
	key := bytes.Repeat([]byte{0x42}, 32)
	sizes := []int{0, 1, 15, 16, 17, 31, 32, 4095, 4096, 64<<10 - 16, 64 << 10, 64<<10 + 16, 192<<10 - 1, parallelMin - 1, parallelMin, parallelMin + 5,
		streamChunk - 16, streamChunk, streamChunk + 1, 2*streamChunk + 33}
	for _, n := range sizes {
		plain := pattern(n)
		enc := encryptForTest(key, plain, true)
		if n == 0 {
			enc = nil // an empty file is stored empty
		}
		got, err := DecryptFile(key, bytes.Clone(enc))
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("DecryptFile size %d: %d bytes, err %v", n, len(got), err)
		}
		var buf bytes.Buffer
		m, err := DecryptStream(&buf, iotest.HalfReader(bytes.NewReader(enc)), key)
		if err != nil || m != int64(n) || !bytes.Equal(buf.Bytes(), plain) {
			t.Errorf("DecryptStream size %d: %d bytes (%d), err %v", n, buf.Len(), m, err)
		}
	}
}

func TestDecryptBadPadding(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	good := encryptForTest(key, []byte("Test data"), true)
	tests := []struct {
		name string
		enc  []byte
	}{
		{"not block aligned", good[:len(good)-1]},
		{"no padding at all", encryptForTest(key, bytes.Repeat([]byte{'A'}, 32), false)},
		{"pad byte zero", encryptForTest(key, append(bytes.Repeat([]byte{'A'}, 31), 0), false)},
		{"pad byte 17", encryptForTest(key, append(bytes.Repeat([]byte{'A'}, 31), 17), false)},
		{"inconsistent padding", encryptForTest(key, append(bytes.Repeat([]byte{'A'}, 29), 2, 3, 3), false)},
		{"last block altered", func() []byte { b := bytes.Clone(good); b[len(b)-1] ^= 0x55; return b }()},
	}
	for _, tc := range tests {
		if _, err := DecryptFile(key, bytes.Clone(tc.enc)); !errors.Is(err, ErrBadPadding) {
			t.Errorf("%s: DecryptFile err = %v", tc.name, err)
		}
		if _, err := DecryptStream(&bytes.Buffer{}, bytes.NewReader(tc.enc), key); !errors.Is(err, ErrBadPadding) {
			t.Errorf("%s: DecryptStream err = %v", tc.name, err)
		}
	}
}

// A database's own last byte can look like padding; the SQLite page size
// decides.
func TestDecryptManifestDBPadding(t *testing.T) {
	key := bytes.Repeat([]byte{9}, 32)
	db := pattern(8192)
	db[len(db)-1] = 0x01 // looks like one byte of padding
	got, err := DecryptManifestDB(key, encryptForTest(key, db, false))
	if err != nil || !bytes.Equal(got, db) {
		t.Errorf("unpadded: %d bytes, %v", len(got), err)
	}
	got, err = DecryptManifestDB(key, encryptForTest(key, db, true))
	if err != nil || !bytes.Equal(got, db) {
		t.Errorf("padded: %d bytes, %v", len(got), err)
	}
	if _, err := DecryptManifestDB(key, encryptForTest(key, pattern(96), false)); !errors.Is(err, ErrBadPadding) {
		t.Errorf("garbage: %v", err)
	}
}
