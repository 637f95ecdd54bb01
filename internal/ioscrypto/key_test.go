package ioscrypto

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// sharedFixtures is the fixtures folder shared by the work tree; its files
// are under other licences, so they are read in place, never copied.
const sharedFixtures = "../../../shared/fixtures/ios-encrypted"

func sharedFixture(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(sharedFixtures, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("fixture %s is absent (it lives outside the repository because of its licence): %v", p, err)
	}
	return p
}

// RFC 6070 (PBKDF2-HMAC-SHA1) and the widely published PBKDF2-HMAC-SHA256
// vectors for "password"/"salt", checked through DeriveKey's two paths.
func TestDeriveKeyKnownPBKDF2(t *testing.T) {
	sha1Vectors := []struct {
		iter int
		want string
	}{
		{1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
		{2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
		{4096, "4b007901b765489abead49d926f721d065a429c1"},
	}
	for _, v := range sha1Vectors {
		// A keybag without DPSL/DPIC is the legacy single SHA-1 round.
		kb := &Keybag{Salt: []byte("salt"), Iter: uint32(v.iter)}
		k, err := DeriveKey("password", kb)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(k[:20]); got != v.want {
			t.Errorf("SHA-1 iter %d: %s, want %s", v.iter, got, v.want)
		}
	}
	sha256Vectors := []struct {
		iter int
		want string
	}{
		{1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"},
		{2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"},
		{4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"},
	}
	for _, v := range sha256Vectors {
		kb := &Keybag{Salt: []byte("salt2"), Iter: 3, DPSL: []byte("salt"), DPIC: uint32(v.iter)}
		k, err := DeriveKey("password", kb)
		if err != nil {
			t.Fatal(err)
		}
		// The chained result must be SHA-1 over the known SHA-256 output.
		inner := unhex(t, v.want)
		want, _ := pbkdf2.Key(sha1.New, string(inner), []byte("salt2"), 3, 32)
		if !bytes.Equal(k[:], want) {
			t.Errorf("SHA-256 iter %d: chained key %x, want %x", v.iter, k[:], want)
		}
	}
}

type kdfVector struct {
	Name          string `json:"name"`
	Password      string `json:"password"`
	FormatVersion int    `json:"format_version"`
	WPKY          string `json:"WPKY"`
	ITER          int    `json:"ITER"`
	SALT          string `json:"SALT"`
	DPIC          int    `json:"DPIC"`
	DPSL          string `json:"DPSL"`
	SHA256Out     string `json:"pbkdf2_sha256_out"`
	KEK           string `json:"kek"`
	ClassKey      string `json:"unwrapped_class_key"`
}

func loadKDFVectors(t *testing.T) []kdfVector {
	data, err := os.ReadFile(sharedFixture(t, "kdf-vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Vectors []kdfVector `json:"vectors"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != 6 {
		t.Fatalf("kdf-vectors.json has %d vectors, this test was written for 6", len(f.Vectors))
	}
	return f.Vectors
}

func (v kdfVector) keybag(t *testing.T) *Keybag {
	kb := &Keybag{Salt: unhex(t, v.SALT), Iter: uint32(v.ITER),
		Classes: []ClassKey{{Class: 1, Wrap: WrapPasscode, WrappedKey: unhex(t, v.WPKY)}}}
	if v.FormatVersion == 10 {
		kb.DPSL, kb.DPIC = unhex(t, v.DPSL), uint32(v.DPIC)
	}
	return kb
}

// Every step of every vector: the SHA-1 round from the published
// intermediate, the unwrap, and (slow: DPIC up to 10 million) the whole
// derivation from the password.
func TestKDFVectors(t *testing.T) {
	for _, v := range loadKDFVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			kb := v.keybag(t)
			if v.FormatVersion == 10 {
				if v.DPIC <= 100_000 || !testing.Short() {
					inner, err := pbkdf2.Key(sha256.New, v.Password, kb.DPSL, v.DPIC, 32)
					if err != nil || hex.EncodeToString(inner) != v.SHA256Out {
						t.Errorf("PBKDF2-SHA256 = %x (%v), want %s", inner, err, v.SHA256Out)
					}
				}
				k, err := outerKey(string(unhex(t, v.SHA256Out)), kb)
				if err != nil || k.Hex() != v.KEK {
					t.Fatalf("SHA-1 round = %s (%v), want %s", k.Hex(), err, v.KEK)
				}
			}
			if v.DPIC > 100_000 && testing.Short() {
				t.Log("-short: skipping the full derivation with DPIC", v.DPIC)
			} else {
				k, err := DeriveKey(v.Password, kb)
				if err != nil || k.Hex() != v.KEK {
					t.Fatalf("DeriveKey = %s (%v), want %s", k.Hex(), err, v.KEK)
				}
			}
			kek, _ := ParseKey(v.KEK)
			ck, err := kb.Unlock(kek)
			if err != nil {
				t.Fatalf("Unlock: %v", err)
			}
			if got := hex.EncodeToString(ck[1]); got != v.ClassKey {
				t.Errorf("class key %s, want %s", got, v.ClassKey)
			}
			// A key one bit off is a wrong password, in one sentence.
			kek[31] ^= 1
			if _, err := kb.Unlock(kek); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("wrong key: %v, want ErrWrongPassword", err)
			}
		})
	}
}

func TestKDFWrongPasswordHashcat(t *testing.T) {
	for _, v := range loadKDFVectors(t) {
		if v.Name != "hashcat-14800-selftest" { // DPIC 1000: fast
			continue
		}
		kb := v.keybag(t)
		k, err := DeriveKey("hashcaT", kb)
		if err != nil {
			t.Fatal(err)
		}
		_, err = kb.Unlock(k)
		if !errors.Is(err, ErrWrongPassword) {
			t.Fatalf("password hashcaT: %v, want ErrWrongPassword", err)
		}
		if err.Error() != "wrong backup password or key: the keybag integrity check failed" {
			t.Errorf("message %q", err)
		}
		return
	}
	t.Fatal("vector hashcat-14800-selftest missing")
}

func TestParseKey(t *testing.T) {
	good := "ca1bdd8196307fe1e2ed421321267d96e2988bf12f736035192cfed20ec823ea"
	tests := []struct {
		in string
		ok bool
	}{
		{good, true},
		{good + "\n", true},
		{"  " + good + "\r\n", true},
		{good[:62], false},
		{good + "00", false},
		{"zz" + good[2:], false},
		{"", false},
	}
	for _, tc := range tests {
		k, err := ParseKey(tc.in)
		if tc.ok != (err == nil) {
			t.Errorf("ParseKey(%q): err = %v", tc.in, err)
			continue
		}
		if tc.ok && k.Hex() != good {
			t.Errorf("ParseKey(%q).Hex() = %s", tc.in, k.Hex())
		}
		if !tc.ok && !errors.Is(err, ErrKeyFormat) {
			t.Errorf("ParseKey(%q): %v, want ErrKeyFormat", tc.in, err)
		}
	}
	k, _ := ParseKey(good)
	for _, s := range []string{k.String(), k.GoString()} {
		if bytes.Contains([]byte(s), []byte("ca1b")) {
			t.Errorf("String/GoString leaks the key: %s", s)
		}
	}
}
