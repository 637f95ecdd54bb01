// Package email reads emails (.eml, mbox, folders and Maildirs, forwarded messages unwrapped)
// and checks their senders, links and attachments for phishing: indicators, look-alikes of
// well-known services, failed sender authentication, display-name spoofing.
package email

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/lookalike"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Emails is the check-email module. module.Input.Source is a []string of paths.
type Emails struct {
	checker  *lookalike.Checker
	expander *ioc.Expander
}

// WithExpander makes the module follow short links through e (--expand-urls).
func (e *Emails) WithExpander(x *ioc.Expander) *Emails { e.expander = x; return e }

// New returns the module; checker holds the brands and --protect domains.
func New(checker *lookalike.Checker) *Emails {
	if checker == nil {
		checker = lookalike.New(lookalike.DefaultBrands())
	}
	return &Emails{checker: checker}
}

// Describe implements module.Module.
func (*Emails) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "email",
		Description: "Emails (.eml, mbox, Maildir): senders, links and attachments checked for phishing",
		Artifact:    "email messages",
		Evidence:    []module.Evidence{module.Email},
		Sensitive:   module.Fields{"subject": module.Body, "from": module.Address, "reply_to": module.Address, "return_path": module.Address, "sender": module.Address, "forwarded_from": module.Address},
		Version:     1,
	}
}

// Run implements module.Module: every message is read and checked; a message that cannot be
// read is named in one warning and the others are still checked.
func (e *Emails) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	paths, _ := in.Source.([]string)
	read := 0
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		fsys, root := os.DirFS(filepath.Dir(abs)), filepath.Base(abs)
		files, err := mailFiles(fsys, root)
		if err != nil {
			in.Log.Warn(fmt.Sprintf("cannot read %s: %v", p, err))
			continue
		}
		for _, f := range files {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			read += e.file(ctx, fsys, f, filepath.Join(filepath.Dir(abs), f), in, out)
		}
	}
	if read == 0 {
		return module.NoData("no email could be read in %v", paths)
	}
	return nil
}

// file checks the messages of one file and returns how many were read.
func (e *Emails) file(ctx context.Context, fsys fs.FS, name, shown string, in *module.Input, out module.Emitter) int {
	f, err := fsys.Open(name)
	if err != nil {
		in.Log.Warn(fmt.Sprintf("cannot open %s: %v", shown, err))
		return 0
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64*1024)
	head, _ := br.Peek(5)
	if !looksLikeMbox(head) {
		return e.one(ctx, br, shown, 1, in, out)
	}
	mb := newMboxReader(br)
	n := 0
	for i := 1; ; i++ {
		r, err := mb.next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			in.Log.Warn(fmt.Sprintf("%s: reading the mbox stopped at message %d: %v", shown, i, err))
			return n
		}
		n += e.one(ctx, r, shown, i, in, out)
	}
}

func (e *Emails) one(ctx context.Context, r io.Reader, file string, index int, in *module.Input, out module.Emitter) int {
	m, err := parseMessage(r, file, index)
	if err != nil {
		in.Log.Warn(fmt.Sprintf("message %d of %s was not checked: %v", index, file, err))
		_, _ = io.Copy(io.Discard, r)
		return 0
	}
	if len(m.Problems) > 0 {
		in.Log.Warn(fmt.Sprintf("message %d of %s (%q) was only partly checked: %s", index, file, m.Subject, m.Problems[0]))
	}
	out.Record(m)
	out.Timeline(module.TimelineEvent{Timestamp: m.Date, Module: "Email", Event: "email_received",
		Data: fmt.Sprintf("From %v: %s", m.From, m.Subject)})
	for _, l := range m.Links {
		out.URL(module.URL{URL: l.URL, Timestamp: m.Date, Source: "email"})
	}
	var expand func(string) []string
	if e.expander != nil {
		expand = func(u string) []string {
			if !e.expander.IsShortener(u) {
				return nil
			}
			return e.expander.Expand(ctx, u).Chain
		}
	}
	checkMessage(in.IOCs, e.checker, m, expand, func(a alert.Alert) { out.Alert(a) })
	return 1
}
