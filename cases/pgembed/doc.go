// Package pgembed starts a private PostgreSQL server from the machine's own
// PostgreSQL binaries, the laptop default when DATABASE_URL is unset.
package pgembed
