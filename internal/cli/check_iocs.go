package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

func newCheckIOCsCmd(app *App) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check-iocs [flags] RESULTS_DIR",
		Short: "Check the records of an earlier run (spyglass's or MVT's) against the current indicators",
		Long: `Re-check the <module>.json files of a results folder, written by spyglass or by MVT,
against the indicators loaded now. New alerts are written to the folder given by -o,
never into the folder being read.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if f.output == "" && cmd.Annotations[mvtCheckIOCsAnnotation] == "" {
				return usageError{errors.New("check-iocs needs -o/--output: the results are written to a new folder, never into the one being read")}
			}
			// Through an os.Root, as report reads results: a symbolic link
			// in a crafted results folder cannot pull a file from elsewhere
			// into the new results, and safefile refuses FIFOs and devices.
			root, err := os.OpenRoot(dir)
			if err != nil {
				return fmt.Errorf("%s is not a readable results folder: %w", dir, err)
			}
			defer root.Close()
			fsys := safefile.FS(root)
			if _, err := fs.Stat(fsys, "info.json"); err != nil {
				if ents, _ := fs.Glob(fsys, "*.json"); len(ents) == 0 {
					return fmt.Errorf("%s is not a results folder (no info.json and no module files)", dir)
				}
			}
			mods := recheckableModules(resultsPlatform(fsys))
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command: "check-iocs",
				target:  dir,
				modules: mods,
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					in.FS = fsys
					var jobs []module.Job
					for _, m := range mods {
						if _, err := fs.Stat(in.FS, m.Describe().Slug+".json"); err == nil {
							jobs = append(jobs, module.Job{Module: recheck{m}, Input: in})
						}
					}
					if len(jobs) == 0 {
						return nil, nil, fmt.Errorf("%s holds no module results spyglass can re-check", dir)
					}
					return jobs, nil, nil
				},
			})
		},
	}
	f.register(cmd, false, func() []module.Module { return platformModules("ios") })
	return cmd
}

// recheckableModules lists the modules of a platform that can check their
// records again without the evidence.
func recheckableModules(platform string) []module.Module {
	var out []module.Module
	for _, m := range platformModules(platform) {
		if _, ok := m.(module.Rechecker); ok {
			out = append(out, m)
		}
	}
	return out
}

// resultsPlatform tells whether a results folder comes from an iOS or an
// Android run: from our info.json's command, else (MVT folders) from the
// timeline header, which MVT names after the clock Android records keep,
// else from module file names only Android modules write.
func resultsPlatform(fsys fs.FS) string {
	if f, err := fsys.Open("info.json"); err == nil {
		var info struct {
			Command string `json:"command"`
		}
		err := json.NewDecoder(io.LimitReader(f, maxInfoJSON)).Decode(&info)
		f.Close()
		if err == nil && strings.HasPrefix(info.Command, "android") {
			return "android"
		}
		if strings.HasPrefix(info.Command, "ios") {
			return "ios"
		}
	}
	if f, err := fsys.Open("timeline.csv"); err == nil {
		head := make([]byte, 32)
		n, _ := io.ReadFull(f, head)
		f.Close()
		if strings.HasPrefix(string(head[:n]), `"Device Local Timestamp"`) {
			return "android"
		}
	}
	for _, pat := range []string{"aqf_*.json", "dumpsys_*.json", "tombstones.json", "root_binaries.json"} {
		if m, _ := fs.Glob(fsys, pat); len(m) > 0 {
			return "android"
		}
	}
	return "ios"
}

// maxInfoJSON bounds how much of info.json is read to find the command
// (with -H it lists every input file's hash).
const maxInfoJSON = 256 << 20

// recheck runs a module's Recheck over each record of its <slug>.json.
type recheck struct{ m module.Module }

func (r recheck) Describe() module.Descriptor { return r.m.Describe() }

func (r recheck) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	slug := r.m.Describe().Slug
	f, err := in.FS.Open(slug + ".json")
	if errors.Is(err, fs.ErrNotExist) {
		return module.NoData("%s.json not found", slug)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s.json: %w", slug, err)
	}
	rc := r.m.(module.Rechecker)
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("%s.json is not a list of records", slug)
	}
	for dec.More() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("%s.json: %w", slug, err)
		}
		out.Record(raw)
		if err := rc.Recheck(ctx, in.IOCs, raw, out); err != nil {
			return fmt.Errorf("%s.json: %w", slug, err)
		}
	}
	return nil
}
