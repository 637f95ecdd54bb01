package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/lookalike"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/phishing"
)

// maxStdinLinks bounds what check-url reads from stdin, so a runaway pipe cannot exhaust memory.
const maxStdinLinks = 5_000_000

// phishFlags are the look-alike options of check-url and check-email.
type phishFlags struct {
	protect []string
	brands  string
}

func (p *phishFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&p.protect, "protect", nil, "your organisation's own domain (e.g. amnesty.org), so that look-alikes of it are caught; repeatable")
	cmd.Flags().StringVar(&p.brands, "brands", "", "JSON file of more brands to protect, in the format of internal/lookalike/brands.json")
}

// checker builds the look-alike checker: the embedded brands, --brands and --protect.
func (p *phishFlags) checker() (*lookalike.Checker, error) {
	brands := lookalike.DefaultBrands()
	if p.brands != "" {
		f, err := os.Open(p.brands)
		if err != nil {
			return nil, usageError{fmt.Errorf("cannot read the brand list: %w", err)}
		}
		defer f.Close()
		more, err := lookalike.ParseBrands(f)
		if err != nil {
			return nil, usageError{fmt.Errorf("%s: %w", p.brands, err)}
		}
		brands = append(brands, more...)
	}
	for _, d := range p.protect {
		b, err := lookalike.ProtectedBrand(d)
		if err != nil {
			return nil, usageError{fmt.Errorf("--protect: %w", err)}
		}
		brands = append(brands, b)
	}
	return lookalike.New(brands), nil
}

func newCheckURLCmd(app *App) *cobra.Command {
	var f checkFlags
	var p phishFlags
	cmd := &cobra.Command{
		Use:   "check-url [flags] URL... | -",
		Short: "Check links for known phishing indicators and look-alikes of well-known services",
		Long: `Check links against the indicators and for addresses that imitate well-known services
(Google, Microsoft, Apple, Facebook, ...) or your own domains (--protect), with no indicator needed.
Give the links as arguments, or "-" to read one link per line from stdin. Without -o, print one
line per link: verdict, link, reason.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			checker, err := p.checker()
			if err != nil {
				return err
			}
			links, err := readLinks(args, app.Stdin, app.Stderr)
			if err != nil {
				return err
			}
			var exp *ioc.Expander
			if f.expandURLs {
				exp = ioc.NewExpander(app.HTTPClient)
			}
			if f.output == "" {
				return printLinkVerdicts(cmd.Context(), app, &f, checker, exp, links)
			}
			mods := []module.Module{phishing.NewLinks(checker).WithExpander(exp)}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "check-url",
				target:       fmt.Sprintf("%d links", len(links)),
				notAPath:     true,
				modules:      mods,
				platform:     "links",
				evidenceType: string(module.URLList),
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					in.Source = links
					return jobsFor(mods, in, ""), nil, nil
				},
			})
		},
	}
	fl := cmd.Flags()
	f.iocs.register(fl)
	fl.StringVarP(&f.output, "output", "o", "", "folder for the results (created if missing)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only warnings, errors and the final summary")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print debug messages on the console")
	fl.BoolVar(&f.expandURLs, "expand-urls", false, "contact URL shorteners to expand short links (network access)")
	p.register(cmd)
	return cmd
}

// maxLinkLen is the longest line check-url reads as a link; longer lines are skipped with a
// warning, and the other links are still checked.
const maxLinkLen = 64 * 1024

// readLinks gathers the links from the arguments, "-" meaning one link per line on stdin.
func readLinks(args []string, stdin io.Reader, warn io.Writer) ([]string, error) {
	var links []string
	for _, a := range args {
		if a != "-" {
			links = append(links, a)
			continue
		}
		if stdin == nil {
			return nil, usageError{errors.New(`"-" given but there is no standard input`)}
		}
		br := bufio.NewReaderSize(stdin, maxLinkLen)
		for n := 1; ; n++ {
			line, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				fmt.Fprintf(warn, "spyglass: line %d of the standard input is longer than %d kB and was not checked\n", n, maxLinkLen/1024)
				for err == bufio.ErrBufferFull {
					_, err = br.ReadSlice('\n')
				}
				if err == io.EOF {
					break
				}
				continue
			}
			if l := strings.TrimSpace(string(line)); l != "" && !strings.HasPrefix(l, "#") {
				if len(links) >= maxStdinLinks {
					return nil, fmt.Errorf("more than %d links on stdin; split the list", maxStdinLinks)
				}
				links = append(links, l)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("reading links from stdin: %w", err)
			}
		}
	}
	return links, nil
}

// printLinkVerdicts is check-url without -o: one line per link, verdict first.
func printLinkVerdicts(ctx context.Context, app *App, f *checkFlags, c *lookalike.Checker, exp *ioc.Expander, links []string) error {
	idx, _, err := f.iocs.load(app)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(app.Stdout)
	if len(links) == 0 {
		fmt.Fprintf(w, "%s\t-\tno link was given\n", phishing.NothingChecked)
	}
	for _, l := range links {
		r := phishing.CheckLinkExpanded(ctx, idx, c, exp, l)
		fmt.Fprintf(w, "%s\t%s\t%s\n", r.Verdict, printable(l), printable(r.Reason))
	}
	return w.Flush()
}

// printable keeps a hostile link from driving the terminal: control and bidi-override
// characters become U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
