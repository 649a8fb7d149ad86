package main

import "testing"

// go test runs in bench/, the folder make bench runs the benchmark from, so
// a script the benchmark could not find fails here rather than minutes into
// a run.
func TestEveryScenarioFindsItsPgbenchScript(t *testing.T) {
	for _, sc := range scenarios() {
		if _, err := scriptPath(sc.script); err != nil {
			t.Errorf("%s: %v", sc.name, err)
		}
	}
}
