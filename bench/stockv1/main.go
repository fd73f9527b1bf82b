// Command stockv1 is the stock Wish v1 + Bubble Tea v1 baseline for the load
// benchmark: the smallest server most SSH portfolios run on today. It lives
// in its own module so the product's module stays on the v2 line alone.
//
// It listens on -addr (port 0 picks a free port) and prints the bound
// address as the first line of standard output.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/activeterm"
	bm "github.com/charmbracelet/wish/bubbletea"
)

// model shows one line with the name and counts keys, so the load tool can
// see a keypress take effect.
type model struct{ keys int }

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		if k.String() == "q" || k.String() == "ctrl+c" {
			return m, tea.Quit
		}
		m.keys++
	}
	return m, nil
}

func (m model) View() string { return "Wenging Luo · keys " + strconv.Itoa(m.keys) }

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	hostKey := flag.String("host-key", "stockv1_ed25519", "host key path (created if missing)")
	flag.Parse()

	srv, err := wish.NewServer(
		wish.WithHostKeyPath(*hostKey),
		wish.WithMiddleware(
			bm.Middleware(func(ssh.Session) (tea.Model, []tea.ProgramOption) {
				return model{}, nil
			}),
			activeterm.Middleware(),
		),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stockv1:", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stockv1:", err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, ssh.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "stockv1:", err)
		os.Exit(1)
	}
}
