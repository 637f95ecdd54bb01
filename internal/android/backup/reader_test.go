package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

func TestNewReaderFixtures(t *testing.T) {
	tests := []struct {
		file       string
		password   string
		version    int
		compressed bool
		encrypted  bool
		// MVT's test_backup_parser.py gives the first and last characters of
		// the SHA-256 of the tar it extracts.
		tarPrefix, tarSuffix string
	}{
		{"backup.ab", "", 1, true, false, "ce1ac500", "5d18"},
		{"backup2.ab", "123456", 5, false, true, "f365ace1", "3896"},
		{"backup3.ab", "", 5, true, false, "33e73df2", "3e3a"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, h, err := NewReader(bufio.NewReader(f), []byte(tt.password))
			if err != nil {
				t.Fatal(err)
			}
			if h.Version != tt.version || h.Compressed != tt.compressed || h.Encrypted() != tt.encrypted {
				t.Errorf("header = %+v", h)
			}
			// Hash the whole plaintext tar stream, as MVT does.
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			sum := sha256.New()
			plain, err := plaintext(f, []byte(tt.password))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(sum, plain); err != nil {
				t.Fatal(err)
			}
			got := hex.EncodeToString(sum.Sum(nil))
			if !strings.HasPrefix(got, tt.tarPrefix) || !strings.HasSuffix(got, tt.tarSuffix) {
				t.Errorf("tar sha256 = %s, want %s…%s", got, tt.tarPrefix, tt.tarSuffix)
			}
		})
	}
}

// plaintext returns the decrypted, decompressed tar bytes of an .ab stream,
// through the same code NewReader uses.
func plaintext(r io.Reader, password []byte) (io.Reader, error) {
	br := bufio.NewReader(r)
	h, err := ReadHeader(br)
	if err != nil {
		return nil, err
	}
	var p io.Reader = br
	if h.Encrypted() {
		key, iv, err := masterKey(h, password)
		if err != nil {
			return nil, err
		}
		if p, err = newCBCReader(br, key, iv); err != nil {
			return nil, err
		}
	}
	if h.Compressed {
		return zlibReader(p)
	}
	return p, nil
}

func TestWrongPassword(t *testing.T) {
	data, err := os.ReadFile("testdata/backup2.ab")
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"", "12345", "1234567", "654321"} {
		_, _, err := NewReader(bytes.NewReader(data), []byte(pw))
		if !errors.Is(err, ErrWrongPassword) {
			t.Errorf("password %q: err = %v, want ErrWrongPassword", pw, err)
		}
	}
}

