package cli

import (
	"errors"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
)

// sentence turns an error into the line the user reads. Go's file and
// network errors name the system call ("stat /x: no such file or
// directory", `Get "…": dial tcp: lookup h on 10.0.0.1:53: no such host`);
// each such part of the message is replaced by what it means, and the
// context the commands added around it is kept.
func sentence(err error) string {
	msg := err.Error()
	walkErrors(err, func(e error) {
		var raw, repl string
		switch x := e.(type) {
		case *fs.PathError:
			raw = x.Error()
			i := strings.Index(msg, raw)
			if i < 0 {
				return
			}
			prefix := strings.TrimSuffix(msg[:i], ": ")
			msg = pathSentence(prefix, x) + msg[i+len(raw):]
			return
		case *url.Error:
			raw, repl = x.Error(), networkSentence(x)
		default:
			return
		}
		msg = strings.Replace(msg, raw, repl, 1)
	})
	return msg
}

// walkErrors calls f on err and every error it wraps, outermost first.
func walkErrors(err error, f func(error)) {
	for depth := 0; err != nil && depth < 100; depth++ {
		f(err)
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walkErrors(e, f)
			}
			return
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return
		}
	}
}

// pathSentence says what went wrong with pe.Path. prefix is the context
// the message had before the Go text: when it is only the path again, or
// already names it, the path is not repeated.
func pathSentence(prefix string, pe *fs.PathError) string {
	write := isWriteOp(pe.Op)
	why := pathReason(pe.Err, write)
	switch {
	case prefix == "":
		return describePath(pe.Path, why, pe.Err, write)
	case !strings.Contains(prefix, " ") && (prefix == pe.Path || strings.HasSuffix(prefix, string(os.PathSeparator)+pe.Path)):
		return describePath(prefix, why, pe.Err, write)
	case strings.Contains(prefix, pe.Path):
		return prefix + ": " + why
	}
	return prefix + ": " + describePath(pe.Path, why, pe.Err, write)
}

// describePath puts the path and the reason in one sentence: "cannot read
// X: no such file or folder", "X cannot be read: permission denied".
func describePath(path, why string, err error, write bool) string {
	verb := "read"
	if write {
		verb = "written"
	}
	if errors.Is(err, fs.ErrPermission) {
		return path + " cannot be " + verb + ": " + why
	}
	if write {
		return "cannot create " + path + ": " + why
	}
	return "cannot read " + path + ": " + why
}

func isWriteOp(op string) bool {
	switch op {
	case "mkdir", "mkdirat", "write", "remove", "unlinkat", "rename", "chmod", "truncate", "create", "sync", "close":
		return true
	}
	return false
}

// pathReason names the cause in words, not errno text.
func pathReason(err error, write bool) string {
	switch {
	case errors.Is(err, fs.ErrNotExist) && write:
		return "the folder it goes in does not exist"
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of the path is a file, not a folder"
	case errors.Is(err, syscall.EISDIR):
		return "it is a folder, not a file"
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full"
	case errors.Is(err, syscall.EROFS):
		return "the disk is read-only"
	case errors.Is(err, syscall.ELOOP):
		return "too many levels of symbolic links"
	case errors.Is(err, syscall.ENAMETOOLONG):
		return "the name is too long"
	case errors.Is(err, syscall.EIO):
		return "the disk reported a read error"
	}
	return err.Error()
}

// networkSentence says why a download failed without Go's dialer text.
func networkSentence(ue *url.Error) string {
	host := ue.URL
	if u, err := url.Parse(ue.URL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(ue.Err, &dns) && dns.IsNotFound:
		return "could not reach " + host + ": its name could not be looked up (no network connection, or a wrong address)"
	case errors.As(ue.Err, &dns):
		return "could not reach " + host + ": no network connection (the name could not be looked up)"
	case ue.Timeout():
		return "could not reach " + host + ": no answer in time (slow or no network connection)"
	case errors.Is(ue.Err, syscall.ECONNREFUSED):
		return "could not reach " + host + ": the connection was refused"
	case errors.Is(ue.Err, syscall.ENETUNREACH), errors.Is(ue.Err, syscall.EHOSTUNREACH):
		return "could not reach " + host + ": no network connection"
	case errors.As(ue.Err, &op):
		return "could not reach " + host + ": " + op.Err.Error()
	}
	return "could not download " + ue.URL + ": " + ue.Err.Error()
}
