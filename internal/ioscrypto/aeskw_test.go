package ioscrypto

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// RFC 3394 §4 test vectors.
var rfc3394 = []struct{ name, kek, key, wrapped string }{
	{"4.1 128-bit KEK, 128-bit key", "000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
		"1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5"},
	{"4.2 192-bit KEK, 128-bit key", "000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF",
		"96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D"},
	{"4.3 256-bit KEK, 128-bit key", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF",
		"64E8C3F9CE0F5BA2 63E9777905818A2A 93C8191E7D6E8AE7"},
	{"4.4 192-bit KEK, 192-bit key", "000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF0001020304050607",
		"031D33264E15D332 68F24EC260743EDC E1C6C7DDEE725A93 6BA814915C6762D2"},
	{"4.5 256-bit KEK, 192-bit key", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF0001020304050607",
		"A8F9BC1612C68B3F F6E6F4FBE30E71E4 769C8B80A32CB895 8CD5D17D6B254DA1"},
	{"4.6 256-bit KEK, 256-bit key", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
		"28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21"},
}

func TestUnwrapKeyRFC3394(t *testing.T) {
	for _, tc := range rfc3394 {
		t.Run(tc.name, func(t *testing.T) {
			kek, key, wrapped := unhex(t, tc.kek), unhex(t, tc.key), unhex(t, tc.wrapped)
			got, err := UnwrapKey(kek, wrapped)
			if err != nil {
				t.Fatalf("UnwrapKey: %v", err)
			}
			if !bytes.Equal(got, key) {
				t.Errorf("UnwrapKey = %x, want %x", got, key)
			}
			w, err := WrapKey(kek, key)
			if err != nil {
				t.Fatalf("WrapKey: %v", err)
			}
			if !bytes.Equal(w, wrapped) {
				t.Errorf("WrapKey = %x, want %x", w, wrapped)
			}
			// Any flipped bit, in any block, must fail the integrity check.
			for i := range wrapped {
				bad := bytes.Clone(wrapped)
				bad[i] ^= 0x01
				if _, err := UnwrapKey(kek, bad); !errors.Is(err, ErrUnwrap) {
					t.Fatalf("flipping byte %d: err = %v, want ErrUnwrap", i, err)
				}
			}
			badKEK := bytes.Clone(kek)
			badKEK[0] ^= 0x80
			if _, err := UnwrapKey(badKEK, wrapped); !errors.Is(err, ErrUnwrap) {
				t.Errorf("wrong KEK: err = %v, want ErrUnwrap", err)
			}
		})
	}
}

func TestUnwrapKeyRejectsBadSizes(t *testing.T) {
	kek := make([]byte, 32)
	for _, n := range []int{0, 8, 16, 23, 25, 41} {
		if _, err := UnwrapKey(kek, make([]byte, n)); err == nil || errors.Is(err, ErrUnwrap) {
			t.Errorf("%d-byte input: err = %v, want a size error", n, err)
		}
	}
	if _, err := UnwrapKey(make([]byte, 7), make([]byte, 24)); err == nil {
		t.Error("7-byte KEK accepted")
	}
}
