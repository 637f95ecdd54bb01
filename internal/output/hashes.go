package output

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// HashesFile lists the SHA-256 of every input file (-H), one JSON object per
// line, shaped as the entries of MVT's info.json "hashes" list.
const HashesFile = "hashes.jsonl"

// InfoHashesMax is how many hashes info.json still lists itself, as MVT
// does: a bugreport, a backup file or an AndroidQF folder (always hashed)
// stay MVT-compatible, while a filesystem dump of a million files is not
// held in memory and written three times (info.json, summary.json,
// report.html), only streamed to HashesFile.
const InfoHashesMax = 1000

// HashesRef is what info.json, summary.json and the report keep of the
// hashes: where they are, how many, and the SHA-256 of that file.
type HashesRef struct {
	File   string `json:"file"`
	Count  int    `json:"count"`
	SHA256 string `json:"sha256,omitempty"`
}

// hashWindow bounds the files being hashed or waiting to be written, so
// memory stays the same for a thousand files or a million.
const hashWindow = 256

// WriteHashes hashes every regular file under root (or root itself if it
// is a file) on all cores, and streams their SHA-256 to dir/HashesFile in
// the order the folder is walked. Links are never followed inside root, so
// a crafted dump cannot make us read outside it; root itself is resolved by
// the caller. It returns the reference and, when there are at most
// InfoHashesMax, the hashes themselves for info.json.
func WriteHashes(ctx context.Context, dir, root string) (*HashesRef, []FileHash, error) {
	path := filepath.Join(dir, HashesFile)
	f, err := CreateFile(path)
	if err != nil {
		return nil, nil, err
	}
	digest := sha256.New()
	af := NewAsyncFile(f)
	b := bufio.NewWriterSize(io.MultiWriter(af, digest), 1<<16)
	ref := &HashesRef{File: HashesFile}
	var few []FileHash
	err = streamHashes(ctx, root, func(h FileHash) error {
		line, err := json.Marshal(h)
		if err != nil {
			return err
		}
		b.Write(line)
		if err := b.WriteByte('\n'); err != nil {
			return err
		}
		if ref.Count++; ref.Count <= InfoHashesMax {
			few = append(few, h)
		}
		return nil
	})
	if err = errors.Join(err, b.Flush(), af.Close()); err != nil {
		os.Remove(path)
		return nil, nil, err
	}
	ref.SHA256 = hex.EncodeToString(digest.Sum(nil))
	if ref.Count > InfoHashesMax {
		few = nil
	}
	return ref, few, nil
}

// hashJob is one file to hash; its result comes back on res.
type hashJob struct {
	path string
	res  chan hashResult
}

type hashResult struct {
	sum string
	err error
}

// streamHashes walks root and calls emit for each regular file in walk
// order, while up to hashWindow files are hashed ahead on all cores.
func streamHashes(ctx context.Context, root string, emit func(FileHash) error) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	st, err := os.Lstat(abs)
	if err != nil {
		return err
	}
	if !st.IsDir() && !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file or folder", root)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	order := make(chan *hashJob, hashWindow)
	work := make(chan *hashJob, hashWindow)
	walkErr := make(chan error, 1)
	go func() {
		defer close(work)
		defer close(order)
		add := func(p string) error {
			j := &hashJob{path: p, res: make(chan hashResult, 1)}
			select {
			case order <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			work <- j
			return nil
		}
		if !st.IsDir() {
			walkErr <- add(abs)
			return
		}
		walkErr <- filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				return add(p)
			}
			return nil
		})
	}()
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for j := range work {
				if ctx.Err() != nil {
					j.res <- hashResult{err: ctx.Err()}
					continue
				}
				sum, err := HashFile(j.path)
				j.res <- hashResult{sum, err}
			}
		}()
	}
	var first error
	for j := range order {
		r := <-j.res
		if first != nil {
			continue
		}
		if first = r.err; first == nil {
			first = emit(FileHash{FilePath: j.path, SHA256: r.sum})
		}
		if first != nil {
			cancel()
		}
	}
	if err := <-walkErr; first == nil && err != nil && !errors.Is(err, context.Canceled) {
		first = fmt.Errorf("listing %s: %w", root, err)
	}
	if first == nil {
		first = ctx.Err()
	}
	return first
}
