package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// The end-to-end tests run whole commands on the MVT fixtures that the
// module packages keep in their testdata (MVT License 1.1; see the SOURCE.md
// beside each).
const (
	iosBackupFixture = "../ios/testdata/ios_backup"
	testIndicators   = "../ios/testdata/test_indicators.stix2"
)

// testApp returns an App whose network fails the test on any dial: no
// command may go online unless the user asked.
func testApp(t *testing.T) (*App, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &App{
		Stdin:  strings.NewReader(""),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(string) string { return "" },
		HTTPClient: &http.Client{Transport: &http.Transport{
			DialContext: func(_ context.Context, network, addr string) (net.Conn, error) {
				t.Errorf("unexpected network connection to %s %s", network, addr)
				return nil, &net.OpError{Op: "dial", Err: os.ErrPermission}
			},
		}},
		Version: "test",
	}
	return app, &stdout, &stderr
}

func run(t *testing.T, app *App, args ...string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return Execute(ctx, app, args)
}

// treeHashes maps every file under root to its hash and mode time, to prove
// the evidence is untouched.
func treeHashes(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[p] = "dir " + info.ModTime().String()
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := sha256.Sum256(b)
		out[p] = hex.EncodeToString(s[:]) + " " + info.ModTime().String()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type alertKey struct {
	Level  alert.Level
	Module string
}

func readAlerts(t *testing.T, dir string) []alert.Alert {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "alerts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var alerts []alert.Alert
	if err := json.Unmarshal(b, &alerts); err != nil {
		t.Fatal(err)
	}
	return alerts
}

func countRecords(t *testing.T, dir, slug string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, slug+".json"))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s.json: %v", slug, err)
	}
	switch x := v.(type) {
	case []any:
		return len(x)
	case map[string]any:
		return len(x)
	}
	return 1
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func countLines(t *testing.T, p string) int {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\r\n")
}
