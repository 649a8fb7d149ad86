package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// maxRSSMB is the bound on the server's peak resident set.
const maxRSSMB = 150

// report is one benchmark run, as printed and as written to JSON.
type report struct {
	StartedAt      time.Time `json:"started_at"`
	FinishedAt     time.Time `json:"finished_at"`
	Cases          int       `json:"seeded_cases"`
	CasesNow       int64     `json:"cases_at_start"`
	SeedSeconds    float64   `json:"seed_seconds"` // how long the seed took, when it was made
	Clients        int       `json:"clients"`
	Duration       string    `json:"duration"`
	Warmup         string    `json:"warmup"`
	CPUs           int       `json:"cpus"`
	Quiet          string    `json:"machine"`
	Profiled       bool      `json:"profiled"`
	ServerLogLevel string    `json:"server_log_level"`
	Rows           []row     `json:"scenarios"`
	PeakRSSMB      float64   `json:"server_peak_rss_mb"` // VmHWM over the server's life
	LedgersChecked int       `json:"ledgers_verified_after_run"`
	ServerErrors   int       `json:"server_error_log_lines"`
}

// row is one scenario's figures.
type row struct {
	Name        string         `json:"name"`
	Title       string         `json:"title"`
	Missing     bool           `json:"route_missing,omitempty"`
	HitsPerOp   float64        `json:"requests_per_operation"`
	Clients     int            `json:"clients"`
	Redress     *loadResult    `json:"redress,omitempty"`
	Pgbench     *pgbenchResult `json:"pgbench,omitempty"`
	Ratio       float64        `json:"ratio,omitempty"` // Redress operations/s over pgbench tps
	PeakRSSMB   float64        `json:"server_peak_rss_mb"`
	TargetRatio float64        `json:"target_ratio,omitempty"`
	TargetP99ms float64        `json:"target_p99_ms,omitempty"`
	Met         *bool          `json:"target_met,omitempty"`
	LoadAverage string         `json:"load_average"` // when the measurement began
	OtherTests  int            `json:"other_test_processes"`
	Note        string         `json:"note,omitempty"`
}

func (r *row) judge() {
	if r.Redress != nil && r.Pgbench != nil && r.Pgbench.TPS > 0 {
		r.Ratio = r.Redress.RPS / r.HitsPerOp / r.Pgbench.TPS
	}
	if r.Redress == nil || (r.TargetRatio == 0 && r.TargetP99ms == 0) {
		return
	}
	met := true
	if r.TargetRatio > 0 {
		met = met && r.Pgbench != nil && r.Ratio >= r.TargetRatio
	}
	if r.TargetP99ms > 0 {
		met = met && r.Redress.P99ms <= r.TargetP99ms
	}
	r.Met = &met
}

func (r row) summary() string {
	r.judge()
	if r.Missing {
		return fmt.Sprintf("bench: %s: n/a (route missing)", r.Name)
	}
	s := fmt.Sprintf("bench: %s: Redress %.0f req/s p50 %.2f ms p99 %.2f ms (%.1f%% ok), peak RSS %.0f MB",
		r.Name, r.Redress.RPS, r.Redress.P50ms, r.Redress.P99ms, 100*r.Redress.Success, r.PeakRSSMB)
	if r.Pgbench != nil {
		s += fmt.Sprintf("; pgbench %.0f tps p50 %.2f ms p99 %.2f ms; ratio %.0f%%", r.Pgbench.TPS, r.Pgbench.P50ms, r.Pgbench.P99ms, 100*r.Ratio)
	}
	return s
}

func (rep *report) sortRows() {
	for i := range rep.Rows {
		rep.Rows[i].judge()
	}
	slices.SortStableFunc(rep.Rows, func(a, b row) int {
		return slices.Index(tableOrder, a.Name) - slices.Index(tableOrder, b.Name)
	})
}

// print writes the table: one line per scenario and the server's peak RSS.
func (rep *report) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tRedress req/s\tp50 ms\tp99 ms\tpgbench tps\tpgbench p99 ms\tRedress/pgbench\tpeak RSS MB\ttarget\t")
	for _, r := range rep.Rows {
		if r.Missing {
			fmt.Fprintf(tw, "%s\tn/a (route missing)\t\t\t\t\t\t\t\t\n", r.Title)
			continue
		}
		pg, pg99, ratio := "-", "-", "-"
		if r.Pgbench != nil {
			pg, pg99, ratio = fmt.Sprintf("%.0f", r.Pgbench.TPS), fmt.Sprintf("%.2f", r.Pgbench.P99ms), fmt.Sprintf("%.0f%%", 100*r.Ratio)
		}
		title := r.Title
		if r.Clients != rep.Clients {
			title += fmt.Sprintf(" (%d clients)", r.Clients)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%s\t%s\t%s\t%.0f\t%s\t\n", title, r.Redress.RPS, r.Redress.P50ms,
			r.Redress.P99ms, pg, pg99, ratio, r.PeakRSSMB, r.targetText())
	}
	tw.Flush()
	rss := "met"
	if rep.PeakRSSMB > maxRSSMB {
		rss = "MISSED"
	}
	fmt.Fprintf(w, "server peak RSS over the whole run (VmHWM): %.0f MB (target ≤ %d MB: %s)\n", rep.PeakRSSMB, maxRSSMB, rss)
	fmt.Fprintf(w, "cases at start: %d; the seed took %.0f s\n", rep.CasesNow, rep.SeedSeconds)
	fmt.Fprintf(w, "%d clients, %s measured after %s warm-up per scenario; pgbench -M extended -c %d -j 2; %s\n",
		rep.Clients, rep.Duration, rep.Warmup, rep.Clients, rep.Quiet)
	fmt.Fprintf(w, "case page: two requests (case, events) per page; its ratio compares pages/s with pgbench's tps\n")
	fmt.Fprintf(w, "ledgers of %d cases written during the run verify; %d error lines in the server log\n",
		rep.LedgersChecked, rep.ServerErrors)
	others := 0
	for _, r := range rep.Rows {
		others = max(others, r.OtherTests)
	}
	fmt.Fprintf(w, "test processes of others seen during the measurements: %d at most\n", others)
	for _, r := range rep.Rows {
		if r.Redress == nil {
			continue
		}
		if r.Redress.Success < 1 {
			fmt.Fprintf(w, "%s: %.2f%% of requests succeeded (%v) %s\n", r.Title, 100*r.Redress.Success,
				r.Redress.StatusCodes, strings.Join(r.Redress.Errors, "; "))
		}
		if r.Redress.Exhausted {
			fmt.Fprintf(w, "%s: Redress ran out of cases to move after %.1f s; its rate is over that time\n", r.Title, r.Redress.Seconds)
		}
	}
}

func (r row) targetText() string {
	var parts []string
	if r.TargetRatio > 0 {
		parts = append(parts, fmt.Sprintf("≥%.0f%%", 100*r.TargetRatio))
	}
	if r.TargetP99ms > 0 {
		parts = append(parts, fmt.Sprintf("p99≤%.0fms", r.TargetP99ms))
	}
	if len(parts) == 0 {
		return ""
	}
	verdict := "met"
	if r.Met != nil && !*r.Met {
		verdict = "MISSED"
	}
	return strings.Join(parts, " ") + " " + verdict
}

func (rep *report) write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
