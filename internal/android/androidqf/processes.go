package androidqf

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Process is one running process. The JSON names are MVT's, including its
// "aprocress" spelling, so results folders stay interchangeable.
type Process struct {
	User     string `json:"user"`
	PID      int64  `json:"pid"`
	PPID     int64  `json:"ppid"`
	VSZ      int64  `json:"virtual_memory_size"`
	RSS      int64  `json:"resident_set_size"`
	WChan    string `json:"wchan"`
	Addr     string `json:"aprocress"`
	Stat     string `json:"stat"`
	ProcName string `json:"proc_name"`
	Label    string `json:"label"`
	// From processes.json only (the collector's ps): spyglass's additions.
	Path        string   `json:"path,omitempty"`
	CommandLine []string `json:"command_line,omitempty"`
}

// Processes analyses the process list: ps.txt (`ps -A`), or, when the
// acquisition has none, processes.txt or the collector's processes.json,
// which MVT does not read.
type Processes struct{}

// Describe implements module.Module.
func (Processes) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "aqf_processes",
		MVTName:     "AQFProcesses",
		Description: "Running processes (ps.txt, processes.txt or processes.json)",
		Artifact:    "Running processes",
		Evidence:    []module.Evidence{module.AndroidQF},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m Processes) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	a, err := acquisition(in)
	if err != nil {
		return err
	}
	emit := func(p Process) error {
		out.Record(p)
		m.check(in.IOCs, p, out)
		return ctx.Err()
	}
	for _, name := range []string{"ps.txt", "processes.txt"} {
		if !a.Has(name) {
			continue
		}
		f, err := open(a, name)
		if err != nil {
			return err
		}
		defer f.Close()
		stats := &textStats{r: f}
		n := 0
		if err := parsePS(stats, func(p Process) error { n++; return emit(p) }); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if n == 0 {
			return stats.unrecognised(name, "process line (USER PID PPID VSZ RSS WCHAN ADDR S NAME)")
		}
		return nil
	}
	f, err := open(a, "processes.json")
	if err != nil {
		return module.NoData("no ps.txt, processes.txt or processes.json in the acquisition")
	}
	defer f.Close()
	err = decodeList(f, func(c collectorProcess) error { return emit(c.process()) })
	if err != nil {
		return fmt.Errorf("processes.json: %w", err)
	}
	return nil
}

// parsePS reads `ps -A` output: a header line, then USER PID PPID VSZ RSS
// WCHAN ADDR S NAME, where WCHAN may be empty and an SELinux label
// ("u:r:…") may come first.
func parsePS(r interface{ Read([]byte) (int, error) }, fn func(Process) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		p, ok := parsePSLine(sc.Text())
		if !ok {
			continue
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return sc.Err()
}

func parsePSLine(line string) (Process, bool) {
	f := strings.Fields(line)
	var label string
	if len(f) > 0 && strings.HasPrefix(f[0], "u:r") {
		label, f = f[0], f[1:]
	}
	if len(f) == 8 { // no WCHAN
		f = append(f[:5], append([]string{""}, f[5:]...)...)
	}
	if len(f) < 9 {
		return Process{}, false
	}
	nums := make([]int64, 4)
	for i := range nums {
		n, err := strconv.ParseInt(f[i+1], 10, 64)
		if err != nil {
			return Process{}, false
		}
		nums[i] = n
	}
	return Process{
		User: f[0], PID: nums[0], PPID: nums[1], VSZ: nums[2], RSS: nums[3],
		WChan: f[5], Addr: f[6], Stat: f[7],
		// A name with spaces ("[kworker/u16:0 x]") keeps them.
		ProcName: strings.Trim(strings.Join(f[8:], " "), "[]"),
		Label:    label,
	}, true
}

// collectorProcess is one entry of the collector's processes.json.
type collectorProcess struct {
	PID         int64    `json:"pid"`
	UID         int64    `json:"uid"`
	PPID        int64    `json:"ppid"`
	Filename    string   `json:"filename"`
	State       string   `json:"state"`
	Path        string   `json:"path"`
	Context     string   `json:"context"`
	CommandLine []string `json:"command_line"`
}

func (c collectorProcess) process() Process {
	name := strings.TrimSuffix(strings.TrimPrefix(c.Filename, "("), ")")
	if len(c.CommandLine) > 0 && c.CommandLine[0] != "" {
		// The command line carries the full app process name, which the
		// kernel's 15-character comm truncates.
		name = c.CommandLine[0]
	}
	return Process{
		User: strconv.FormatInt(c.UID, 10), PID: c.PID, PPID: c.PPID, Stat: c.State,
		ProcName: name, Label: c.Context, Path: c.Path, CommandLine: c.CommandLine,
	}
}

// Recheck implements module.Rechecker.
func (m Processes) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var p Process
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("aqf_processes record: %w", err)
	}
	m.check(idx, p, out)
	return nil
}

func (Processes) check(idx *ioc.Index, p Process, out module.Emitter) {
	// gatekeeperd is skipped, as in MVT: it collides with a published
	// process indicator and is present on every phone.
	if p.ProcName == "" || p.ProcName == "gatekeeperd" {
		return
	}
	crit := func(what, value string, match *ioc.Match) {
		out.Alert(alert.Alert{Level: alert.Critical, Message: iocMessage(what, value, match), Event: p, Indicator: match.Indicator()})
	}
	if match := idx.CheckAppID(p.ProcName); match != nil {
		crit("app process", p.ProcName, match)
		return
	}
	if match := idx.CheckProcess(p.ProcName); match != nil {
		crit("process", p.ProcName, match)
		return
	}
	if p.Path != "" && path.Base(p.Path) != path.Base(p.ProcName) {
		if match := idx.CheckProcess(p.Path); match != nil {
			crit("process binary", p.Path, match)
		}
	}
}
