package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pgbenchResult is what pgbench measured of one scenario's script.
type pgbenchResult struct {
	Transactions int64   `json:"transactions"`
	Failed       int64   `json:"failed"`
	TPS          float64 `json:"tps"`
	LatencyAvgMs float64 `json:"latency_avg_ms"`
	P50ms        float64 `json:"p50_ms"`
	P99ms        float64 `json:"p99_ms"`
	Mode         string  `json:"protocol"`
	Script       string  `json:"script"`
}

// findPgbench returns pgbench from PATH or the PostgreSQL 15 install.
func findPgbench() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(matches) > 0 {
		slices.Sort(matches)
		return matches[len(matches)-1], nil
	}
	return "", errors.New("pgbench not found on PATH or in /usr/lib/postgresql/*/bin (it ships with the PostgreSQL server package)")
}

// runPgbench runs script with the same number of clients as the load
// generator, over the extended query protocol (as lib/pq sends queries with
// arguments: an unnamed statement parsed and planned each time), for d.
// Each transaction's latency is logged (-l) into logDir, for percentiles.
func runPgbench(ctx context.Context, bin, benchURL, name string, scripts []string, vars map[string]string, clients int, d time.Duration, logDir string) (pgbenchResult, error) {
	prefix := filepath.Join(logDir, "pgbench-"+name)
	args := []string{"-n", "-M", "extended", "-c", strconv.Itoa(clients), "-j", "2",
		"-T", strconv.Itoa(max(1, int(d.Round(time.Second).Seconds()))),
		"-l", "--log-prefix=" + prefix}
	// With several scripts pgbench picks one at random for each transaction.
	for _, s := range scripts {
		args = append(args, "-f", s)
	}
	script := name
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		args = append(args, "-D", k+"="+vars[k])
	}
	args = append(args, benchURL)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r, perr := parsePgbench(stdout.String())
	r.Mode, r.Script = "extended", filepath.Base(script)
	if err != nil || perr != nil || strings.Contains(stderr.String(), "aborted") {
		return r, fmt.Errorf("pgbench %s: %v %v\n%s%s", filepath.Base(script), err, perr, lastLines(stderr.String(), 8), lastLines(stdout.String(), 4))
	}
	lat, err := transactionLatencies(prefix)
	if err != nil {
		return r, err
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		r.P50ms, r.P99ms = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return r, nil
}

// transactionLatencies reads and removes pgbench's per-transaction logs
// (prefix.<pid>[.<thread>]): the third field of each line is the latency in
// microseconds.
func transactionLatencies(prefix string) ([]float64, error) {
	files, err := filepath.Glob(prefix + ".*")
	if err != nil {
		return nil, err
	}
	var out []float64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseFloat(fields[2], 64)
			if err != nil {
				continue // "skipped" or "failed"
			}
			out = append(out, us/1000)
		}
		if err := os.Remove(f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

var (
	reProcessed = regexp.MustCompile(`number of transactions actually processed: (\d+)`)
	reFailed    = regexp.MustCompile(`number of failed transactions: (\d+)`)
	reLatency   = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
	reTPS       = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
)

func parsePgbench(out string) (pgbenchResult, error) {
	var r pgbenchResult
	m := reTPS.FindStringSubmatch(out)
	if m == nil {
		return r, errors.New("no tps in pgbench's output")
	}
	r.TPS, _ = strconv.ParseFloat(m[1], 64)
	if m := reProcessed.FindStringSubmatch(out); m != nil {
		r.Transactions, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reFailed.FindStringSubmatch(out); m != nil {
		r.Failed, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reLatency.FindStringSubmatch(out); m != nil {
		r.LatencyAvgMs, _ = strconv.ParseFloat(m[1], 64)
	}
	return r, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n") + "\n"
}

// scriptPath is a pgbench script of bench/pgbench, found from the working
// directory (make bench runs from bench/, the benchmark's own module).
func scriptPath(name string) (string, error) {
	p := filepath.Join("pgbench", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("pgbench script %s: run the benchmark from bench/ (make bench): %w", name, err)
	}
	return p, nil
}
