package pgembed

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
)

// account is the system user the PostgreSQL programs run as when this
// process is root, since PostgreSQL refuses to run as root.
type account struct {
	name   string
	uid    int
	gid    int
	groups []int // supplementary group IDs
	home   string
}

// serverAccount returns the account to run PostgreSQL as: nil when this
// process is not root (the programs then run as the current user), else the
// "postgres" system user.
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf(`pgembed: running as root, which PostgreSQL refuses, and there is no "postgres" system user to run it as (%w): create one (useradd --system --home-dir /var/lib/postgresql postgres) or run as a normal user`, err)
	}
	a := &account{name: u.Username, home: u.HomeDir}
	if a.uid, err = strconv.Atoi(u.Uid); err != nil {
		return nil, fmt.Errorf("pgembed: postgres user id %q: %w", u.Uid, err)
	}
	if a.gid, err = strconv.Atoi(u.Gid); err != nil {
		return nil, fmt.Errorf("pgembed: postgres group id %q: %w", u.Gid, err)
	}
	ids, _ := u.GroupIds() // best effort: the primary group is enough to run
	for _, id := range ids {
		if n, err := strconv.Atoi(id); err == nil && n != a.gid {
			a.groups = append(a.groups, n)
		}
	}
	return a, nil
}

// credential returns the process credential that runs a program as a.
func (a *account) credential() *syscall.Credential {
	c := &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid)}
	for _, g := range a.groups {
		c.Groups = append(c.Groups, uint32(g))
	}
	return c
}

// inGroup reports whether a belongs to group gid.
func (a *account) inGroup(gid int) bool {
	return gid == a.gid || slices.Contains(a.groups, gid)
}

// checkTraversable returns an error naming the first existing ancestor of
// dir (dir included) that a cannot search, so that the server could not
// reach its data folder. Ancestors that do not exist yet are skipped: Start
// creates them world-searchable.
func (a *account) checkTraversable(dataDir, dir string) error {
	var chain []string
	for d := dir; ; d = filepath.Dir(d) {
		chain = append(chain, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	slices.Reverse(chain)
	for _, d := range chain {
		fi, err := os.Stat(d)
		if err != nil {
			return nil // missing from here down, or unreadable: later steps report it
		}
		if !fi.IsDir() {
			return nil
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		perm := fi.Mode().Perm()
		switch {
		case int(st.Uid) == a.uid && perm&0o100 != 0:
		case int(st.Uid) != a.uid && a.inGroup(int(st.Gid)) && perm&0o010 != 0:
		case int(st.Uid) != a.uid && !a.inGroup(int(st.Gid)) && perm&0o001 != 0:
		default:
			return folderError(dataDir, a, "pgembed: the %s user cannot reach data folder %s because %s is mode %04o: run \"chmod o+x %s\" or choose another data folder", a.name, dataDir, d, perm, d)
		}
	}
	return nil
}

// chown gives path to a.
func (a *account) chown(path string) error {
	if err := os.Lchown(path, a.uid, a.gid); err != nil {
		return fmt.Errorf("pgembed: give %s to the %s user: %w", path, a.name, err)
	}
	return nil
}

// chownTree gives dir and everything in it to a, unless dir already
// belongs to a.
func (a *account) chownTree(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("pgembed: data folder: %w", err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == a.uid && int(st.Gid) == a.gid {
		return nil
	}
	err = filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, a.uid, a.gid)
	})
	if err != nil {
		return fmt.Errorf("pgembed: give data folder %s to the %s user: %w", dir, a.name, err)
	}
	return nil
}
