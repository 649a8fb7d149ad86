package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"redress/server/config"
	"strings"
	"testing"
	"time"
)

func TestPprofAddrMustBeLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:6060", true},
		{"[::1]:6060", true},
		{"localhost:6060", true},
		{"0.0.0.0:6060", false},
		{":6060", false},
		{"10.1.2.3:6060", false},
		{"pprof.example.com:6060", false},
		{"127.0.0.1", false},
		{"127.0.0.1:http-nope", false},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			cfg, err := config.Load(func(k string) string {
				return map[string]string{"REDRESS_PPROF_ADDR": tc.addr}[k]
			})
			if tc.ok {
				if err != nil || cfg.PprofAddr != tc.addr {
					t.Fatalf("LoadConfig = %q, %v; want it accepted", cfg.PprofAddr, err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), "REDRESS_PPROF_ADDR: ") {
				t.Fatalf("LoadConfig error = %v; want one naming REDRESS_PPROF_ADDR", err)
			}
		})
	}
}

func TestServeRunsTheProfilerOnlyWhenConfigured(t *testing.T) {
	pprofAddr := freeLoopbackAddr(t)
	for _, tc := range []struct {
		name string
		vars map[string]string
		want bool
	}{
		{"Off", nil, false},
		{"OnItsOwnListener", map[string]string{"REDRESS_PPROF_ADDR": pprofAddr}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := newServerLoggingTo(t, tc.vars, io.Discard)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ctx, ln) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("Serve: %v", err)
				}
			}()
			// The API never serves the profiler, whatever the setting.
			if code := getStatus(t, "http://"+ln.Addr().String()+"/debug/pprof/cmdline"); code == http.StatusOK {
				t.Fatalf("the API listener served /debug/pprof/")
			}
			got := getStatus(t, "http://"+pprofAddr+"/debug/pprof/cmdline") == http.StatusOK
			if got != tc.want {
				t.Fatalf("profiler answering on %s = %v, want %v", pprofAddr, got, tc.want)
			}
		})
	}
}

// getStatus returns the status of GET url, retrying briefly while the
// server starts; 0 when nothing answers.
func getStatus(t *testing.T, url string) int {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	for range 50 {
		resp, err := client.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body) //nolint:errcheck
			resp.Body.Close()
			return resp.StatusCode
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
