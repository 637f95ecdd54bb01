package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var dataUsageDB = source.IOSQuery{
	DomainPaths: []string{"WirelessDomain-Library/Databases/DataUsage.sqlite"},
	FSGlobs:     []string{"private/var/wireless/Library/Databases/DataUsage.sqlite"},
}

// netUsageRecord is one process of DataUsage.sqlite joined with one of its
// live-usage rows, with MVT's field names. Pointers are null in the JSON
// when the database has no value (a process without live usage, a usage row
// whose process row was deleted, a placeholder for a missing process).
type netUsageRecord struct {
	FirstIsodate *string  `json:"first_isodate"`
	Isodate      *string  `json:"isodate"`
	ProcName     *string  `json:"proc_name"`
	BundleID     *string  `json:"bundle_id"`
	ProcID       *int64   `json:"proc_id"`
	WifiIn       *float64 `json:"wifi_in"`
	WifiOut      *float64 `json:"wifi_out"`
	WwanIn       *float64 `json:"wwan_in"`
	WwanOut      *float64 `json:"wwan_out"`
	LiveID       *int64   `json:"live_id"`
	LiveProcID   *int64   `json:"live_proc_id"`
	LiveIsodate  string   `json:"live_isodate"`
}

func (r *netUsageRecord) name() string {
	if r.ProcName == nil {
		return ""
	}
	return *r.ProcName
}

var (
	heuristicManipulatedProcess = &alert.Heuristic{
		ID:    "ios.datausage.manipulated_process",
		Title: "Network usage of a deleted process",
		Why: "The phone recorded network traffic for a process whose own record was later removed " +
			"from the database. iOS does not normally do this; spyware has been seen deleting its " +
			"traces this way (Pegasus, 2021).",
		Action: "Have an expert review the dates around this entry in the timeline.",
	}
	heuristicMissingProcess = &alert.Heuristic{
		ID:    "ios.datausage.missing_process",
		Title: "Gap in the process records",
		Why: "Process records are numbered in sequence; a missing number means a record was deleted. " +
			"iOS itself sometimes removes records, so on its own this is weak evidence, but spyware " +
			"has been seen erasing its own entries.",
		Action: "Look at what happened on the phone around the previous process's date.",
	}
	heuristicProcessWithoutBinary = &alert.Heuristic{
		ID:    "ios.datausage.process_without_binary",
		Title: "Process without a binary",
		Why: "A process used the network, is not part of an app, and no program of that name exists " +
			"on the phone's file system. System processes are always present, so a missing one may " +
			"have been spyware that deleted itself (this check only works on a full filesystem dump).",
		Action: "Search the process name in public spyware reports and have an expert review it.",
	}
)

// Datausage reads which processes used mobile data and Wi-Fi, from
// DataUsage.sqlite, and looks for records that were tampered with.
type Datausage struct{}

// NewDatausage returns the datausage module.
func NewDatausage() *Datausage { return &Datausage{} }

// Describe implements module.Module.
func (*Datausage) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "datausage",
		MVTName:     "Datausage",
		Description: "Per-process network usage in DataUsage.sqlite, with deleted-record checks",
		Artifact:    "Network data usage per app and process (DataUsage.sqlite)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var netUsageVariants = []sqlitedb.Variant{
	{Name: "with Wi-Fi counters", Requires: []string{"ZPROCESS.ZPROCNAME", "ZPROCESS.ZBUNDLENAME", "ZPROCESS.ZFIRSTTIMESTAMP", "ZPROCESS.ZTIMESTAMP",
		"ZLIVEUSAGE.ZHASPROCESS", "ZLIVEUSAGE.ZTIMESTAMP", "ZLIVEUSAGE.ZWWANIN", "ZLIVEUSAGE.ZWWANOUT", "ZLIVEUSAGE.ZWIFIIN", "ZLIVEUSAGE.ZWIFIOUT"}},
	{Name: "without Wi-Fi counters (recent iOS)", Requires: []string{"ZPROCESS.ZPROCNAME", "ZPROCESS.ZBUNDLENAME", "ZPROCESS.ZFIRSTTIMESTAMP", "ZPROCESS.ZTIMESTAMP",
		"ZLIVEUSAGE.ZHASPROCESS", "ZLIVEUSAGE.ZTIMESTAMP", "ZLIVEUSAGE.ZWWANIN", "ZLIVEUSAGE.ZWWANOUT"}},
}

