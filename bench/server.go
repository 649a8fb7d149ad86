package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serverProcess is Redress under test: `redress serve` in a process of its
// own, on a free loopback port, against the bench database.
type serverProcess struct {
	cmd       *exec.Cmd
	baseURL   string
	pprofURL  string // empty unless profiling
	logPath   string
	done      chan error
	sampleMu  sync.Mutex
	peakRSS   int64 // bytes, the largest VmRSS seen since resetPeak
	stopWatch chan struct{}
	stopOnce  sync.Once
}

// startServer starts binary serve and waits until /readyz answers 200.
func startServer(ctx context.Context, binary, benchURL, logPath, logLevel string, pprof bool) (*serverProcess, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	s := &serverProcess{baseURL: "http://" + addr, logPath: logPath, done: make(chan error, 1), stopWatch: make(chan struct{})}
	env := append(os.Environ(),
		"DATABASE_URL="+benchURL,
		"REDRESS_ADDR="+addr,
		"REDRESS_LOG_LEVEL="+logLevel,
		// The overdue sweep would remind tens of thousands of seeded overdue
		// cases during the run; it is measured on its own, not here.
		"REDRESS_SWEEP_SCHEDULE=@every 24h",
	)
	if pprof {
		paddr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		env = append(env, "REDRESS_PPROF_ADDR="+paddr)
		s.pprofURL = "http://" + paddr
	}
	s.cmd = exec.Command(binary, "serve")
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s serve: %w", binary, err)
	}
	go func() {
		s.done <- s.cmd.Wait()
		logFile.Close()
	}()
	if err := s.waitReady(ctx); err != nil {
		s.stop()
		return nil, err
	}
	go s.watchRSS()
	return s, nil
}

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func (s *serverProcess) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			return fmt.Errorf("redress serve exited before it was ready (%v); see %s", err, s.logPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(s.baseURL + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body) //nolint:errcheck
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("redress serve was not ready within 2 minutes; see %s", s.logPath)
}

// watchRSS samples the server's resident set every 50 ms, keeping the peak.
func (s *serverProcess) watchRSS() {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stopWatch:
			return
		case <-t.C:
		}
		rss, err := procStatus(s.cmd.Process.Pid, "VmRSS")
		if err != nil {
			continue
		}
		s.sampleMu.Lock()
		s.peakRSS = max(s.peakRSS, rss)
		s.sampleMu.Unlock()
	}
}

// resetPeak starts a new peak-RSS window and returns the peak of the last.
func (s *serverProcess) resetPeak() int64 {
	s.sampleMu.Lock()
	defer s.sampleMu.Unlock()
	p := s.peakRSS
	s.peakRSS = 0
	return p
}

// highWaterMark is the kernel's own record of the process's peak resident
// set (VmHWM), over its whole life.
func (s *serverProcess) highWaterMark() (int64, error) {
	return procStatus(s.cmd.Process.Pid, "VmHWM")
}

// procStatus reads one "kB" field of /proc/<pid>/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", field, err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// profile saves the server's CPU profile over d and then a heap profile.
func (s *serverProcess) profile(ctx context.Context, dir, name string, d time.Duration) error {
	get := func(path, file string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.pprofURL+path, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", path, resp.Status)
		}
		f, err := os.Create(filepath.Join(dir, file))
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(f, resp.Body)
		return err
	}
	if err := get("/debug/pprof/profile?seconds="+strconv.Itoa(int(d.Seconds())), name+".cpu.pprof"); err != nil {
		return err
	}
	return get("/debug/pprof/heap", name+".heap.pprof")
}

// stop ends the server with SIGTERM (a graceful shutdown) and waits; later
// calls do nothing.
func (s *serverProcess) stop() {
	s.stopOnce.Do(func() {
		close(s.stopWatch)
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// logErrors counts the server log's error lines and returns the first few.
func logErrors(path string) (int, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	n := 0
	var first []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if line := sc.Text(); strings.Contains(line, `"level":"ERROR"`) {
			n++
			if len(first) < 5 {
				first = append(first, line)
			}
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return n, first, err
	}
	return n, first, nil
}
