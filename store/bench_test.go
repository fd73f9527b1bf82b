package store_test

import (
	"context"
	"testing"

	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/storetest"
)

// BenchmarkStore measures the store's calls on each engine, one at a
// time: what one visitor's message (Submit, with the webhook outbox) and
// the owner's reading (Get, List) cost, statement preparation included.
// The PostgreSQL half needs RESUME_TEST_DATABASE_URL, as the tests do.
//
//	go test -run '^$' -bench Store -benchmem ./store
func BenchmarkStore(b *testing.B) {
	for _, eng := range storetest.Engines {
		b.Run(eng.Name, func(b *testing.B) {
			o := eng.Fresh(b)
			o.Limits = store.Limits{} // a benchmark is not a flood
			o.Outbox = true
			ctx := context.Background()
			st, err := store.Open(ctx, o)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = st.Close() })
			sub := store.Submission{
				Name: "Jane Roe", Contact: "jane@example.com", Body: "Hello,\nthis is a message.",
				Meta: store.Meta{Via: "ssh", RemoteAddr: "2001:db8::1", KeyFingerprint: "SHA256:abc", ClientVersion: "SSH-2.0-OpenSSH_9.6"},
			}
			id, err := st.Submit(ctx, sub)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("Submit", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.Submit(ctx, sub); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Get", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.Get(ctx, id); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("List10", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.List(ctx, 10); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("MarkRead", func(b *testing.B) {
				for b.Loop() {
					if err := st.MarkRead(ctx, id); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
