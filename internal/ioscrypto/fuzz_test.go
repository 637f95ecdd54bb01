package ioscrypto_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/ioscrypto/testbackup"
)

const sharedEncrypted = "../../../shared/fixtures/ios-encrypted/pyiosbackup-synthetic"

// keybagSeeds are keybags from our writer (modern and legacy) and, when
// present, the one another implementation wrote.
func keybagSeeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, o := range []testbackup.Options{{Password: "a", Iter: 1, DPIC: 1}, {Password: "b", Iter: 2}} {
		kb, _, err := testbackup.Keybag(o)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, kb)
	}
	if data, err := os.ReadFile(filepath.Join(sharedEncrypted, "Manifest.plist")); err == nil {
		if m, err := ioscrypto.ParseManifest(data); err == nil {
			out = append(out, m.BackupKeyBag)
		}
	}
	return out
}

func FuzzParseKeybag(f *testing.F) {
	for _, s := range keybagSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kb, err := ioscrypto.ParseKeybag(data)
		if err != nil {
			if !errors.Is(err, ioscrypto.ErrKeybag) {
				t.Fatalf("error not wrapping ErrKeybag: %v", err)
			}
			return
		}
		if kb.Iter == 0 || len(kb.Salt) == 0 || kb.DPIC > 100_000_000 {
			t.Fatalf("accepted keybag without sane SALT/ITER/DPIC: %+v", kb)
		}
		// Unlocking with some key must fail cleanly or succeed, never panic.
		kb.Unlock(ioscrypto.Key{})
	})
}

func FuzzParseManifest(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(sharedEncrypted, "Manifest.plist")); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`<?xml version="1.0"?><plist version="1.0"><dict><key>IsEncrypted</key><true/><key>BackupKeyBag</key><data>AAAA</data></dict></plist>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ioscrypto.ParseManifest(data)
		if err == nil {
			m.Keybag()
		}
	})
}

// The two decryptors agree on every input: same plaintext or both refuse.
func FuzzDecrypt(f *testing.F) {
	key := bytes.Repeat([]byte{3}, 32)
	for _, p := range []string{"", "Test data", "0123456789abcdef", "SQLite format 3\x00"} {
		f.Add(testbackup.Encrypt(key, []byte(p), true))
	}
	f.Add(testbackup.Encrypt(key, make([]byte, 32), false))
	f.Fuzz(func(t *testing.T, enc []byte) {
		var buf bytes.Buffer
		n, serr := ioscrypto.DecryptStream(&buf, bytes.NewReader(enc), key)
		plain, ferr := ioscrypto.DecryptFile(key, bytes.Clone(enc))
		if (serr == nil) != (ferr == nil) {
			t.Fatalf("stream err %v, file err %v", serr, ferr)
		}
		if ferr != nil {
			if !errors.Is(ferr, ioscrypto.ErrBadPadding) || !errors.Is(serr, ioscrypto.ErrBadPadding) {
				t.Fatalf("unexpected errors %v / %v", ferr, serr)
			}
			return
		}
		if n != int64(len(plain)) || !bytes.Equal(buf.Bytes(), plain) {
			t.Fatalf("stream %d bytes, file %d bytes", n, len(plain))
		}
		// Re-encrypting the plaintext gives the input back.
		if !bytes.Equal(testbackup.Encrypt(key, plain, len(enc) > 0), enc) {
			t.Fatal("round trip differs")
		}
	})
}

func FuzzUnwrapKey(f *testing.F) {
	kek := bytes.Repeat([]byte{9}, 32)
	w, _ := ioscrypto.WrapKey(kek, bytes.Repeat([]byte{1}, 32))
	f.Add(w)
	f.Add(make([]byte, 40))
	f.Fuzz(func(t *testing.T, wrapped []byte) {
		k, err := ioscrypto.UnwrapKey(kek, wrapped)
		if err != nil {
			return
		}
		again, err := ioscrypto.WrapKey(kek, k)
		if err != nil || !bytes.Equal(again, wrapped) {
			t.Fatalf("unwrap/wrap round trip differs: %v", err)
		}
	})
}