func TestBadHeaders(t *testing.T) {
	enc, err := os.ReadFile("testdata/backup2.ab")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitN(enc, []byte("\n"), 10)
	upTo := func(n int) []byte { return append(bytes.Join(lines[:n], []byte("\n")), '\n') }
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotBackup},
		{"not a backup", []byte("PK\x03\x04 some zip"), ErrNotBackup},
		{"magic only", []byte("ANDROID BACKUP\n"), ErrBadHeader},
		{"no trailing newline", []byte("ANDROID BACKUP\n5\n1\nnone"), ErrBadHeader},
		{"bad version", []byte("ANDROID BACKUP\nfive\n1\nnone\n"), ErrBadHeader},
		{"bad compression", []byte("ANDROID BACKUP\n5\n2\nnone\n"), ErrBadHeader},
		{"unknown encryption", []byte("ANDROID BACKUP\n5\n1\nROT13\n"), ErrBadHeader},
		{"encrypted, salts missing", upTo(4), ErrBadHeader},
		{"encrypted, rounds missing", upTo(6), ErrBadHeader},
		{"encrypted, blob missing", upTo(8), ErrBadHeader},
		{"huge rounds", []byte("ANDROID BACKUP\n5\n0\nAES-256\nAA\nBB\n999999999\n" + strings.Repeat("00", 16) + "\n" + strings.Repeat("00", 16) + "\n"), ErrBadHeader},
		{"short IV", []byte("ANDROID BACKUP\n5\n0\nAES-256\nAA\nBB\n10000\n0000\n" + strings.Repeat("00", 16) + "\n"), ErrBadHeader},
		{"endless line", []byte("ANDROID BACKUP\n" + strings.Repeat("1", 10000)), ErrBadHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := NewReader(bytes.NewReader(tt.data), []byte("123456"))
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestTruncatedEncryptedPayload(t *testing.T) {
	data, err := os.ReadFile("testdata/backup2.ab")
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{1, 7, 16, 500} {
		tr, _, err := NewReader(bytes.NewReader(data[:len(data)-cut]), []byte("123456"))
		if err != nil {
			t.Fatalf("cut %d: header: %v", cut, err)
		}
		err = walkTar(tr, func(string) bool { return true }, func(_ Entry, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
		if err == nil {
			t.Errorf("cut %d: no error for a truncated encrypted backup", cut)
		}
	}
}

// TestEncryptRoundTrip builds encrypted backups the way Android does, with a
// master key full of bytes ≥ 0x80, so both checksum forms (format 1: raw
// bytes; later: Java chars as UTF-8) are exercised.
func TestEncryptRoundTrip(t *testing.T) {
	for _, version := range []int{1, 2, 5} {
		for _, compressed := range []bool{false, true} {
			t.Run(fmt.Sprintf("v%d-compressed=%v", version, compressed), func(t *testing.T) {
				data := buildEncrypted(t, version, compressed, "pässwörd", map[string]string{
					"apps/x/_manifest": "manifest",
					"apps/x/f/a.txt":   strings.Repeat("hello ", 1000),
				})
				tr, _, err := NewReader(bytes.NewReader(data), []byte("pässwörd"))
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				err = walkTar(tr, func(string) bool { return true }, func(e Entry, r io.Reader) error {
					b, err := io.ReadAll(r)
					got[e.Name] = string(b)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if got["apps/x/f/a.txt"] != strings.Repeat("hello ", 1000) || got["apps/x/_manifest"] != "manifest" {
					t.Errorf("round trip lost data: %d entries", len(got))
				}
				if _, _, err := NewReader(bytes.NewReader(data), []byte("password")); !errors.Is(err, ErrWrongPassword) {
					t.Errorf("wrong password: %v", err)
				}
			})
		}
	}
}

func buildEncrypted(t *testing.T, version int, compressed bool, password string, files map[string]string) []byte {
	t.Helper()
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	for _, name := range []string{"apps/x/_manifest", "apps/x/f/a.txt"} {
		body := files[name]
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	payload := tarBuf.Bytes()
	if compressed {
		payload = zlibBytes(t, payload)
	}
	userSalt := bytes.Repeat([]byte{0x11}, 64)
	ckSalt := bytes.Repeat([]byte{0x22}, 64)
	userIV := bytes.Repeat([]byte{0x33}, 16)
	mkIV := bytes.Repeat([]byte{0x44}, 16)
	mk := make([]byte, 32)
	for i := range mk {
		mk[i] = byte(0x70 + i*5) // crosses 0x80
	}
	rounds := 1000
	material := mk
	if version > 1 {
		material = javaCharsUTF8(mk)
	}
	ck, _ := pbkdf2.Key(sha1.New, string(material), ckSalt, rounds, 32)
	blob := []byte{16}
	blob = append(blob, mkIV...)
	blob = append(blob, 32)
	blob = append(blob, mk...)
	blob = append(blob, byte(len(ck)))
	blob = append(blob, ck...)
	uk, _ := pbkdf2.Key(sha1.New, password, userSalt, rounds, 32)
	encBlob := cbcEncrypt(uk, userIV, blob)
	var out bytes.Buffer
	fmt.Fprintf(&out, "ANDROID BACKUP\n%d\n%d\nAES-256\n%X\n%X\n%d\n%X\n%X\n", version, b2i(compressed),
		userSalt, ckSalt, rounds, userIV, encBlob)
	out.Write(cbcEncrypt(mk, mkIV, payload))
	return out.Bytes()
}

func cbcEncrypt(key, iv, plain []byte) []byte {
	n := aes.BlockSize - len(plain)%aes.BlockSize
	plain = append(append([]byte{}, plain...), bytes.Repeat([]byte{byte(n)}, n)...)
	block, _ := aes.NewCipher(key)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, plain)
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestJavaCharsUTF8(t *testing.T) {
	got := javaCharsUTF8([]byte{0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xff})
	want := []byte{0x41, 0x7f, 0xef, 0xbe, 0x80, 0xef, 0xbe, 0xbf, 0xef, 0xbf, 0x80, 0xef, 0xbf, 0xbf}
	if !bytes.Equal(got, want) {
		t.Errorf("javaCharsUTF8 = % x, want % x", got, want)
	}
}
