package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestTuneGCKeepsTheOperatorsSettings(t *testing.T) {
	restorePercent := debug.SetGCPercent(100)
	restoreLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(restorePercent)
		debug.SetMemoryLimit(restoreLimit)
	})
	for _, tc := range []struct {
		name        string
		env         map[string]string
		wantPercent int
		wantLimit   int64
	}{
		{"Defaults", nil, serveGCPercent, serveMemoryCeil},
		{"GOGCSet", map[string]string{"GOGC": "50"}, 100, serveMemoryCeil},
		{"GOMEMLIMITSet", map[string]string{"GOMEMLIMIT": "1GiB"}, serveGCPercent, math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			tuneGC(envOf(tc.env))
			if got := debug.SetGCPercent(100); got != tc.wantPercent {
				t.Errorf("GC percent %d, want %d", got, tc.wantPercent)
			}
			if got := debug.SetMemoryLimit(-1); got != tc.wantLimit {
				t.Errorf("memory limit %d, want %d", got, tc.wantLimit)
			}
		})
	}
}
