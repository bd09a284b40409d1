package discord

import "time"

// WithGatewayRetry shortens the first wait after a failed gateway
// connection, for tests.
func WithGatewayRetry(d time.Duration) Option { return func(a *Adapter) { a.gatewayRetry = d } }
