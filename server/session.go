package server

import (
	"time"
)

// Session is one signed-in device of a user.
type Session struct {
	ID          string
	UserID      int64
	DeviceName  string
	RefreshHash []byte // SHA-256 of the current refresh token
	Created     time.Time
	LastSeen    time.Time
}

// SessionAuth is what every authenticated request checks about its session.
type SessionAuth struct {
	UserID   int64
	UID      string
	Disabled bool
	LastSeen time.Time
}
