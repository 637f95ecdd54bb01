package output

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
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
	// Hashes lists the input files' SHA-256 as MVT does, only while they
	// are few (up to InfoHashesMax): HashesFile always has them all.
	Hashes []FileHash `json:"hashes"`
	// HashesFile, set when the input was hashed, names the file that lists
	// every input file's SHA-256, with their count and its own digest.
	HashesFile *HashesRef `json:"hashes_file,omitempty"`
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
