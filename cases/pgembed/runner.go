package pgembed

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// runner runs the PostgreSQL programs of one bin folder, as the postgres
// user when this process is root, each in its own process group so that a
// Ctrl-C in the terminal does not reach the server.
type runner struct {
	bin  string   // folder holding initdb, pg_ctl and postgres
	acct *account // nil: run as the current user
	dir  string   // working directory, searchable by acct
}

// command prepares the program name from the bin folder.
func (r runner) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(r.bin, name), args...)
	cmd.Dir = r.dir
	cmd.Env = r.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if r.acct != nil {
		cmd.SysProcAttr.Credential = r.acct.credential()
	}
	// The server itself writes to its log file, never to our pipes; this
	// bounds the wait should some child hold them open anyway.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs the program name and returns its combined output; on failure the
// error carries the output's last lines, on one line.
func (r runner) run(ctx context.Context, name string, args ...string) (string, error) {
	out, err := r.command(ctx, name, args...).CombinedOutput()
	if err != nil {
		if tail := lastLines(string(out), 3); tail != "" {
			return string(out), fmt.Errorf("%s: %w: %s", name, err, tail)
		}
		return string(out), fmt.Errorf("%s: %w", name, err)
	}
	return string(out), nil
}

// env is this process's environment without the PG* variables, which would
// otherwise steer the programs to another cluster; when running as the
// postgres user, HOME, USER and LOGNAME name that user.
func (r runner) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") {
			continue
		}
		if r.acct != nil && (strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "USER=") || strings.HasPrefix(kv, "LOGNAME=")) {
			continue
		}
		env = append(env, kv)
	}
	if r.acct != nil {
		env = append(env, "HOME="+r.acct.home, "USER="+r.acct.name, "LOGNAME="+r.acct.name)
	}
	return env
}

// lastLines returns the last n non-blank lines of s joined by "; ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "; ")
}
