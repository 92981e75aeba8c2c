package evilproxy

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cipherleaf.dev/shared/protocol"
)

var errPin = errors.New("upstream certificate does not match the pin")

// Proxy is a scripted man in the middle in front of one cipherleafd. It
// handles one request at a time, so scripts and recordings are consistent.
type Proxy struct {
	srv      *httptest.Server
	fp       string
	upstream *url.URL
	client   *http.Client

	mu       sync.Mutex
	rec      *recorder
	attacks  []Attack
	branches map[string]*branch           // session id → the forked view it is served
	held     map[string][]protocol.Change // ReorderPages: changes held back per session
}

// New starts a proxy on a loopback port with a fresh self-signed
// certificate, forwarding to upstreamURL whose certificate must match
// upstreamPin ("sha256:<hex>"). Devices connect to URL() pinning Fingerprint().
func New(upstreamURL, upstreamPin string) (*Proxy, error) {
	u, err := url.Parse(upstreamURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("evilproxy: upstream %q is not an https URL", upstreamURL)
	}
	cert, fp, err := selfSigned()
	if err != nil {
		return nil, fmt.Errorf("evilproxy: certificate: %w", err)
	}
	p := &Proxy{
		fp: fp, upstream: u, rec: newRecorder(),
		branches: map[string]*branch{}, held: map[string][]protocol.Change{},
		client: &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{TLSClientConfig: pinnedTLS(upstreamPin)},
		},
	}
	p.srv = httptest.NewUnstartedServer(p)
	p.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut by Close
	p.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	p.srv.StartTLS()
	return p, nil
}

// URL returns the proxy's base URL, https://127.0.0.1:PORT.
func (p *Proxy) URL() string { return p.srv.URL }

// Fingerprint returns the pin of the proxy's own certificate.
func (p *Proxy) Fingerprint() string { return p.fp }

// Close stops the proxy.
func (p *Proxy) Close() {
	p.srv.Close()
	p.client.CloseIdleConnections()
}

// Script replaces the active attacks; no argument makes the proxy honest
// again (forks stay until Unfork).
func (p *Proxy) Script(attacks ...Attack) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.attacks = slices.Clone(attacks)
	clear(p.held)
}

// Sessions returns the devices seen so far.
func (p *Proxy) Sessions() []Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Session
	for _, s := range p.rec.sessions {
		out = append(out, Session{ID: s.ID, User: s.User})
	}
	slices.SortFunc(out, func(a, b Session) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Recorded returns every note blob seen so far, oldest first.
func (p *Proxy) Recorded() []Recorded {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.rec.blobs)
}

// route names an API request, e.g. "GET /notes"; "" for the rest.
func route(r *http.Request) string {
	path, ok := strings.CutPrefix(r.URL.Path, protocol.PathPrefix)
	if !ok {
		return ""
	}
	if strings.HasPrefix(path, "/notes/") && path != "/notes/batch" {
		path = "/notes/{id}"
	}
	if strings.HasPrefix(path, "/attachments/") {
		path = "/attachments/{id}"
	}
	return r.Method + " " + path
}

// ServeHTTP forwards one request (or serves it from a fork), records what
// passed and applies the script to the answer.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	reqBody, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read request", http.StatusBadRequest)
		return
	}
	x := &exchange{p: p, sess: p.rec.session(r.Header.Get("Authorization")), route: route(r), attID: attachmentID(r)}
	if x.sess == nil {
		x.sess = &Session{}
	}
	for _, a := range p.attacks {
		if a.request != nil && a.applies(x) {
			a.request(x, r)
		}
		if a.sent != nil && a.applies(x) {
			a.sent(x, reqBody)
		}
	}
	var status int
	var header http.Header
	var body []byte
	answered := false
	for _, a := range p.attacks {
		if a.answer != nil && a.applies(x) && !answered {
			status, body, answered = a.answer(x, r)
		}
	}
	if answered {
		header = http.Header{"Content-Type": {"application/json"}}
	} else if br := p.branches[x.sess.ID]; br != nil && br.serves(x.route) {
		status, body = br.serve(x.route, r, reqBody)
		header = http.Header{"Content-Type": {"application/json"}}
	} else {
		status, header, body, err = p.forward(r, reqBody)
		if err != nil {
			http.Error(w, "upstream: "+err.Error(), http.StatusBadGateway)
			return
		}
	}
	x.status = status
	p.record(x, reqBody, status, body)
	p.recordAttachment(x, reqBody, status)
	body = p.rewrite(x, status, body)
	for k, v := range header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	send := len(body)
	for _, a := range p.attacks {
		if a.cut != nil && a.applies(x) {
			if n, ok := a.cut(x, body); ok {
				send = n
				break
			}
		}
	}
	if x.route == RouteGetAttachment {
		p.rec.attGets = append(p.rec.attGets, AttachmentRequest{User: x.sess.User, ID: x.attID,
			Range: r.Header.Get("Range"), Status: status, Sent: send})
	}
	w.WriteHeader(status)
	w.Write(body[:send])
	if send < len(body) {
		http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler) // drops the connection mid-answer
	}
}

