package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/laphets/resume/internal/safetext"
)

// Webhook delivers the outbox: each new message is POSTed as JSON
// (WebhookPayload) to URL until the receiver answers 2xx. A failure is
// retried after Retry, doubling each time up to MaxRetry. The outbox is in
// the store, so a webhook that is down loses nothing and a restart (or
// another replica) resumes delivery. A receiver that takes a message but
// whose answer is lost gets it again: delivery is at least once, and the
// id lets a receiver drop a repeat.
type Webhook struct {
	URL      string
	Client   *http.Client  // nil: a client with a 10 s timeout
	Retry    time.Duration // first retry delay; 0: 5 s
	MaxRetry time.Duration // longest retry delay; 0: 10 min
	Poll     time.Duration // how often to look for due entries; 0: 1 s
	Log      *slog.Logger  // nil: slog.Default()
}

// WebhookPayload is the JSON body of a delivery. Text is a one-line
// summary, the field Slack- and Mattermost-style incoming webhooks show.
type WebhookPayload struct {
	ID       string    `json:"id"`
	From     string    `json:"from"`
	Contact  string    `json:"contact"`
	Message  string    `json:"message"`
	Received time.Time `json:"received"`
	Via      string    `json:"via"`
	Text     string    `json:"text"`
}

// Payload is the webhook body for m.
func Payload(m Message) WebhookPayload {
	first, _, _ := strings.Cut(m.Body, "\n")
	first = safetext.Clip(first, 120)
	return WebhookPayload{
		ID: m.ID, From: m.Name, Contact: m.Contact, Message: m.Body, Received: m.Received, Via: m.Meta.Via,
		Text: fmt.Sprintf("New message from %s <%s>: %s", m.Name, m.Contact, first),
	}
}

// Run delivers until ctx ends.
func (w *Webhook) Run(ctx context.Context, st Store) {
	client, retry, maxRetry, poll, log := w.Client, w.Retry, w.MaxRetry, w.Poll, w.Log
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if retry <= 0 {
		retry = 5 * time.Second
	}
	if maxRetry <= 0 {
		maxRetry = 10 * time.Minute
	}
	if poll <= 0 {
		poll = time.Second
	}
	if log == nil {
		log = slog.Default()
	}
	// The lease outlives a request: another replica does not send the
	// same entry while this one is still waiting for an answer. After a
	// crash, the entry waits this long before another try.
	lease := client.Timeout + 5*time.Second
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			d, ok, err := st.NextDelivery(ctx, time.Now(), lease)
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("webhook outbox", "err", err.Error())
				}
				break
			}
			if !ok {
				break
			}
			w.deliver(ctx, st, client, d, retry, maxRetry, log)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *Webhook) deliver(ctx context.Context, st Store, client *http.Client, d Delivery, retry, maxRetry time.Duration, log *slog.Logger) {
	id := d.Message.ID
	err := w.post(ctx, client, Payload(d.Message))
	// The outbox is updated even when ctx has just ended: a delivery that
	// went through is recorded, and one a shutdown cut short goes back at
	// once instead of waiting out its lease.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err == nil {
		if err := st.Delivered(bg, id); err != nil {
			log.Warn("webhook delivered, outbox not updated", "id", id, "err", err.Error())
			return
		}
		log.Info("webhook delivered", "id", id, "attempts", d.Attempts+1)
		return
	}
	if ctx.Err() != nil {
		if err := st.RetryAt(bg, id, time.Now(), "interrupted by a shutdown"); err != nil {
			log.Warn("webhook outbox", "id", id, "err", err.Error())
		}
		return
	}
	delay := retry
	for i := 0; i < d.Attempts && delay < maxRetry; i++ {
		delay *= 2
	}
	delay = min(delay, maxRetry)
	log.Warn("webhook failed, will retry", "id", id, "attempts", d.Attempts+1, "retry_in", delay, "err", err.Error())
	if err := st.RetryAt(bg, id, time.Now().Add(delay), err.Error()); err != nil {
		log.Warn("webhook outbox", "id", id, "err", err.Error())
	}
}

func (w *Webhook) post(ctx context.Context, client *http.Client, p WebhookPayload) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "resume-webhook")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }() // drained below; nothing to do on failure
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
