package ioc

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strings"
	"time"
)

// loadTextList indexes a plain list with one value per line (Amnesty's
// phishing domains.txt / emails.txt). Blank lines and lines starting with
// "#" are skipped. The collection is named after the investigation folder.
func (x *Index) loadTextList(name string, data []byte, source string, t Type, collection string) error {
	fl, fresh := x.newFileLoad(name, data, source, "text-list")
	if !fresh {
		return nil
	}
	fl.info.FeedDate = folderDate(name)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	colls := []string{collection}
	for sc.Scan() {
		v := strings.TrimSpace(sc.Text())
		if v == "" || strings.HasPrefix(v, "#") {
			continue
		}
		fl.info.Objects++
		fl.addValue(t, v, "", "", colls)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	fl.finish()
	return nil
}

// investigationNames are the titles of Amnesty's phishing investigations
// whose lists are embedded, keyed by folder name.
var investigationNames = map[string]string{
	"2018-12-19_best_practice":     "Phishing against privacy-conscious users in MENA (Amnesty, 2018)",
	"2019-03-06_egypt_oauth":       "OAuth phishing against Egyptian civil society (Amnesty, 2019)",
	"2019-08-16_evolving_phishing": "Evolving phishing against journalists and HRDs in MENA (Amnesty, 2019)",
	"2020-03-12_uzbekistan":        "Phishing and spyware against Uzbek HRDs (Amnesty, 2020)",
	"2020-06-15_india":             "Phishing and NetWire spyware against Indian HRDs (Amnesty, 2020)",
}

// investigationName names the collection of a text list from its folder.
func investigationName(file string) string {
	dir := path.Base(path.Dir(file))
	if n, ok := investigationNames[dir]; ok {
		return n
	}
	if dir == "." || dir == "/" {
		return DefaultCollection
	}
	return strings.ReplaceAll(dir, "_", " ")
}

// folderDate reads a YYYY-MM-DD prefix of the file's folder name.
func folderDate(file string) time.Time {
	dir := path.Base(path.Dir(file))
	if len(dir) >= 10 {
		if t, err := time.Parse("2006-01-02", dir[:10]); err == nil {
			return t
		}
	}
	return time.Time{}
}

// textListType guesses a text list's type from its file name.
func textListType(file string) (Type, bool) {
	b := strings.ToLower(path.Base(file))
	switch {
	case strings.Contains(b, "email"):
		return Emails, true
	case strings.Contains(b, "domain"):
		return Domains, true
	}
	return "", false
}
