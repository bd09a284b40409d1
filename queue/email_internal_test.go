package queue

import "testing"

// TestInvitationEmailBase: jobs queued before the token was minted at send
// time carried the whole link; the new link keeps its base and nothing of
// its token.
func TestInvitationEmailBase(t *testing.T) {
	for _, c := range []struct {
		args InvitationEmailArgs
		want string
	}{
		{InvitationEmailArgs{PublicURL: "https://lb.example"}, "https://lb.example"},
		{InvitationEmailArgs{OldLink: "https://lb.example/invite/old-token"}, "https://lb.example"},
		{InvitationEmailArgs{PublicURL: "https://new.example", OldLink: "https://lb.example/invite/t"}, "https://new.example"},
	} {
		if got := c.args.base(); got != c.want {
			t.Errorf("%+v: base %q, want %q", c.args, got, c.want)
		}
	}
}
