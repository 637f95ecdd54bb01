package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

// offlineClient fails every request as a machine without network does
// (the name lookup fails), recording the URLs asked for.
func offlineClient(asked *[]string) *http.Client {
	dialer := &http.Transport{
		DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: host, Server: "10.255.255.53:53", IsNotFound: true}}
		},
	}
	return &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		*asked = append(*asked, r.URL.String())
		return dialer.RoundTrip(r)
	})}
}

// Each raw Go text becomes a sentence, and the context the command added
// is kept.
func TestSentence(t *testing.T) {
	notExist := &fs.PathError{Op: "stat", Path: "/ev/x", Err: syscall.ENOENT}
	denied := &fs.PathError{Op: "openat", Path: "Manifest.db", Err: syscall.EACCES}
	for _, c := range []struct {
		err  error
		want string
	}{
		{notExist, "cannot read /ev/x: no such file or folder"},
		{fmt.Errorf("cannot read /ev/x: %w", notExist), "cannot read /ev/x: no such file or folder"},
		{fmt.Errorf("/ev/x: %w", notExist), "cannot read /ev/x: no such file or folder"},
		{fmt.Errorf("indicator path: %w", notExist), "indicator path: cannot read /ev/x: no such file or folder"},
		{fmt.Errorf("/ev/Manifest.db: %w", denied), "/ev/Manifest.db cannot be read: permission denied"},
		{&fs.PathError{Op: "open", Path: "/ev", Err: syscall.EACCES}, "/ev cannot be read: permission denied"},
		{fmt.Errorf("creating the output folder /o: %w", &fs.PathError{Op: "mkdir", Path: "/o", Err: syscall.EACCES}), "creating the output folder /o: permission denied"},
		{fmt.Errorf("creating the output folder /a/o: %w", &fs.PathError{Op: "mkdir", Path: "/a/o", Err: syscall.ENOENT}), "creating the output folder /a/o: the folder it goes in does not exist"},
		{fmt.Errorf("writing results: %w", &fs.PathError{Op: "write", Path: "/o/t.csv", Err: syscall.ENOSPC}), "writing results: cannot create /o/t.csv: the disk is full"},
		{errors.Join(errors.New("a"), fmt.Errorf("b: %w", notExist)), "a\nb: cannot read /ev/x: no such file or folder"},
		{fmt.Errorf("downloading the indicator index: %w", &url.Error{Op: "Get", URL: "https://feeds.example/i.yaml",
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "feeds.example", IsNotFound: true}}}),
			"downloading the indicator index: could not reach feeds.example: its name could not be looked up (no network connection, or a wrong address)"},
		{&url.Error{Op: "Get", URL: "https://feeds.example/i.yaml", Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "feeds.example"}}},
			"could not reach feeds.example: no network connection (the name could not be looked up)"},
		{&url.Error{Op: "Get", URL: "https://feeds.example/i.yaml", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ENETUNREACH}},
			"could not reach feeds.example: no network connection"},
		{errors.New("plain sentence"), "plain sentence"},
	} {
		if got := sentence(c.err); got != c.want {
			t.Errorf("sentence(%q)\n got %q\nwant %q", c.err, got, c.want)
		}
	}
}

// Offline, iocs update says so in words, not with the dialer's text.
func TestOfflineSentence(t *testing.T) {
	app, _, errb := iocsApp(t, nil)
	var asked []string
	app.HTTPClient = offlineClient(&asked)
	code := Execute(t.Context(), app, []string{"iocs", "update", "--dir", t.TempDir(), "--url", "https://feeds.example/indicators.yaml"})
	msg := errb.String()
	if code != ExitFail || !strings.Contains(msg, "could not reach feeds.example: its name could not be looked up (no network connection") ||
		strings.Contains(msg, "dial tcp") || strings.Contains(msg, "lookup") {
		t.Errorf("exit %d: %q", code, msg)
	}
}
