package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"path"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/logging"
)

// newIOCsCmd is the "iocs" group: list, check and update the indicators.
func newIOCsCmd(app *App) *cobra.Command {
	cmd := asGroup(&cobra.Command{
		Use:   "iocs",
		Short: "List, check and update the indicators of compromise",
		Long: `Indicators are loaded from each -i/--iocs file or folder, the SPYGLASS_IOCS and
MVT_STIX2 environment variables (colon-separated), the feeds downloaded by
"spyglass iocs update", and the snapshot of public feeds built into spyglass
(Amnesty International, mvt-indicators, Echap stalkerware indicators).`,
	})
	cmd.AddCommand(newIOCsListCmd(app), newIOCsCheckCmd(app), newIOCsUpdateCmd(app), newIOCsExportCmd(app))
	return cmd
}

func newIOCsListCmd(app *App) *cobra.Command {
	var flags iocFlags
	var asJSON, problems bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Show the loaded indicator collections, their counts, source files and feed dates",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			idx, rep, err := flags.load(app)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(app.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Total       int                  `json:"total"`
					Files       []ioc.FileInfo       `json:"files"`
					Collections []ioc.CollectionStat `json:"collections"`
					Warnings    []ioc.Problem        `json:"warnings"`
					Unsupported []ioc.Problem        `json:"unsupported"`
				}{rep.Total, rep.Files, idx.Collections(), rep.Warnings, rep.Unsupported})
			}
			printIOCList(app.Stdout, idx, rep, problems)
			return nil
		},
	}
	flags.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	cmd.Flags().BoolVar(&problems, "problems", false, "list every rejected value and unsupported pattern")
	return cmd
}

func printIOCList(w io.Writer, idx *ioc.Index, rep *ioc.LoadReport, problems bool) {
	if len(rep.Files) == 0 {
		fmt.Fprintln(w, "No indicators loaded (use -i FILE, or drop --no-default-iocs).")
		return
	}
	file := ""
	for _, c := range idx.Collections() {
		if c.File != file {
			file = c.File
			date := "unknown"
			if !c.FeedDate.IsZero() {
				date = c.FeedDate.Format("2006-01-02")
			}
			fmt.Fprintf(w, "\n%s  (%s, feed date %s)\n", logging.Escape(c.File), logging.Escape(nonEmptyStr(c.Source, "file")), date)
		}
		fmt.Fprintf(w, "  %-40s %6d  %s\n", logging.Escape(c.Name), c.Total, typeCounts(c.Counts))
	}
	fmt.Fprintf(w, "\n%d distinct indicators from %d files: %s\n", rep.Total, len(rep.Files), typeCounts(idx.CountByType()))
	if n := len(rep.Warnings) + len(rep.Unsupported); n > 0 {
		fmt.Fprintf(w, "%d values rejected or notes, %d patterns unsupported", len(rep.Warnings), len(rep.Unsupported))
		if !problems {
			fmt.Fprint(w, " (see --problems)")
		}
		fmt.Fprintln(w)
		if problems {
			for _, p := range rep.Warnings {
				fmt.Fprintln(w, "  warning:", logging.Escape(p.String()))
			}
			for _, p := range rep.Unsupported {
				fmt.Fprintln(w, "  unsupported:", logging.Escape(p.String()))
			}
		}
	}
}

func typeCounts(m map[ioc.Type]int) string {
	var parts []string
	for _, t := range ioc.AllTypes {
		if n := m[t]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", t, n))
		}
	}
	return strings.Join(parts, ", ")
}

func nonEmptyStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func newIOCsCheckCmd(app *App) *cobra.Command {
	var flags iocFlags
	cmd := &cobra.Command{
		Use:   "check VALUE...",
		Short: "Say whether each value (domain, URL, IP, email, app id, hash, file path, process…) is a known indicator",
		Example: `  spyglass iocs check weather4free.com
  spyglass iocs check https://x.example/path com.sc.spyier.v2 foo@example.org`,
		Long: `Say whether each value is a known indicator. Like grep, the exit code answers:
0 when at least one value is an indicator, 1 when none is, 2 on an error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, v := range args {
				if strings.TrimSpace(v) == "" {
					return usageError{errors.New("iocs check was given an empty value; pass a domain, URL, IP, email, app id, hash, file path or process name")}
				}
			}
			idx, _, err := flags.load(app)
			if err != nil {
				return codedError{ExitUsage, err}
			}
			found := false
			for _, v := range args {
				found = printCheck(app.Stdout, idx, v) || found
			}
			if !found {
				return codedError{code: ExitFail}
			}
			return nil
		},
	}
	flags.register(cmd.Flags())
	return cmd
}

// checkAs names one way to read a value and the index method for it.
type checkAs struct {
	kind  string
	check func(string) *ioc.Match
}

var (
	hexRE  = regexp.MustCompile(`^[0-9A-Fa-f]+$`)
	uuidRE = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)
	nameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// guessKinds lists the readings of v, most specific first. Values such as
// "com.sc.spyier.v2" are read several ways (domain, app id, property, file
// name), because the same text is all of them.
func guessKinds(idx *ioc.Index, v string) []checkAs {
	s := strings.TrimSpace(v)
	switch {
	case strings.Contains(s, "://"):
		return []checkAs{{"URL", idx.CheckURL}}
	case strings.Contains(s, "@") && !strings.Contains(s, "/"):
		at := s[strings.LastIndexByte(s, '@')+1:]
		return []checkAs{{"email address", idx.CheckEmail}, {"email domain", func(string) *ioc.Match { return idx.CheckDomain(at) }}}
	case uuidRE.MatchString(s):
		return []checkAs{{"configuration profile", idx.CheckProfile}}
	case hexRE.MatchString(s) && (len(s) == 32 || len(s) == 40 || len(s) == 64):
		return []checkAs{{"file hash", idx.CheckHash}, {"certificate hash", idx.CheckCertHash}}
	case strings.Count(s, ":") >= 15 && hexRE.MatchString(strings.ReplaceAll(s, ":", "")):
		return []checkAs{{"certificate hash", idx.CheckCertHash}}
	case isIP(s):
		return []checkAs{{"IP address", idx.CheckDomain}}
	case strings.HasPrefix(s, "/"):
		return []checkAs{{"file path", idx.CheckFilePath}, {"process in path", idx.CheckFilePathProcess}, {"process", idx.CheckProcess}}
	case strings.Contains(s, "/"):
		return []checkAs{{"URL", idx.CheckURL}, {"file path", idx.CheckFilePath}}
	}
	kinds := []checkAs{}
	if strings.Contains(s, ".") {
		kinds = append(kinds, checkAs{"domain", idx.CheckDomain})
	}
	if nameRE.MatchString(s) {
		kinds = append(kinds, checkAs{"app id", idx.CheckAppID}, checkAs{"Android property", idx.CheckAndroidProperty})
	}
	return append(kinds, checkAs{"process", idx.CheckProcess}, checkAs{"file name", idx.CheckFileName})
}

func isIP(s string) bool {
	s = strings.Trim(s, "[]")
	_, err := netip.ParseAddr(s)
	if err != nil {
		_, err = netip.ParseAddrPort(s)
	}
	return err == nil
}

// printCheck prints how v matches, and reports whether it is an indicator.
func printCheck(w io.Writer, idx *ioc.Index, v string) bool {
	kinds := guessKinds(idx, v)
	found := false
	var tried []string
	for _, k := range kinds {
		tried = append(tried, k.kind)
		m := k.check(v)
		if m == nil {
			continue
		}
		found = true
		colls := m.Collections()
		fmt.Fprintf(w, "%s: INDICATOR of %s (as %s: %s %q, %s, from %s)\n", logging.Escape(v), logging.Escape(quoteList(colls)), k.kind, m.Type, m.Value, m.How, logging.Escape(path.Base(m.File)))
	}
	if !found {
		fmt.Fprintf(w, "%s: not a known indicator (checked as %s)\n", logging.Escape(v), strings.Join(tried, ", "))
	}
	return found
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func newIOCsUpdateCmd(app *App) *cobra.Command {
	var indexURL, dir string
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download the latest public indicator feeds (mvt-indicators index) into the user data folder",
		Long: `Downloads the mvt-indicators index and every STIX file it names. Each file is
checked before it replaces the previous copy. This is the only command that
goes online by itself.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				dir = userIOCDir(app)
			}
			if dir == "" {
				return usageError{fmt.Errorf("no user data folder is known (HOME is not set); pass --dir")}
			}
			res, err := ioc.Update(cmd.Context(), app.HTTPClient, indexURL, dir, app.Stderr)
			if res != nil {
				for _, f := range res.Files {
					line := fmt.Sprintf("%-9s %s", f.Status, f.Name)
					if f.Indicators > 0 {
						line += fmt.Sprintf(" (%d indicators)", f.Indicators)
					}
					if f.Err != "" {
						line += ": " + f.Err
					}
					fmt.Fprintln(app.Stdout, line)
				}
				fmt.Fprintf(app.Stdout, "%d added, %d updated, %d unchanged, %d removed, %d failed; feeds are in %s\n",
					res.Added, res.Updated, res.Unchanged, res.Removed, res.Failed, dir)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&indexURL, "url", ioc.DefaultIndexURL, "URL of the indicators.yaml index")
	cmd.Flags().StringVar(&dir, "dir", "", "folder for the downloaded feeds (default: the user data folder)")
	return cmd
}
