package ioc

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// loadSamplesCSV indexes Echap's samples.csv: one APK per row with the
// columns SHA256, Package Name, Certificate (SHA-1 of the signing
// certificate, upper-case hex, often empty), Version and App. The APK hash
// and the certificate become indicators of the collection named by App,
// mapped through aliases (Echap's "names") to the app's main name when
// known. Package names are not used: ioc.yaml lists the packages Echap
// stands behind, while samples also carry names that real system apps may
// have (com.sec.android.as, com.android.system).
func (x *Index) loadSamplesCSV(name string, data []byte, source string, aliases map[string]string) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: reading the header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	iSHA, okSHA := col["sha256"]
	iCert, okCert := col["certificate"]
	iApp, okApp := col["app"]
	if !okSHA || !okApp {
		return fmt.Errorf("%s is not an Echap samples list (needs SHA256 and App columns)", name)
	}
	fl, fresh := x.newFileLoad(name, data, source, "samples-csv")
	if !fresh {
		return nil
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fl.warn("", "", fmt.Sprintf("line %d: %v", line, err))
			continue
		}
		fl.info.Objects++
		field := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		app := field(iApp)
		if app == "" {
			fl.warn("", "", fmt.Sprintf("line %d has no app name (skipped)", line))
			continue
		}
		coll := app
		if c, ok := aliases[strings.ToLower(app)]; ok {
			coll = c
		}
		colls := []string{coll}
		if h := field(iSHA); h != "" {
			fl.addValue(FilesSHA256, h, "", "", colls)
		}
		if okCert {
			if c := field(iCert); c != "" {
				fl.addValue(AppCertHashes, c, "", "", colls)
			}
		}
	}
	fl.finish()
	return nil
}
