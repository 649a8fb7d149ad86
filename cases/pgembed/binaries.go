package pgembed

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// serverBinaries returns the programs a bin folder must hold to run a
// cluster.
func serverBinaries() []string { return []string{"initdb", "pg_ctl", "postgres"} }

// FindBinaries returns a folder holding the PostgreSQL server binaries
// initdb, pg_ctl and postgres. With dirs nil it searches, in order: PATH (all
// three must resolve, through symlinks, to one folder), pg_config --bindir,
// /usr/lib/postgresql/*/bin (highest major version first),
// /usr/local/opt/postgresql*/bin, /opt/homebrew/opt/postgresql*/bin and
// /usr/local/pgsql/bin. With dirs non-nil it searches only dirs. When nothing
// fits, the error wraps ErrNoBinaries.
func FindBinaries(dirs []string) (string, error) {
	if dirs != nil {
		for _, d := range dirs {
			if hasServerBinaries(d) {
				return d, nil
			}
		}
		return "", noBinariesError(dirs)
	}
	if d, ok := binDirFromPath(); ok {
		return d, nil
	}
	if d, ok := binDirFromPgConfig(); ok {
		return d, nil
	}
	for _, pattern := range []string{
		"/usr/lib/postgresql/*/bin",
		"/usr/local/opt/postgresql*/bin",
		"/opt/homebrew/opt/postgresql*/bin",
		"/usr/local/pgsql/bin",
	} {
		for _, d := range globByVersion(pattern) {
			if hasServerBinaries(d) {
				return d, nil
			}
		}
	}
	return "", noBinariesError([]string{
		"PATH", "pg_config --bindir", "/usr/lib/postgresql/*/bin",
		"/usr/local/opt/postgresql*/bin", "/opt/homebrew/opt/postgresql*/bin",
		"/usr/local/pgsql/bin",
	})
}

// binDirFromPath finds the three binaries on PATH and returns their folder
// when, after resolving symlinks, they all live in the same one.
func binDirFromPath() (string, bool) {
	dir := ""
	for _, name := range serverBinaries() {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", false
		}
		if p, err = filepath.EvalSymlinks(p); err != nil {
			return "", false
		}
		if p, err = filepath.Abs(p); err != nil {
			return "", false
		}
		switch d := filepath.Dir(p); {
		case dir == "":
			dir = d
		case d != dir:
			return "", false
		}
	}
	return dir, true
}

// binDirFromPgConfig asks pg_config, when it is on PATH, for its bin folder.
func binDirFromPgConfig() (string, bool) {
	p, err := exec.LookPath("pg_config")
	if err != nil {
		return "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, p, "--bindir").Output()
	if err != nil {
		return "", false
	}
	d := strings.TrimSpace(string(out))
	return d, d != "" && hasServerBinaries(d)
}

// hasServerBinaries reports whether dir holds executable initdb, pg_ctl and
// postgres files.
func hasServerBinaries(dir string) bool {
	for _, name := range serverBinaries() {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// globByVersion expands pattern and orders the matches newest version first;
// matches without a version (e.g. Homebrew's plain "postgresql") come last.
func globByVersion(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	star := strings.Index(pattern, "*")
	version := func(path string) [2]int {
		if star < 0 || star > len(path) {
			return [2]int{-1, -1}
		}
		return parseVersion(path[star:])
	}
	slices.SortStableFunc(matches, func(a, b string) int {
		va, vb := version(a), version(b)
		if va[0] != vb[0] {
			return vb[0] - va[0]
		}
		return vb[1] - va[1]
	})
	return matches
}

// parseVersion reads the first "major[.minor]" number in s, as in "15/bin" or
// "@9.6/bin"; it returns {-1, -1} when s holds no digits.
func parseVersion(s string) [2]int {
	i := strings.IndexAny(s, "0123456789")
	if i < 0 {
		return [2]int{-1, -1}
	}
	var v [2]int
	for part := range 2 {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		v[part], _ = strconv.Atoi(s[i:j])
		if part == 0 && (j+1 >= len(s) || s[j] != '.' || s[j+1] < '0' || s[j+1] > '9') {
			break
		}
		i = j + 1
	}
	return v
}
