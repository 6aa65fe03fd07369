// Package sms is the text-message transport. Partner Center has no SMS
// gateway of its own: messages are kept in the outbox, and a Provider for a
// real gateway can be plugged in without touching the callers.
package sms

import "context"

// Provider delivers one text message. An error means "try again later".
type Provider interface {
	Send(ctx context.Context, to, body string) error
}
