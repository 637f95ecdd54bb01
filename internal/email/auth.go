package email

import (
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-msgauth/authres"
)

// AuthResult is one SPF, DKIM or DMARC verdict the receiving server wrote.
type AuthResult struct {
	Method string `json:"method"` // spf, dkim, dmarc
	Result string `json:"result"` // pass, fail, softfail, none...
	Header string `json:"header"` // which header said it
}

// maxAuthHeaders bounds the headers read: a hostile message can repeat them thousands of times.
const maxAuthHeaders = 50

// authResults reads Authentication-Results, ARC-Authentication-Results and Received-SPF. Only
// the headers a receiving server adds are meaningful; a sender can forge them too, which is why
// spyglass reports failures (a forger would write "pass") and never trusts a pass as proof.
func authResults(h message.Header) []AuthResult {
	var out []AuthResult
	for _, key := range []string{"Authentication-Results", "ARC-Authentication-Results"} {
		for i, v := range h.Values(key) {
			if i == maxAuthHeaders {
				break
			}
			if key == "ARC-Authentication-Results" {
				// "i=1; mx.example; spf=pass ..." : drop the instance tag authres does not know.
				if j := strings.IndexByte(v, ';'); j >= 0 && strings.HasPrefix(strings.TrimSpace(v), "i=") {
					v = v[j+1:]
				}
			}
			_, results, err := authres.Parse(v)
			if err != nil {
				continue
			}
			for _, r := range results {
				switch r := r.(type) {
				case *authres.SPFResult:
					out = append(out, AuthResult{"spf", string(r.Value), key})
				case *authres.DKIMResult:
					out = append(out, AuthResult{"dkim", string(r.Value), key})
				case *authres.DMARCResult:
					out = append(out, AuthResult{"dmarc", string(r.Value), key})
				}
			}
		}
	}
	for i, v := range h.Values("Received-SPF") {
		if i == maxAuthHeaders {
			break
		}
		if f := strings.Fields(v); len(f) > 0 {
			out = append(out, AuthResult{"spf", strings.ToLower(f[0]), "Received-SPF"})
		}
	}
	return out
}

// failed returns the failed methods ("spf", "dmarc"), each once.
func failed(auth []AuthResult) []string {
	var out []string
	for _, a := range auth {
		if a.Result != "fail" && a.Result != "softfail" && a.Result != "permerror" {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == a.Method
		}
		if !dup {
			out = append(out, a.Method)
		}
	}
	return out
}
