package pgembed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// clusterExists reports whether dir holds an initialized cluster. initCluster
// moves a cluster into place only once initdb has finished, so a PG_VERSION
// file means a whole cluster.
func clusterExists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "PG_VERSION"))
	return err == nil
}

// initCluster runs initdb for a new cluster at l.dataDir whose superuser
// "redress" has the password in l.password. initdb works in a scratch folder
// beside l.dataDir that is renamed into place on success, so a failed or
// interrupted run never leaves a half-made cluster behind.
//
// The cluster gets a UTF-8 LC_CTYPE (trigram search over Chinese text needs
// one): C.UTF-8, else en_US.UTF-8, else the ICU locale provider.
func initCluster(ctx context.Context, r runner, l layout) error {
	scratch := filepath.Join(l.parent, "."+filepath.Base(l.dataDir)+".initdb")
	if err := os.RemoveAll(scratch); err != nil { // left by an interrupted run
		return fmt.Errorf("pgembed: remove %s: %w", scratch, err)
	}
	attempts := [][]string{{"--locale=C.UTF-8"}, {"--locale=en_US.UTF-8"}}
	if out, _ := r.run(ctx, "initdb", "--help"); strings.Contains(out, "--locale-provider") {
		attempts = append(attempts, []string{"--locale-provider=icu", "--icu-locale=und"})
	}
	var err error
	for _, locale := range attempts {
		if err = os.Mkdir(scratch, 0o700); err != nil {
			return fmt.Errorf("pgembed: data folder %s is not writable: %w", l.dataDir, err)
		}
		if r.acct != nil {
			if err = r.acct.chown(scratch); err != nil {
				os.RemoveAll(scratch)
				return err
			}
		}
		args := append([]string{
			"-D", scratch, "-U", superuser, "--auth=scram-sha-256",
			"--pwfile=" + l.password, "--encoding=UTF8",
		}, locale...)
		var out string
		out, err = r.run(ctx, "initdb", args...)
		if err == nil {
			break
		}
		os.RemoveAll(scratch)
		if !strings.Contains(strings.ToLower(out), "locale") {
			break // not a locale problem: another locale will not help
		}
	}
	if err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	if err := os.Remove(l.dataDir); err != nil && !os.IsNotExist(err) { // an empty folder made beforehand
		os.RemoveAll(scratch)
		return fmt.Errorf("pgembed: replace empty data folder %s: %w", l.dataDir, err)
	}
	if err := os.Rename(scratch, l.dataDir); err != nil {
		os.RemoveAll(scratch)
		return fmt.Errorf("pgembed: move new cluster into %s: %w", l.dataDir, err)
	}
	return nil
}
