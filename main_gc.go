package main

import "runtime/debug"

// Collector settings of `redress serve`, unless GOGC or GOMEMLIMIT set them.
const (
	serveGCPercent  = 300
	serveMemoryCeil = 120 << 20 // bytes of Go memory; the process stays under 150 MiB
)

// tuneGC sets the garbage collector for the server. Its live heap is small
// (about 10 MiB under load) while a list page allocates a few hundred KiB,
// so at the default GOGC=100 it collected dozens of times a second: 12-15%
// of the server's CPU on the queue page. GOGC=300 lets the heap grow to four
// times its live size between collections (the resident set went from about
// 36 to 55 MiB), and the soft memory limit makes it collect harder whenever
// Go's memory nears 120 MiB, as during a burst of sign-ins (each argon2id
// hash holds 64 MiB).
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryCeil)
	}
}
