package ioscrypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"io"
	"runtime"
	"sync"
	"testing"
)

// Key derivation: DeriveKey against the two bare standard-library PBKDF2
// calls with the same parameters (DPIC and ITER scaled down 100× and 1×
// from a device's so one run stays short). Target: within 10 %.
var benchKeybag = &Keybag{Salt: bytes.Repeat([]byte{1}, 20), Iter: 10_000,
	DPSL: bytes.Repeat([]byte{2}, 20), DPIC: 100_000}

func BenchmarkDeriveKey(b *testing.B) {
	for b.Loop() {
		if _, err := DeriveKey("correct horse battery staple", benchKeybag); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibPBKDF2(b *testing.B) {
	for b.Loop() {
		inner, _ := pbkdf2.Key(sha256.New, "correct horse battery staple", benchKeybag.DPSL, int(benchKeybag.DPIC), 32)
		if _, err := pbkdf2.Key(sha1.New, string(inner), benchKeybag.Salt, int(benchKeybag.Iter), 32); err != nil {
			b.Fatal(err)
		}
	}
}

// Decryption throughput on a 1 GiB synthetic backup: 64 files of 16 MiB
// generated here, decrypted by a pool of GOMAXPROCS workers (as
// DecryptBackup does) through the streaming decryptor, padding checks
// included. To keep memory bounded on a shared machine, the 64 files share
// one ciphertext buffer; each decryption reads it into its own buffers.
const (
	benchFileSize = 16 << 20
	benchFiles    = 64
)

func benchCiphertext(b *testing.B) (key, enc []byte) {
	key = bytes.Repeat([]byte{0x5a}, 32)
	plain := pattern(benchFileSize - 5)
	return key, encryptForTest(key, plain, true)
}

func BenchmarkDecrypt1GiBParallelFiles(b *testing.B) {
	key, enc := benchCiphertext(b)
	workers := runtime.GOMAXPROCS(0)
	b.SetBytes(benchFiles * int64(len(enc)))
	b.ReportMetric(float64(workers), "cores")
	for b.Loop() {
		jobs := make(chan int)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range jobs {
					n, err := DecryptStream(io.Discard, bytes.NewReader(enc), key)
					if err != nil || n != benchFileSize-5 {
						b.Error(n, err)
					}
				}
			})
		}
		for i := range benchFiles {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
	}
}

// The reference: the standard library's AES-CBC decryption of one buffer
// on one core, in place, with no I/O.
func BenchmarkCBCDecryptSingleCore(b *testing.B) {
	key, enc := benchCiphertext(b)
	block, _ := aes.NewCipher(key)
	buf := bytes.Clone(enc)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(buf, buf)
	}
}
