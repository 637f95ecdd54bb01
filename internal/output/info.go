package output

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// Info is info.json: what was analysed, with which tool and indicators. MVT's
// keys are kept (target_path, date, ioc_files, hashes); the tool is named in
// "tool" and "version" rather than "mvt_version".
type Info struct {
	Tool       string     `json:"tool"`
	Version    string     `json:"version"`
	TargetPath string     `json:"target_path"`
	Date       string     `json:"date"`
	Command    string     `json:"command"`
	IOCFiles   []string   `json:"ioc_files"`
	IOCSHA256  []FileHash `json:"ioc_hashes"`
	Hashes     []FileHash `json:"hashes"`
	// Timezone states the clock of the timestamps: "UTC", or for Android
	// "device local time".
	Timezone string `json:"timezone"`
}

// FileHash is one hashed input file.
type FileHash struct {
	FilePath string `json:"file_path"`
	SHA256   string `json:"sha256"`
}

// NewInfo fills the fixed part of info.json.
func NewInfo(version, target, command string) *Info {
	abs, err := filepath.Abs(target)
	if err != nil {
		abs = target
	}
	return &Info{Tool: "spyglass", Version: version, TargetPath: abs, Command: command,
		Date: time.Now().Format(timeutil.Layout), Hashes: []FileHash{}, IOCFiles: []string{}, IOCSHA256: []FileHash{}, Timezone: "UTC"}
}

// WriteInfo writes info.json and returns its SHA-256, which the console
// shows as the reference hash of the results.
func WriteInfo(dir string, info *Info) (string, error) {
	p := filepath.Join(dir, "info.json")
	if err := writeJSON(p, info); err != nil {
		return "", err
	}
	return HashFile(p)
}

// HashFile returns the hex SHA-256 of a file.
func HashFile(p string) (string, error) {
	f, err := safefile.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hashing %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// HashTree hashes every regular file under root (or root itself if it is a
// file), on all cores. Symbolic links are listed but never followed, so a
// crafted dump cannot make us read outside it.
func HashTree(root string) ([]FileHash, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		h, err := HashFile(root)
		if err != nil {
			return nil, err
		}
		abs, _ := filepath.Abs(root)
		return []FileHash{{FilePath: abs, SHA256: h}}, nil
	}
	var paths []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", root, err)
	}
	sort.Strings(paths)
	out := make([]FileHash, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				h, err := HashFile(paths[i])
				abs, _ := filepath.Abs(paths[i])
				out[i], errs[i] = FileHash{FilePath: abs, SHA256: h}, err
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
