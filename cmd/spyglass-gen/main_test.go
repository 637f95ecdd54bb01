package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"writes a backup", []string{"--sms", "20", "--safari", "10", "--whatsapp", "5", "--manifest", "50", "--datausage", "3", "--trace", "sms_link=x.invalid"}, 0},
		{"no output folder", nil, 2},
		{"bad trace", []string{"--trace", "nonsense"}, 2},
		{"unknown trace kind", []string{"--trace", "fax=1"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			dir := filepath.Join(t.TempDir(), "case")
			if tc.name != "no output folder" {
				args = append([]string{"-o", dir}, args...)
			}
			var out, errb bytes.Buffer
			if got := run(args, &out, &errb); got != tc.want {
				t.Fatalf("exit %d, want %d; stderr: %s", got, tc.want, errb.String())
			}
			if tc.want == 0 {
				if _, err := os.Stat(filepath.Join(dir, "Manifest.db")); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
