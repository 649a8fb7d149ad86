package pgembed

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// prepareParent makes sure the data folder's parent exists and is writable,
// creating missing folders (mode 0755, so the postgres user can search
// them). On failure nothing is left behind; on success undo removes what it
// created, for a first start that fails later.
func prepareParent(l layout, acct *account) (undo func(), err error) {
	undo = func() {}
	if acct != nil {
		if err := acct.checkTraversable(l.dataDir, l.parent); err != nil {
			return undo, err
		}
	}
	var missing []string
	for d := l.parent; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var created []string
	undo = func() {
		for i := len(created) - 1; i >= 0; i-- {
			os.Remove(created[i])
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		if err := os.Mkdir(d, 0o755); err != nil {
			undo()
			return func() {}, folderError(l.dataDir, acct, "pgembed: cannot create data folder %s: %w", l.dataDir, err)
		}
		created = append(created, d)
		if err := os.Chmod(d, 0o755); err != nil { // past the umask
			undo()
			return func() {}, folderError(l.dataDir, acct, "pgembed: cannot create data folder %s: %w", l.dataDir, err)
		}
	}
	fi, err := os.Stat(l.parent)
	if err == nil && !fi.IsDir() {
		err = fmt.Errorf("%s is not a folder", l.parent)
	}
	if err != nil {
		undo()
		return func() {}, folderError(l.dataDir, acct, "pgembed: cannot create data folder %s: %w", l.dataDir, err)
	}
	probe, err := os.CreateTemp(l.parent, ".pgembed-probe-*")
	if err != nil {
		undo()
		return func() {}, folderError(l.dataDir, acct, "pgembed: data folder %s is not writable: %w", l.dataDir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return undo, nil
}

// checkInitTarget makes sure dir is missing or an empty folder, so that a
// new cluster may be put there.
func checkInitTarget(dir string, acct *account) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return folderError(dir, acct, "pgembed: data folder %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return folderError(dir, acct, "pgembed: data folder %s is not empty and holds no PostgreSQL cluster (no PG_VERSION): empty it or choose another folder", dir)
	}
	return nil
}

// ensureLogFile creates the server log if missing and, when running as
// root, gives it to the postgres user, since pg_ctl opens it as that user.
func ensureLogFile(path string, acct *account) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("pgembed: server log: %w", err)
	}
	f.Close()
	if acct != nil {
		return acct.chown(path)
	}
	return nil
}