func (p *Proxy) forward(r *http.Request, body []byte) (int, http.Header, []byte, error) {
	u := *p.upstream
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, out, err
}

// fetchChanges reads one feed page upstream on behalf of sess.
func (p *Proxy) fetchChanges(sess *Session, since uint64) (*protocol.ChangesResponse, error) {
	u := *p.upstream
	u.Path = protocol.PathPrefix + "/notes"
	u.RawQuery = url.Values{"since": {strconv.FormatUint(since, 10)}, "limit": {strconv.Itoa(protocol.MaxPageLimit)}}.Encode()
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", sess.auth)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch changes: status %d", resp.StatusCode)
	}
	var pg protocol.ChangesResponse
	if err := json.NewDecoder(resp.Body).Decode(&pg); err != nil {
		return nil, fmt.Errorf("fetch changes: %w", err)
	}
	return &pg, nil
}

// record keeps every blob and manifest that passed, and the last answer of
// each route per user (for WrongUser).
func (p *Proxy) record(x *exchange, reqBody []byte, status int, body []byte) {
	user := x.sess.User
	if user == "" {
		return
	}
	switch x.route {
	case RouteChanges:
		var pg protocol.ChangesResponse
		if status == http.StatusOK && json.Unmarshal(body, &pg) == nil {
			for _, c := range pg.Changes {
				p.rec.blob(user, c.ID, c.Rev, c.Blob)
			}
			p.rec.manifest(user, pg.Manifest)
		}
	case RouteGetManifest:
		var m protocol.Manifest
		if status == http.StatusOK && json.Unmarshal(body, &m) == nil {
			p.rec.manifest(user, &m)
		}
	case RouteBatch:
		var req protocol.BatchRequest
		if json.Unmarshal(reqBody, &req) == nil {
			for _, op := range req.Ops {
				p.rec.blob(user, op.ID, op.BaseRev+1, op.Blob)
			}
		}
		var resp protocol.BatchResponse
		if status == http.StatusOK && json.Unmarshal(body, &resp) == nil {
			if resp.Applied && req.Manifest != nil {
				p.rec.manifest(user, &protocol.Manifest{Version: req.Manifest.BaseVersion + 1, Blob: req.Manifest.Blob})
			}
			p.rec.manifest(user, resp.Manifest)
		}
	case RoutePutManifest:
		var req protocol.PutManifestRequest
		if status == http.StatusOK && json.Unmarshal(reqBody, &req) == nil {
			p.rec.manifest(user, &protocol.Manifest{Version: req.BaseVersion + 1, Blob: req.Blob})
		}
	}
	if status == http.StatusOK && (x.route == RouteChanges || x.route == RouteGetManifest) {
		if p.rec.lastBody[x.route] == nil {
			p.rec.lastBody[x.route] = map[string][]byte{}
		}
		p.rec.lastBody[x.route][user] = slices.Clone(body)
	}
}

// rewrite applies the script to an answer.
func (p *Proxy) rewrite(x *exchange, status int, body []byte) []byte {
	var active []Attack
	for _, a := range p.attacks {
		if a.applies(x) {
			active = append(active, a)
		}
	}
	if len(active) == 0 {
		return body
	}
	manifest := func(m *protocol.Manifest) *protocol.Manifest {
		for _, a := range active {
			if a.manifest != nil {
				m = a.manifest(x, m)
			}
		}
		return m
	}
	switch {
	case x.route == RouteChanges && status == http.StatusOK:
		body = recode(body, func(pg *protocol.ChangesResponse) {
			for _, a := range active {
				if a.page != nil {
					a.page(x, pg)
				}
			}
			if !pg.More {
				pg.Manifest = manifest(pg.Manifest)
			}
		})
	case x.route == RouteGetManifest && status == http.StatusOK:
		body = recode(body, func(m *protocol.Manifest) {
			if n := manifest(m); n != nil {
				*m = *n
			} else {
				*m = protocol.Manifest{}
			}
		})
	case x.route == RouteBatch && status == http.StatusOK:
		body = recode(body, func(resp *protocol.BatchResponse) {
			if resp.Manifest != nil {
				resp.Manifest = manifest(resp.Manifest)
			}
		})
	case x.route == RoutePutManifest && status == http.StatusConflict:
		body = recode(body, func(c *protocol.ManifestConflict) {
			if n := manifest(&c.Current); n != nil {
				c.Current = *n
			}
		})
	}
	for _, a := range active {
		if a.body != nil {
			body = a.body(x, body)
		}
	}
	return body
}

// recode decodes body as T, lets f change it and encodes it again; a body
// that does not decode is left alone.
func recode[T any](body []byte, f func(*T)) []byte {
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
}
