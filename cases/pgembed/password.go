package pgembed

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// readPassword returns the superuser password kept in path.
func readPassword(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("pgembed: password file %s is missing, so the existing cluster cannot be reached: restore it, or delete the data folder to start afresh", path)
	}
	if err != nil {
		return "", fmt.Errorf("pgembed: password file: %w", err)
	}
	pw := strings.TrimSpace(string(b))
	if pw == "" {
		return "", fmt.Errorf("pgembed: password file %s is empty", path)
	}
	return pw, nil
}

// loadOrCreatePassword returns the password kept in path, first writing a
// new random one there (mode 0600) when the file is missing; created
// reports the latter.
func loadOrCreatePassword(path string) (pw string, created bool, err error) {
	if _, err := os.Stat(path); err == nil {
		pw, err := readPassword(path)
		return pw, false, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", false, fmt.Errorf("pgembed: password: %w", err)
	}
	pw = hex.EncodeToString(b)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, fmt.Errorf("pgembed: password file: %w", err)
	}
	if _, err := f.WriteString(pw + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return "", false, fmt.Errorf("pgembed: password file: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", false, fmt.Errorf("pgembed: password file: %w", err)
	}
	return pw, true, nil
}
