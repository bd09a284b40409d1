package fakeslack

import (
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// serveSocket is the Socket Mode websocket apps.connections.open points to.
// It says hello and hands the connection to Socket.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	// slack-go dials with Origin: https://api.slack.com, as Slack expects
	up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		s.errorf("websocket upgrade: %v", err)
		return
	}
	if err := conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1}); err != nil {
		s.errorf("hello: %v", err)
	}
	select {
	case s.sockets <- conn:
	default:
		conn.Close() // nobody is taking connections
	}
}

// Socket waits up to timeout for learnbot's next Socket Mode connection.
// The caller sends envelopes on it, reads the acknowledgements and closes it.
func (s *Server) Socket(timeout time.Duration) (*websocket.Conn, error) {
	select {
	case c := <-s.sockets:
		return c, nil
	case <-time.After(timeout):
		return nil, errors.New("fake slack: no Socket Mode connection")
	}
}
