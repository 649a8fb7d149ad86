package pgembed

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// pidFile is what a running server records in DATADIR/postmaster.pid.
type pidFile struct {
	pid  int    // line 1: the postmaster's process ID
	port int    // line 4: the TCP port
	host string // line 6: first listen address, "" when not listening on TCP
}

// pidFilePath names the lock file of the cluster in dataDir.
func pidFilePath(dataDir string) string {
	return filepath.Join(dataDir, "postmaster.pid")
}

// readPidFile reads dataDir's postmaster.pid; ok is false when there is
// none.
func readPidFile(dataDir string) (pf pidFile, ok bool, err error) {
	path := pidFilePath(dataDir)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return pidFile{}, false, nil
	}
	if errors.Is(err, fs.ErrPermission) {
		return pidFile{}, false, folderError(dataDir, nil, "pgembed: cannot read data folder %s: %w", dataDir, err)
	}
	if err != nil {
		return pidFile{}, false, fmt.Errorf("pgembed: read %s: %w", path, err)
	}
	lines := strings.Split(string(b), "\n")
	line := func(n int) string {
		if n > len(lines) {
			return ""
		}
		return strings.TrimSpace(lines[n-1])
	}
	if pf.pid, err = strconv.Atoi(line(1)); err != nil || pf.pid <= 0 {
		return pidFile{}, false, fmt.Errorf("pgembed: %s has no process ID on line 1: if no server uses this folder, delete the file", path)
	}
	pf.port, _ = strconv.Atoi(line(4))
	pf.host, _, _ = strings.Cut(line(6), ",")
	pf.host = strings.TrimSpace(pf.host)
	return pf, true, nil
}

// connectHost is the address to reach a server listening on pf.host.
func (pf pidFile) connectHost() string {
	switch pf.host {
	case "", "*", "0.0.0.0", "::":
		return "127.0.0.1"
	}
	return pf.host
}

// processAlive reports whether process pid exists and is not a zombie. A
// process owned by another user (EPERM) counts as alive.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	return !zombie(pid)
}

// zombie reports whether pid has exited but not been reaped, which a
// signal probe cannot tell from running. It reads /proc and answers false
// where there is none.
func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and may
	// itself hold spaces or parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return false
	}
	return b[i+2] == 'Z'
}
