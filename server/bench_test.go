package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
)

// The two benchmarks below measure the cost of bearer-token
// authentication against the cheapest route, through a real HTTP server
// and client with 16 concurrent callers. Compare their req/s:
//
//	go test -run '^$' -bench 'Healthz|MeWithBearerToken' ./server/

func BenchmarkHealthz(b *testing.B) {
	_, srv := newBenchServer(b)
	benchGet(b, srv, "/healthz", "")
}

func BenchmarkMeWithBearerToken(b *testing.B) {
	db, srv := newBenchServer(b)
	people := store.NewPeople(db, testAccessPolicy())
	u, err := people.CreateUser(context.Background(), cases.NewUser{
		Email: "bench@example.com", DisplayName: "Bench", Role: cases.RoleAgent, Password: testPassword,
	})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := people.CreateToken(cases.WithActor(context.Background(), u.Actor()), "bench")
	if err != nil {
		b.Fatal(err)
	}
	benchGet(b, srv, "/api/v1/me", "Bearer "+tok.Token)
}

// newBenchServer is a server whose pool is sized as in production
// (store.Open) and whose log goes nowhere, so that neither the test pool's
// defaults nor a growing buffer skews the figures.
func newBenchServer(b *testing.B) (*sqlx.DB, http.Handler) {
	db, srv := newServerLoggingTo(b, nil, io.Discard)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	return db, srv.Handler()
}

// benchGet requests path from 16 goroutines and reports requests per second.
func benchGet(b *testing.B, h http.Handler, path, authorization string) {
	ts := httptest.NewServer(h)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
			if authorization != "" {
				req.Header.Set("Authorization", authorization)
			}
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body) //nolint:errcheck
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("GET %s = %d", path, resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
