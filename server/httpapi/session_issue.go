package httpapi

import (
	"fmt"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/tokens"
	"cipherleaf.dev/shared/protocol"
)

// newSession prepares a session for device with a fresh refresh token.
func (a *api) newSession(device string) (*server.Session, string, error) {
	sid, err := a.newUUID()
	if err != nil {
		return nil, "", err
	}
	rt, rh, err := tokens.NewRefresh(a.Rand)
	if err != nil {
		return nil, "", err
	}
	return &server.Session{ID: sid, DeviceName: device, RefreshHash: rh}, rt, nil
}

// loginResponse issues an access token for sess and builds the answer of
// register, login, refresh and recover.
func (a *api) loginResponse(u *server.User, sid, refresh string) (*protocol.LoginResponse, error) {
	at, err := a.Access.Issue(u.UID, sid)
	if err != nil {
		return nil, fmt.Errorf("issue access token: %w", err)
	}
	return &protocol.LoginResponse{
		AccessToken:  at,
		RefreshToken: refresh,
		ExpiresIn:    int(a.Access.TTL().Seconds()),
		UserID:       u.UID,
		SessionID:    sid,
		WrappedKey:   u.WrappedKey,
		KDF:          u.KDF,
	}, nil
}
