package apiclient

import (
	"context"
	"errors"
	"testing"
)

// TestConfigRefresh: with Config.Refresh, every refresh goes through it. It
// may adopt a pair without a request, or call trade, which spends the held
// refresh token; an ErrSessionExpired from it ends the session.
func TestConfigRefresh(t *testing.T) {
	held := Tokens{Access: "old", Refresh: "r1", SessionID: "s1", UserID: "u1"}
	tests := []struct {
		name          string
		refresh       func(context.Context, Tokens, func(context.Context) (Tokens, error)) (Tokens, error)
		wantTokens    Tokens
		wantErr       error
		wantRefreshes int32
	}{
		{"adopt without a request", func(_ context.Context, got Tokens, _ func(context.Context) (Tokens, error)) (Tokens, error) {
			if got != held {
				return Tokens{}, errors.New("held tokens not passed")
			}
			return Tokens{Access: "new", Refresh: "r2", SessionID: "s1", UserID: "u1"}, nil
		}, Tokens{Access: "new", Refresh: "r2", SessionID: "s1", UserID: "u1"}, nil, 0},
		{"trade", func(ctx context.Context, _ Tokens, trade func(context.Context) (Tokens, error)) (Tokens, error) {
			return trade(ctx)
		}, Tokens{Access: "new", Refresh: "r2", SessionID: "s1", UserID: "u1"}, nil, 1},
		{"session ended", func(context.Context, Tokens, func(context.Context) (Tokens, error)) (Tokens, error) {
			return Tokens{}, ErrSessionExpired
		}, held, ErrSessionExpired, 0},
		{"empty pair", func(context.Context, Tokens, func(context.Context) (Tokens, error)) (Tokens, error) {
			return Tokens{}, nil
		}, held, ErrBadResponse, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := &authServer{}
			srv := newServer(t, as)
			c := newTestClient(t, srv, Config{Tokens: held, Refresh: tt.refresh})
			_, err := c.Sessions(context.Background())
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Sessions() err = %v, want %v", err, tt.wantErr)
			}
			if got := c.Tokens(); got != tt.wantTokens {
				t.Errorf("Tokens() = %+v, want %+v", got, tt.wantTokens)
			}
			if got := as.refreshes.Load(); got != tt.wantRefreshes {
				t.Errorf("refresh requests = %d, want %d", got, tt.wantRefreshes)
			}
		})
	}
}
