package slack

import "time"

// WaitHomeRefreshes waits until the App Home refreshes queued by DMs are done.
func WaitHomeRefreshes(a *Adapter) {
	for !a.homes.idle() {
		time.Sleep(2 * time.Millisecond)
	}
}