// Run implements module.Module.
func (m *Datausage) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, dataUsageDB, "DataUsage.sqlite (WirelessDomain Library/Databases/DataUsage.sqlite)")
	if err != nil {
		return err
	}
	recs, err := readNetUsage(ctx, in, f)
	if err != nil {
		return err
	}
	src, _ := iosSource(in)
	if src != nil && !src.IsBackup() && !in.Options.Fast {
		findProcessesWithoutBinary(in, src.FS(), recs, out)
	}
	recs = netUsageChecks(in.IOCs, recs, out)
	emitNetUsage(recs, "Datausage", out)
	return nil
}

// readNetUsage reads every live-usage row with its process, then the
// processes without live usage. The records are kept in memory: the checks
// need them all (gaps in the numbering, sorting), and a phone has a few
// hundred to a few thousand processes.
func readNetUsage(ctx context.Context, in *module.Input, f source.IOSFile) ([]*netUsageRecord, error) {
	db, err := openDB(in, f)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	v, err := pickSchema(in, db, f, netUsageVariants...)
	if err != nil {
		return nil, err
	}
	wifi := "ZLIVEUSAGE.ZWIFIIN, ZLIVEUSAGE.ZWIFIOUT"
	if v.Name != netUsageVariants[0].Name {
		wifi = "NULL, NULL"
	}
	// MVT selects the processes without live usage with NOT IN, which
	// returns nothing at all when one ZHASPROCESS is NULL; NOT EXISTS does
	// not have that trap.
	q := `SELECT ZPROCESS.ZFIRSTTIMESTAMP, ZPROCESS.ZTIMESTAMP, ZPROCESS.ZPROCNAME, ZPROCESS.ZBUNDLENAME, ZPROCESS.Z_PK,
			` + wifi + `, ZLIVEUSAGE.ZWWANIN, ZLIVEUSAGE.ZWWANOUT, ZLIVEUSAGE.Z_PK, ZLIVEUSAGE.ZHASPROCESS, ZLIVEUSAGE.ZTIMESTAMP
		FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK
		UNION ALL
		SELECT ZFIRSTTIMESTAMP, ZTIMESTAMP, ZPROCNAME, ZBUNDLENAME, Z_PK, NULL, NULL, NULL, NULL, NULL, NULL, NULL
		FROM ZPROCESS WHERE NOT EXISTS (SELECT 1 FROM ZLIVEUSAGE WHERE ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK)`
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: reading processes: %w", fileLabel(f), err)
	}
	defer rows.Close()
	var recs []*netUsageRecord
	for rows.Next() {
		var first, ts, name, bundle, pk, wi, wo, wwi, wwo, lpk, lproc, lts any
		if err := rows.Scan(&first, &ts, &name, &bundle, &pk, &wi, &wo, &wwi, &wwo, &lpk, &lproc, &lts); err != nil {
			return nil, fmt.Errorf("%s: reading processes: %w", fileLabel(f), err)
		}
		r := &netUsageRecord{
			ProcName: optText(name), BundleID: optText(bundle), ProcID: optInt(pk),
			WifiIn: optFloat(wi), WifiOut: optFloat(wo), WwanIn: optFloat(wwi), WwanOut: optFloat(wwo),
			LiveID: optInt(lpk), LiveProcID: optInt(lproc),
		}
		// MVT converts the process dates only when both are set.
		if fi, ti := macTimeMVT(first), macTimeMVT(ts); fi != "" && ti != "" {
			r.FirstIsodate, r.Isodate = &fi, &ti
		}
		r.LiveIsodate = macTimeMVT(lts)
		if r.LiveIsodate == "" && r.FirstIsodate != nil {
			r.LiveIsodate = *r.FirstIsodate
		}
		recs = append(recs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: reading processes: %w", fileLabel(f), err)
	}
	logger(in).Debug("extracted network usage records", "file", fileLabel(f), "count", len(recs))
	return recs, nil
}

