package cli

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/source"
)

// sizeValue is a --max-unpacked size (64G, 500M, bytes).
type sizeValue struct{ n int64 }

func (s *sizeValue) String() string {
	if s.n == 0 {
		return "32G"
	}
	return formatSize(s.n)
}
func (s *sizeValue) Type() string { return "SIZE" }
func (s *sizeValue) Set(v string) error {
	n, err := source.ParseSize(v)
	if err != nil {
		return err
	}
	s.n = n
	return nil
}

func formatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		shift  uint
	}{{"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}} {
		if n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// registerMaxUnpacked adds --max-unpacked to the commands under cmd (the
// android group: every command that reads zips) and applies it, or the
// default, before each runs: the value is process-wide, so every run sets
// it.
func registerMaxUnpacked(cmd *cobra.Command) {
	v := &sizeValue{}
	cmd.PersistentFlags().Var(v, "max-unpacked", "largest total an archive (zip, .zip.age) may unpack to; more is refused as a likely zip bomb")
	cmd.PersistentPreRunE = func(*cobra.Command, []string) error {
		source.SetMaxUnpacked(v.n)
		return nil
	}
}
