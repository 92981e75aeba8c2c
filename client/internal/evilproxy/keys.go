package evilproxy

import (
	"encoding/json"

	"cipherleaf.dev/shared/protocol"
)

// Routes of the account keys and the sign-in (SPEC §7.1, §7.2).
const (
	RouteKeys     = "GET /account/keys"
	RouteParams   = "POST /auth/params"
	RouteLogin    = "POST /auth/login"
	RouteRecovery = "POST /auth/recovery"
)

// Rewrite decodes every successful answer of route as T, lets f change it
// and encodes it again: a server that answers what it likes about keys and
// key derivation (SPEC §3.1). An answer that does not decode passes as is.
func Rewrite[T any](name, route string, f func(*T)) Attack {
	return Attack{name: name, body: func(x *exchange, body []byte) []byte {
		if x.route != route {
			return body
		}
		var v T
		if json.Unmarshal(body, &v) != nil {
			return body
		}
		f(&v)
		out, err := json.Marshal(&v)
		if err != nil {
			return body
		}
		return out
	}}
}

// AddSuccessors serves extra successors after the real ones in GET
// /account/keys: forged ones, made with a key the attacker holds.
func AddSuccessors(blobs ...[]byte) Attack {
	return Rewrite("add successors", RouteKeys, func(k *protocol.KeysResponse) {
		k.Successors = append(k.Successors, blobs...)
		k.Successor = k.Successors[len(k.Successors)-1]
	})
}

// ServeWrappedKey answers GET /account/keys and POST /auth/login with an
// old password wrap the server kept (a stale wrap, SPEC §3.1 L2).
func ServeWrappedKey(wk []byte) Attack {
	keys := Rewrite("stale wrap", RouteKeys, func(k *protocol.KeysResponse) { k.WrappedKey = wk })
	login := Rewrite("stale wrap", RouteLogin, func(l *protocol.LoginResponse) { l.WrappedKey = wk })
	return Attack{name: "stale wrap", body: func(x *exchange, body []byte) []byte {
		return login.body(x, keys.body(x, body))
	}}
}

// SwapKDF answers every KDF the server states (params, login, recovery,
// keys) with k: other parameters or another salt (SPEC §3.1 L5).
func SwapKDF(k protocol.KDF) Attack {
	parts := []Attack{
		Rewrite("", RouteParams, func(p *protocol.ParamsResponse) { p.KDF = k }),
		Rewrite("", RouteLogin, func(l *protocol.LoginResponse) { l.KDF = k }),
		Rewrite("", RouteRecovery, func(r *protocol.RecoveryResponse) { r.KDF = k }),
		Rewrite("", RouteKeys, func(r *protocol.KeysResponse) { r.KDF = k }),
	}
	return Attack{name: "swap kdf", body: func(x *exchange, body []byte) []byte {
		for _, a := range parts {
			body = a.body(x, body)
		}
		return body
	}}
}

// Keep hands every request body sent to route to f: the server keeps every
// wrap it is ever sent (SPEC §3.1), and an attacker with an old secret
// tries them all.
func Keep(route string, f func(body []byte)) Attack {
	return Attack{name: "keep " + route, sent: func(x *exchange, body []byte) {
		if x.route == route {
			f(append([]byte(nil), body...))
		}
	}}
}

// InjectChange serves c in the last page of the feed, in place of the
// change of the same note (a blob the attacker made).
func InjectChange(c protocol.Change) Attack {
	return Attack{name: "inject change " + c.ID, page: func(x *exchange, pg *protocol.ChangesResponse) {
		if pg.More {
			return
		}
		if i := findChange(pg, c.ID); i >= 0 {
			pg.Changes = append(pg.Changes[:i], pg.Changes[i+1:]...)
		}
		c.Seq = pg.Next + 1
		pg.Changes = append(pg.Changes, c)
		pg.Next = c.Seq
	}}
}

// Routes that carry wraps from a device to the server.
const (
	RouteRegister = "POST /auth/register"
	RoutePutKeys  = "PUT /account/keys"
	RoutePassword = "POST /account/password"
	RouteRecover  = "POST /auth/recover"
)
