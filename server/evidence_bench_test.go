package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
)

// BenchmarkUpload20MiB uploads a 20 MiB photo through the real router and
// handler into PostgreSQL and reports how far the Go heap rose above its
// level before the request (peak-heap-MiB, sampled every millisecond; it
// includes garbage not yet collected) and how much was allocated per
// upload in all (alloc-MiB/op). A handler that read the file into memory
// would show a peak of 20 MiB or more.
//
//	go test -run '^$' -bench Upload20MiB -benchtime 5x ./server/
func BenchmarkUpload20MiB(b *testing.B) {
	const size = 20 << 20
	db, srv, _ := newServer(b, nil)
	people := store.NewPeople(db, testAccessPolicy())
	u, err := people.CreateUser(context.Background(), cases.NewUser{
		Email: "upload-bench@example.com", DisplayName: "Bench", Role: cases.RoleAgent, Password: testPassword,
	})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := people.CreateToken(cases.WithActor(context.Background(), u.Actor()), "bench")
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	auth := "Bearer " + tok.Token
	body, _ := json.Marshal(newCaseBody())
	req := httptest.NewRequest(http.MethodPost, "/api/v1/cases", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var c cases.Case
	if err := json.Unmarshal(rec.Body.Bytes(), &c); err != nil || rec.Code != http.StatusCreated {
		b.Fatalf("create case: %d %s", rec.Code, rec.Body)
	}
	path := fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID)

	var peak, allocated uint64
	b.SetBytes(size)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		// Different content each time, so that every upload is stored.
		body, ct := multipartBody(b, field("kind", "photo"),
			part{name: "file", fileName: "big.jpg", body: streamOf(jpegMagic, size, uint64(i+1))})
		req := httptest.NewRequest(http.MethodPost, path, body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		sampler := sampleHeap()
		b.StartTimer()

		h.ServeHTTP(rec, req)

		b.StopTimer()
		top := sampler()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if rec.Code != http.StatusCreated {
			b.Fatalf("upload: %d %s", rec.Code, rec.Body)
		}
		if top > before.HeapAlloc {
			peak = max(peak, top-before.HeapAlloc)
		}
		allocated += after.TotalAlloc - before.TotalAlloc
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(allocated)/float64(b.N)/(1<<20), "alloc-MiB/op")
}

// sampleHeap samples the heap's size every millisecond until the returned
// function is called, which returns the largest size seen.
func sampleHeap() func() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var top uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		metrics.Read(s)
		return max(top, s[0].Value.Uint64())
	}
}
