package server

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/storetest"
)

// BenchmarkMessageSSH accepts messages over SSH from 20 concurrent
// senders, each on its own connection, one `message --from` session per
// message, on each engine; it reports messages/s and the p50 and p99 time
// from opening the session to its exit status (the acknowledgement, after
// the commit). docs/performance.md quotes it:
//
//	RESUME_TEST_DATABASE_URL=... go test -run '^$' -bench MessageSSH -benchtime 4000x ./server
func BenchmarkMessageSSH(b *testing.B) {
	const senders = 20
	for _, e := range storetest.Engines {
		b.Run(e.Name, func(b *testing.B) {
			o := e.Fresh(b)
			o.Limits = store.Limits{} // the benchmark measures the store, not the limits
			st := storetest.Open(b, o)
			cfg := DefaultConfig()
			cfg.Addr, cfg.DataDir = "127.0.0.1:0", b.TempDir()
			cfg.RatePerIP, cfg.BurstPerIP, cfg.MaxSessionsPerIP = 1e6, 1e6, 1000
			s, err := New(cfg, discardLogger(), WithStore(st))
			if err != nil {
				b.Fatal(err)
			}
			ts := (&testServer{Server: s, logs: &testutil.Buffer{}}).serve(b)
			clients := make([]*gossh.Client, senders)
			for i := range clients {
				c, err := gossh.Dial("tcp", ts.addr, ts.clientConfig("bench"))
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				clients[i] = c
			}
			var next atomic.Int64
			var mu sync.Mutex
			lat := make([]time.Duration, 0, b.N)
			body := strings.Repeat("A benchmark message of a few lines.\n", 8)
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for _, c := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						t0 := time.Now()
						sess, err := c.NewSession()
						if err != nil {
							b.Error(err)
							return
						}
						var out bytes.Buffer
						sess.Stdin, sess.Stdout = strings.NewReader(body), &out
						err = sess.Run(`message --from "Bench Sender <bench@example.com>"`)
						d := time.Since(t0)
						_ = sess.Close()
						if err != nil || out.Len() != 17 {
							b.Errorf("message: %v %q", err, out.String())
							return
						}
						mu.Lock()
						lat = append(lat, d)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) == 0 {
				return
			}
			pct := func(p float64) float64 {
				return float64(lat[min(int(p*float64(len(lat))), len(lat)-1)].Microseconds()) / 1000
			}
			b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(0, "ns/op")
			if testing.Verbose() {
				fmt.Printf("%s: %d messages in %s\n", e.Name, len(lat), elapsed.Round(time.Millisecond))
			}
		})
	}
}
