package ioscrypto

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// Backup files are AES-256-CBC with a zero IV and PKCS#7 padding. The
// plaintext length comes from the padding of the decrypted data, never
// from the Size recorded in Manifest.db: that field can be stale or wrong,
// and trusting it truncates files (a known MVT/iOSbackup bug).
//
// A file whose padding is invalid (or whose length is not a multiple of
// the block size) is refused with ErrBadPadding: the key unwrapped
// correctly, so the data was truncated or altered, and handing out the
// result would silently hide that.

// ErrBadPadding means a decrypted file does not end in valid PKCS#7
// padding, or its encrypted length is not a whole number of AES blocks.
var ErrBadPadding = errors.New("encrypted file is truncated or damaged (invalid AES-CBC padding)")

// parallelMin is the size above which one buffer is decrypted on several
// cores: CBC decryption of block i needs only ciphertext blocks i and i-1.
const parallelMin = 1 << 20

// DecryptFile decrypts a whole backup file in place and returns the
// plaintext (a prefix of buf) with its padding removed. An empty input is
// an empty file.
func DecryptFile(key, buf []byte) ([]byte, error) {
	if len(buf) == 0 {
		return buf, nil
	}
	if len(buf)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes", ErrBadPadding, len(buf))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	var iv [aes.BlockSize]byte
	decryptCBC(block, iv[:], buf)
	n, err := unpad(buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// DecryptManifestDB decrypts Manifest.db in place. Apple pads it like any
// file, but some writers leave a page-aligned database unpadded, and a
// database's last byte may well look like a padding byte. A SQLite file is
// a whole number of pages (at least 512 bytes each), so the length that is
// a multiple of 512 wins.
func DecryptManifestDB(key, buf []byte) ([]byte, error) {
	if len(buf) == 0 || len(buf)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: Manifest.db is %d bytes", ErrBadPadding, len(buf))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	var iv [aes.BlockSize]byte
	decryptCBC(block, iv[:], buf)
	if n, err := unpad(buf); err == nil && n%512 == 0 {
		return buf[:n], nil
	}
	if len(buf)%512 == 0 {
		return buf, nil
	}
	n, err := unpad(buf)
	if err != nil {
		return nil, fmt.Errorf("Manifest.db: %w", err)
	}
	return buf[:n], nil
}

// unpad returns the plaintext length of buf, checking every padding byte.
func unpad(buf []byte) (int, error) {
	if len(buf) < aes.BlockSize {
		return 0, ErrBadPadding
	}
	p := int(buf[len(buf)-1])
	if p == 0 || p > aes.BlockSize {
		return 0, ErrBadPadding
	}
	for _, b := range buf[len(buf)-p:] {
		if int(b) != p {
			return 0, ErrBadPadding
		}
	}
	return len(buf) - p, nil
}

// decryptCBC decrypts buf in place with the given IV, splitting large
// buffers across cores. Each segment's IV is the last ciphertext block of
// the previous segment, saved before any segment is decrypted.
func decryptCBC(block cipher.Block, iv, buf []byte) {
	workers := runtime.GOMAXPROCS(0)
	if len(buf) < parallelMin || workers < 2 {
		cipher.NewCBCDecrypter(block, iv).CryptBlocks(buf, buf)
		return
	}
	blocks := len(buf) / aes.BlockSize
	per := (blocks + workers - 1) / workers
	ivs := make([][]byte, 0, workers)
	bounds := make([]int, 0, workers+1)
	for start := 0; start < blocks; start += per {
		off := start * aes.BlockSize
		bounds = append(bounds, off)
		if start == 0 {
			ivs = append(ivs, clone(iv))
		} else {
			ivs = append(ivs, clone(buf[off-aes.BlockSize:off]))
		}
	}
	bounds = append(bounds, len(buf))
	var wg sync.WaitGroup
	for i := range ivs {
		seg := buf[bounds[i]:bounds[i+1]]
		wg.Go(func() { cipher.NewCBCDecrypter(block, ivs[i]).CryptBlocks(seg, seg) })
	}
	wg.Wait()
}

// streamChunk is how much DecryptStream holds in memory at a time.
const streamChunk = 4 << 20

// DecryptStream decrypts a backup file from src to dst in bounded memory
// and returns the plaintext length. The last block is held back until the
// end so the padding can be checked and removed; on ErrBadPadding dst has
// received all but the last block and the caller must discard it.
func DecryptStream(dst io.Writer, src io.Reader, key []byte) (int64, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return 0, err
	}
	// Most backup files are small: start with a small buffer and double it
	// up to streamChunk while the file keeps coming.
	chunk := 64 << 10
	buf := make([]byte, chunk+aes.BlockSize)
	iv := make([]byte, aes.BlockSize)
	var held []byte // the last decrypted block, not yet written
	var total int64
	for {
		if total > 0 && chunk < streamChunk {
			chunk *= 2
			buf = make([]byte, chunk+aes.BlockSize)
		}
		// Keep the held block at the front of buf so one Write suffices.
		h := copy(buf, held)
		n, rerr := io.ReadFull(src, buf[h:h+chunk])
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			return total, rerr
		}
		if n%aes.BlockSize != 0 {
			return total, fmt.Errorf("%w: length is not a multiple of %d", ErrBadPadding, aes.BlockSize)
		}
		if n > 0 {
			chunk := buf[h : h+n]
			next := clone(chunk[n-aes.BlockSize:])
			decryptCBC(block, iv, chunk)
			iv = next
			out := buf[:h+n-aes.BlockSize]
			if _, err := dst.Write(out); err != nil {
				return total, err
			}
			total += int64(len(out))
			held = clone(buf[h+n-aes.BlockSize : h+n])
		}
		if rerr != nil { // EOF: the stream is complete
			break
		}
	}
	if held == nil {
		return 0, nil // an empty file
	}
	p, err := unpad(held)
	if err != nil {
		return total, err
	}
	if _, err := dst.Write(held[:p]); err != nil {
		return total, err
	}
	return total + int64(p), nil
}

// DecryptFileLength returns how many bytes of a file's decrypted last
// block are data, checking its padding; with the file's length it gives
// the plaintext size without decrypting the rest.
func DecryptFileLength(lastBlock []byte) (int, error) {
	if len(lastBlock) != aes.BlockSize {
		return 0, ErrBadPadding
	}
	return unpad(lastBlock)
}
