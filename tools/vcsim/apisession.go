package main

// apiSessions serves vCenter's current login path, POST/GET/DELETE /api/session (vCenter 7.0 U2 and later),
// which govmomi's simulator lacks: a login there opens a session through the simulator's own
// /rest/com/vmware/cis/session endpoint, so the token it returns is good for every REST path the simulator
// serves, and answers as vCenter does (201 with the token as a JSON string).
//
// For tests it also keeps what a real vCenter cannot tell them:
//   - sessions expire: those older than -api-session-ttl (0: never), and all of them on
//     POST /vcsim/api-session/expire; a request with an expired token is answered 401, like vCenter;
//   - GET /vcsim/api-session reports {"logins": successful /api/session logins, "credentials": {user: count of
//     requests that carried that user's name, as HTTP Basic auth or in a SOAP Login}}, so a test can prove
//     from the server's side that a client sent no credentials (the TLS handshake failed first).

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"time"
)

const (
	apiSessionPath    = "/api/session"
	legacySessionPath = "/rest/com/vmware/cis/session"
	sessionHeader     = "vmware-api-session-id"
	controlPath       = "/vcsim/api-session"
)

var soapUserName = regexp.MustCompile(`<userName>([^<]*)</userName>`)

type apiSessions struct {
	next        http.Handler
	ttl         time.Duration
	mu          sync.Mutex
	issued      map[string]time.Time // tokens opened through /api/session, with their login time
	logins      int
	credentials map[string]int
}

func newAPISessions(next http.Handler, ttl time.Duration) *apiSessions {
	return &apiSessions{next: next, ttl: ttl, issued: map[string]time.Time{}, credentials: map[string]int{}}
}

func (s *apiSessions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.countCredentials(r)
	switch r.URL.Path {
	case controlPath:
		s.report(w)
		return
	case controlPath + "/expire":
		s.expireAll()
		w.WriteHeader(http.StatusNoContent)
		return
	case apiSessionPath:
		s.session(w, r)
		return
	}
	if token := r.Header.Get(sessionHeader); token != "" && s.expired(token) {
		s.end(token)
	}
	s.next.ServeHTTP(w, r)
}

// countCredentials notes the user name a request carries, before anything else can refuse it.
func (s *apiSessions) countCredentials(r *http.Request) {
	user, _, ok := r.BasicAuth()
	if !ok && r.Method == http.MethodPost && r.URL.Path == "/sdk" && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			if match := soapUserName.FindSubmatch(body); match != nil {
				user, ok = string(match[1]), true
			}
		}
	}
	if ok {
		s.mu.Lock()
		s.credentials[user]++
		s.mu.Unlock()
	}
}

func (s *apiSessions) session(w http.ResponseWriter, r *http.Request) {
	token := r.Header.Get(sessionHeader)
	switch r.Method {
	case http.MethodPost:
		inner := s.legacy(r, http.MethodPost, "")
		if inner.Code != http.StatusOK {
			w.WriteHeader(inner.Code)
			return
		}
		var answer struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(inner.Body.Bytes(), &answer); err != nil || answer.Value == "" {
			http.Error(w, "vcsim: no session in the simulator's answer", http.StatusInternalServerError)
			return
		}
		s.mu.Lock()
		s.issued[answer.Value] = time.Now()
		s.logins++
		s.mu.Unlock()
		writeJSON(w, http.StatusCreated, answer.Value)
	case http.MethodDelete:
		s.end(token)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodGet:
		if token == "" || s.expired(token) || s.legacy(r, http.MethodGet, token).Code != http.StatusOK {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"user": "user"})
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// legacy sends a request to the simulator's own session endpoint and returns its recorded answer.
func (s *apiSessions) legacy(r *http.Request, method, token string) *httptest.ResponseRecorder {
	inner := httptest.NewRequest(method, legacySessionPath, nil)
	if user, password, ok := r.BasicAuth(); ok && token == "" {
		inner.SetBasicAuth(user, password)
	}
	inner.Header.Set("vmware-use-header-authn", "true")
	if token != "" {
		inner.Header.Set(sessionHeader, token)
	}
	recorder := httptest.NewRecorder()
	s.next.ServeHTTP(recorder, inner)
	return recorder
}

func (s *apiSessions) expired(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	issued, ok := s.issued[token]
	return ok && s.ttl > 0 && time.Since(issued) > s.ttl
}

// end closes a session in the simulator, so its token is refused from now on.
func (s *apiSessions) end(token string) {
	if token == "" {
		return
	}
	s.legacy(&http.Request{Header: http.Header{}}, http.MethodDelete, token)
	s.mu.Lock()
	delete(s.issued, token)
	s.mu.Unlock()
}

func (s *apiSessions) expireAll() {
	s.mu.Lock()
	tokens := make([]string, 0, len(s.issued))
	for token := range s.issued {
		tokens = append(tokens, token)
	}
	s.mu.Unlock()
	for _, token := range tokens {
		s.end(token)
	}
}

func (s *apiSessions) report(w http.ResponseWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	credentials := make(map[string]int, len(s.credentials))
	for user, count := range s.credentials {
		credentials[user] = count
	}
	writeJSON(w, http.StatusOK, map[string]any{"logins": s.logins, "credentials": credentials})
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(value)
}
