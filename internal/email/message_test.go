package email

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

func run(t *testing.T, paths ...string) (*module.Collector, string) {
	t.Helper()
	var logs bytes.Buffer
	c := &module.Collector{}
	in := &module.Input{Source: paths, IOCs: ioc.NewIndex(), Log: slog.New(slog.NewTextHandler(&logs, nil))}
	if err := New(nil).Run(context.Background(), in, c); err != nil {
		t.Fatalf("Run: %v (%s)", err, logs.String())
	}
	return c, logs.String()
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const phish = "From: \"Google Security\" <no-reply@accounts-goolge.com>\r\n" +
	"Reply-To: helpdesk@other.example\r\n" +
	"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=accounts-goolge.com; dkim=none; dmarc=fail header.from=accounts-goolge.com\r\n" +
	"Subject: Security alert\r\nDate: Mon, 02 Sep 2019 10:00:00 +0000\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
	"<a href=\"https://evil.example/x\">https://accounts.google.com</a> or copy https://goolge.cm/reset\r\n"

const clean = "From: Alice <alice@example.org>\r\nSubject: Minutes\r\nDate: Tue, 03 Sep 2019 10:00:00 +0000\r\n" +
	"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org; dmarc=pass\r\n" +
	"Content-Type: text/plain\r\n\r\nNotes at https://docs.google.com/document/d/1 and https://www.amnesty.org/en/\r\n"

func TestPhishingMessage(t *testing.T) {
	dir := t.TempDir()
	c, _ := run(t, write(t, dir, "a.eml", phish))
	ids := map[string]bool{}
	for _, a := range c.Alerts {
		if a.Heuristic != nil {
			ids[a.Heuristic.ID] = true
		}
	}
	for _, want := range []string{"phishing.lookalike", "email.authentication_failed", "email.display_name_spoofing", "email.reply_to_other_domain"} {
		if !ids[want] {
			t.Errorf("missing alert %s; got %+v", want, c.Alerts)
		}
	}
	m := c.Records[0].(*Message)
	if len(m.Links) != 2 || m.Links[0].Text != "https://accounts.google.com" || m.Links[1].URL != "https://goolge.cm/reset" {
		t.Errorf("links = %+v", m.Links)
	}
}

func TestCleanMessage(t *testing.T) {
	c, _ := run(t, write(t, t.TempDir(), "b.eml", clean))
	if len(c.Alerts) != 0 {
		t.Errorf("clean message raised %+v", c.Alerts)
	}
	if len(c.Records) != 1 || len(c.Records[0].(*Message).Links) != 2 {
		t.Errorf("records = %+v", c.Records)
	}
}

// An mbox holds several messages, one quoted ">From " line and a forwarded phishing message;
// a Maildir folder is walked recursively.
func TestMboxMaildirForwarded(t *testing.T) {
	dir := t.TempDir()
	fwd := "From: Bob <bob@example.org>\nSubject: Fwd: look\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nIs this real?\n>From here on\n--x\nContent-Type: message/rfc822\n\n" +
		strings.ReplaceAll(phish, "\r\n", "\n") + "--x--\n"
	mbox := "From a@b Mon Sep  2 10:00:00 2019\n" + strings.ReplaceAll(clean, "\r\n", "\n") + "\nFrom c@d Mon Sep  2 10:00:00 2019\n" + fwd
	write(t, dir, "mail/inbox.mbox", mbox)
	write(t, dir, "mail/Maildir/cur/1.eml", clean)
	c, _ := run(t, filepath.Join(dir, "mail"))
	if len(c.Records) != 3 {
		t.Fatalf("records = %d, want 3", len(c.Records))
	}
	found := false
	for _, r := range c.Records {
		m := r.(*Message)
		if m.Forwarded == 1 && len(m.ForwardedFrom) > 0 && m.ForwardedFrom[0] == "no-reply@accounts-goolge.com" {
			found = true
		}
	}
	if !found {
		t.Errorf("forwarded message not unwrapped: %+v", c.Records)
	}
	lookalike := false
	for _, a := range c.Alerts {
		lookalike = lookalike || a.Heuristic != nil && a.Heuristic.ID == "phishing.lookalike" && a.Level == alert.Medium
	}
	if !lookalike {
		t.Errorf("the forwarded sender's look-alike was not caught: %+v", c.Alerts)
	}
}

// Hostile mail: each broken message is named in one sentence and the others are still checked.
func TestHostileMessages(t *testing.T) {
	dir := t.TempDir()
	var deep strings.Builder
	deep.WriteString("From: x@example.org\nSubject: deep\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&deep, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i)
	}
	deep.WriteString("Content-Type: text/plain\n\nhttps://goolge.cm/\n")
	var many strings.Builder
	many.WriteString("From: x@example.org\nSubject: many\nContent-Type: multipart/mixed; boundary=z\n\n")
	for i := 0; i < 100_000; i++ {
		many.WriteString("--z\nContent-Type: application/octet-stream\n\nA\n")
	}
	many.WriteString("--z--\n")
	write(t, dir, "1-deep.eml", deep.String())
	write(t, dir, "2-many.eml", many.String())
	write(t, dir, "3-b64.eml", "From: x@example.org\nSubject: b64\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n!!!not base64@@@\n")
	write(t, dir, "4-qp.eml", "From: x@example.org\nSubject: qp\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nbad =ZZ =\n")
	write(t, dir, "5-charset.eml", "From: \xff\xfe <x@example.org>\nSubject: =?x-unknown-42?B?AAAA?= \xe9t\xe9\nContent-Type: text/plain; charset=x-unknown-42\n\n\xe9\xe9 https://gооgle.com/\n")
	write(t, dir, "6-empty.eml", "")
	write(t, dir, "7-clean.eml", clean)
	c, logs := run(t, dir)
	if len(c.Records) < 6 {
		t.Fatalf("records = %d, want the readable messages checked:\n%s", len(c.Records), logs)
	}
	last := c.Records[len(c.Records)-1].(*Message)
	if last.Subject != "Minutes" {
		t.Errorf("the clean message after the hostile ones was not checked: %+v", last)
	}
	for _, r := range c.Records {
		m := r.(*Message)
		if (m.Subject == "deep" || m.Subject == "many") && len(m.Problems) == 0 {
			t.Errorf("%s: the limit was not recorded", m.Subject)
		}
	}
	t.Log(logs)
	if !strings.Contains(logs, "only partly checked") {
		t.Errorf("no sentence for the partly checked messages:\n%s", logs)
	}
}

// A large attachment is hashed while streaming, in bounded memory.
func TestLargeAttachmentStreamed(t *testing.T) {
	size := int64(64 << 20)
	if !testing.Short() && os.Getenv("SPYGLASS_2GB") != "" {
		size = 2 << 30
	}
	head := "From: x@example.org\nSubject: big\nContent-Type: application/octet-stream\n\n"
	r := io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, size))
	m, err := parseMessage(r, "big.eml", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Size != size {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'A'
	}
	return len(p), nil
}