// maxMissingAlerts bounds the placeholders a crafted database (process ids
// 1 and 10^12) could make us create.
const maxMissingAlerts = 10000

// netUsageChecks runs MVT's checks in MVT's order: usage rows whose process
// was deleted (HIGH), gaps in the process numbering (LOW, with a placeholder
// record per missing id), then process indicators (CRITICAL) on the records
// sorted by first date. It returns the records to write.
func netUsageChecks(idx *ioc.Index, recs []*netUsageRecord, out module.Emitter) []*netUsageRecord {
	byLive := append([]*netUsageRecord(nil), recs...)
	sort.SliceStable(byLive, func(i, j int) bool { return byLive[i].LiveIsodate < byLive[j].LiveIsodate })
	seenLive := map[int64]bool{}
	for _, r := range byLive {
		if r.ProcID != nil && *r.ProcID != 0 {
			continue
		}
		lp := int64(0)
		if r.LiveProcID != nil {
			lp = *r.LiveProcID
		}
		if !seenLive[lp] {
			seenLive[lp] = true
			out.Alert(heuristicAlert(alert.High,
				fmt.Sprintf("Found manipulated process entry %s. Entry on %s", pyIntPtr(r.LiveProcID), r.LiveIsodate),
				r.LiveIsodate, r, heuristicManipulatedProcess))
		}
		when := r.LiveIsodate
		name := "MANIPULATED [process record deleted]"
		r.FirstIsodate, r.Isodate, r.ProcName = &when, &when, &name
		out.Alert(heuristicAlert(alert.High,
			fmt.Sprintf("Found manipulated process entry %s/", pyIntPtr(r.LiveProcID)),
			when, r, heuristicManipulatedProcess))
	}

	// Gaps: the last record of each process id stands for it, as in MVT.
	byProc := map[int64]*netUsageRecord{}
	for _, r := range recs {
		if r.ProcID != nil && *r.ProcID != 0 {
			byProc[*r.ProcID] = r
		}
	}
	ids := make([]int64, 0, len(byProc))
	for id := range byProc {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	missing := 0
	for i := 1; i < len(ids); i++ {
		prev := byProc[ids[i-1]]
		for id := ids[i-1] + 1; id < ids[i]; id++ {
			missing++
			if missing > maxMissingAlerts {
				break
			}
			prevFirst := strPtrText(prev.FirstIsodate)
			out.Alert(heuristicAlert(alert.Low,
				fmt.Sprintf("Missing process %d. Previous process at %q (%s)", id, prevFirst, pyStrPtr(prev.ProcName)),
				prevFirst, prev, heuristicMissingProcess))
			pid, name := id, fmt.Sprintf("MISSING [follows %s]", pyStrPtr(prev.ProcName))
			var first *string
			if prev.FirstIsodate != nil {
				v := *prev.FirstIsodate
				first = &v
			}
			recs = append(recs, &netUsageRecord{FirstIsodate: first, Isodate: first, LiveIsodate: prevFirst,
				ProcName: &name, ProcID: &pid, LiveProcID: &pid})
		}
	}
	if missing > maxMissingAlerts {
		out.Alert(heuristicAlert(alert.Low,
			fmt.Sprintf("%d more missing processes were not listed one by one", missing-maxMissingAlerts),
			"", nil, heuristicMissingProcess))
	}

	sort.SliceStable(recs, func(i, j int) bool { return strPtrText(recs[i].FirstIsodate) < strPtrText(recs[j].FirstIsodate) })
	for _, r := range recs {
		netUsageCheckIOC(idx, r, r.ProcID, r.name(), strPtrText(r.FirstIsodate), out)
	}
	return recs
}

// netUsageCheckIOC matches a process name; placeholders and manipulated
// entries (no process id) are skipped as MVT skips them.
func netUsageCheckIOC(idx *ioc.Index, rec any, procID *int64, name, when string, out module.Emitter) {
	if procID == nil || *procID == 0 || name == "" {
		return
	}
	if m := idx.CheckProcess(name); m != nil {
		out.Alert(iocAlert(alert.Critical, matchMessage(name, m), when, rec, m))
	}
}

// emitNetUsage writes the records and their timeline events (module is the
// MVT class name). Identical events are written once, as MVT deduplicates
// each module's timeline.
func emitNetUsage(recs []*netUsageRecord, moduleName string, out module.Emitter) {
	seen := map[module.TimelineEvent]bool{}
	add := func(ev module.TimelineEvent) {
		if !seen[ev] {
			seen[ev] = true
			out.Timeline(ev)
		}
	}
	for _, r := range recs {
		out.Record(r)
		data := fmt.Sprintf("%s (Bundle ID: %s, ID: %s)", pyStrPtr(r.ProcName), pyStrPtr(r.BundleID), pyIntPtr(r.ProcID))
		add(module.TimelineEvent{Timestamp: r.LiveIsodate, Module: moduleName, Event: "live_usage",
			Data: fmt.Sprintf("%s WWAN IN: %s, WWAN OUT: %s", data, pyFloatPtr(r.WwanIn), pyFloatPtr(r.WwanOut))})
		name := r.name()
		if !strings.Contains(name, "MANIPULATED") && !strings.Contains(name, "MISSING") && r.LiveProcID != nil {
			add(module.TimelineEvent{Timestamp: strPtrText(r.FirstIsodate), Module: moduleName, Event: "first_usage", Data: data})
			add(module.TimelineEvent{Timestamp: strPtrText(r.Isodate), Module: moduleName, Event: "current_usage", Data: data})
		}
	}
}

// findProcessesWithoutBinary walks a filesystem dump once, looking only for
// the names of processes that have no bundle id, and reports those that
// have no file of that name anywhere (MEDIUM).
func findProcessesWithoutBinary(in *module.Input, fsys fs.FS, recs []*netUsageRecord, out module.Emitter) {
	wanted := map[string]bool{}
	for _, r := range recs {
		if r.BundleID == nil || *r.BundleID == "" {
			wanted[r.name()] = false
		}
	}
	if len(wanted) == 0 {
		return
	}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable folders are skipped, as MVT skips them
		}
		if !d.IsDir() {
			if _, ok := wanted[d.Name()]; ok {
				wanted[d.Name()] = true
			}
		}
		return nil
	})
	for _, r := range recs {
		if r.BundleID != nil && *r.BundleID != "" {
			continue
		}
		name := r.name()
		if wanted[name] {
			continue
		}
		msg := "Could not find the binary associated with the process with name " + name
		switch {
		case name == "":
			msg = fmt.Sprintf("Found process entry with empty 'proc_name': %s at %s", pyIntPtr(r.LiveProcID), r.LiveIsodate)
		case len(name) == 16:
			msg += " (However, the process name might have been truncated in the database)"
		}
		out.Alert(heuristicAlert(alert.Medium, msg, r.LiveIsodate, r, heuristicProcessWithoutBinary))
	}
	logger(in).Debug("searched the dump for process binaries", "processes", len(wanted))
}

// Recheck implements module.Rechecker on one record of datausage.json.
func (m *Datausage) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		ProcName     *string `json:"proc_name"`
		ProcID       *int64  `json:"proc_id"`
		FirstIsodate *string `json:"first_isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("datausage record: %w", err)
	}
	netUsageCheckIOC(idx, json.RawMessage(raw), rec.ProcID, strPtrText(rec.ProcName), strPtrText(rec.FirstIsodate), out)
	return nil
}

func optText(v any) *string {
	if v == nil {
		return nil
	}
	s := valueText(v)
	return &s
}

func optInt(v any) *int64 {
	if i, ok := valueInt(v); ok {
		return &i
	}
	return nil
}

func optFloat(v any) *float64 {
	if f, ok := valueFloat(v); ok {
		return &f
	}
	return nil
}

func strPtrText(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func pyStrPtr(p *string) string {
	if p == nil {
		return nullText
	}
	return *p
}

func pyIntPtr(p *int64) string {
	if p == nil {
		return nullText
	}
	return fmt.Sprint(*p)
}

func pyFloatPtr(p *float64) string {
	if p == nil {
		return nullText
	}
	return formatFloatPy(*p)
}
