package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

var librarySyncInterval = flag.Duration("library-sync-interval", 0,
	"synchronize subscribed libraries with automatic sync enabled this often (0: never)")

// vcsim serves the content library API under its legacy REST paths only.
const (
	contentPath    = "/rest/com/vmware/content/"
	subscribedPath = contentPath + "subscribed-library"
	sessionPath    = "/rest/com/vmware/cis/session"
	publishPrefix  = "/cls/vcsp/lib/"
)

// libraryIDPath matches .../library/id:ID, .../local-library/id:ID and .../subscribed-library/id:ID.
var libraryIDPath = regexp.MustCompile(`^/rest/com/vmware/content/(library|local-library|subscribed-library)/id:([^/]+)$`)

// publishedPath is where vCenter publishes a library: /cls/vcsp/lib/ID/lib.json (vcsim leaves out lib.json).
var publishedPath = regexp.MustCompile(`^/cls/vcsp/lib/([^/]+)(/lib\.json)?$`)

// librarySync fills the gaps of govmomi's content library simulator around publishing and subscribing:
//
//   - it keeps a library's publish_info and subscription_info as vCenter does (vcsim drops them from
//     updates and returns passwords in reads, which vCenter never does), and reports the publish URL in
//     vCenter's form (…/cls/vcsp/lib/ID/lib.json);
//   - a subscription is checked the way vCenter's probe checks it (the URL must name a library this
//     vCenter publishes, with the publisher's credentials when it asks for them): creating a subscribed
//     library or synchronizing one that fails the check is refused with vCenter's resource_inaccessible
//     error (vcsim would silently sync nothing, or sync from a library that is not published), and the
//     probe action itself answers with vCenter's status codes;
//   - subscribed libraries with automatic sync enabled are synchronized every -library-sync-interval, as
//     vCenter's periodic sync does.
//
// vcsim's own sync does the copying (item metadata, .ovf/.mf files always, other files only when the
// subscription is not on demand). It cannot change a subscription's URL or on-demand setting after the
// library is created, so such an update is refused rather than silently ignored.
type librarySync struct {
	next     http.Handler
	server   *url.URL
	user     string
	password string

	mu        sync.Mutex
	libraries map[string]*libraryInfo
	session   string
}

type libraryInfo struct {
	subscription map[string]any // as last written, password included
	publication  map[string]any
}

func newLibrarySync(next http.Handler, server *url.URL, user, password string) *librarySync {
	l := &librarySync{next: next, server: server, user: user, password: password, libraries: map[string]*libraryInfo{}}
	if *librarySyncInterval > 0 {
		go l.syncAutomatically(*librarySyncInterval)
	}
	return l
}

func (l *librarySync) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := r.URL.Query().Get("~action")
	match := libraryIDPath.FindStringSubmatch(r.URL.Path)
	switch {
	case r.Method == http.MethodPost && action == "" &&
		(r.URL.Path == contentPath+"local-library" || r.URL.Path == subscribedPath):
		l.create(w, r)
	case r.Method == http.MethodPost && action == "probe" && r.URL.Path == subscribedPath:
		l.probeRequest(w, r)
	case r.Method == http.MethodPost && action == "sync" && match != nil && match[1] == "subscribed-library":
		l.sync(w, r, match[2])
	case r.Method == http.MethodPatch && match != nil:
		l.update(w, r, match[2])
	case r.Method == http.MethodGet && match != nil:
		exchange(l.next, w, r, nil, func(_, reply []byte) []byte { return l.withInfo(match[2], reply) })
	case r.Method == http.MethodDelete && match != nil:
		exchange(l.next, w, r, nil, func(_, reply []byte) []byte {
			l.mu.Lock()
			delete(l.libraries, match[2])
			l.mu.Unlock()
			return reply
		})
	default:
		l.next.ServeHTTP(w, r)
	}
}

func (l *librarySync) create(w http.ResponseWriter, r *http.Request) {
	var request struct {
		Spec struct {
			Subscription map[string]any `json:"subscription_info"`
			Publication  map[string]any `json:"publish_info"`
		} `json:"create_spec"`
	}
	body := readBody(r)
	if decodeJSON(body, &request) == nil && request.Spec.Subscription != nil {
		if status, message := l.probe(request.Spec.Subscription); status != "SUCCESS" {
			vapiError(w, "resource_inaccessible", "cannot subscribe: "+message)
			return
		}
	}
	// vcsim finds the published library by the last part of the URL, which vCenter's form ends in lib.json.
	inward := func(body []byte) []byte {
		return rewriteJSON(body, func(value any) bool {
			spec, _ := field(value, "create_spec")
			subscription, _ := field(spec, "subscription_info")
			address, ok := subscription["subscription_url"].(string)
			if ok {
				subscription["subscription_url"] = strings.TrimSuffix(address, "/lib.json")
			}
			return ok
		})
	}
	exchange(l.next, w, r, inward, func(_, reply []byte) []byte {
		var created struct {
			Value string `json:"value"`
		}
		if json.Unmarshal(reply, &created) == nil && created.Value != "" {
			l.mu.Lock()
			l.libraries[created.Value] = &libraryInfo{
				subscription: request.Spec.Subscription,
				publication:  request.Spec.Publication,
			}
			l.mu.Unlock()
		}
		return reply
	})
}

func (l *librarySync) sync(w http.ResponseWriter, r *http.Request, id string) {
	l.mu.Lock()
	info := l.libraries[id]
	l.mu.Unlock()
	if info != nil && info.subscription != nil {
		if status, message := l.probe(info.subscription); status != "SUCCESS" {
			vapiError(w, "resource_inaccessible", "cannot synchronize the library: "+message)
			return
		}
	}
	l.next.ServeHTTP(w, r)
}

func (l *librarySync) update(w http.ResponseWriter, r *http.Request, id string) {
	var request struct {
		Spec struct {
			Subscription map[string]any `json:"subscription_info"`
			Publication  map[string]any `json:"publish_info"`
		} `json:"update_spec"`
	}
	_ = decodeJSON(readBody(r), &request)
	l.mu.Lock()
	info := l.libraries[id]
	var current map[string]any
	if info != nil {
		current = info.subscription
	}
	l.mu.Unlock()
	if changed := fixedSubscriptionChange(current, request.Spec.Subscription); changed != "" {
		vapiError(w, "unsupported", "the simulated vCenter cannot change "+changed+
			" of a subscribed library; create a new library instead")
		return
	}
	exchange(l.next, w, r, nil, func(_, reply []byte) []byte {
		l.mu.Lock()
		defer l.mu.Unlock()
		info := l.libraries[id]
		if info == nil {
			info = &libraryInfo{}
			l.libraries[id] = info
		}
		info.subscription = merged(info.subscription, request.Spec.Subscription)
		info.publication = merged(info.publication, request.Spec.Publication)
		return reply
	})
}

// fixedSubscriptionChange names what an update changes that vcsim cannot ("" when nothing).
func fixedSubscriptionChange(current, update map[string]any) string {
	if current == nil || update == nil {
		return ""
	}
	if address, ok := update["subscription_url"].(string); ok && address != current["subscription_url"] {
		return "the subscription URL"
	}
	if onDemand, ok := update["on_demand"]; ok && fmt.Sprint(onDemand) != fmt.Sprint(current["on_demand"]) {
		return "the on-demand setting"
	}
	return ""
}

// merged is `current` with the fields `update` sets (vCenter's PATCH leaves the others as they are).
func merged(current, update map[string]any) map[string]any {
	if update == nil {
		return current
	}
	out := map[string]any{}
	for key, value := range current {
		out[key] = value
	}
	for key, value := range update {
		out[key] = value
	}
	return out
}

// withInfo writes the kept publish and subscription info into a library read, without passwords.
func (l *librarySync) withInfo(id string, reply []byte) []byte {
	l.mu.Lock()
	info := l.libraries[id]
	var subscription, publication map[string]any
	if info != nil {
		subscription, publication = withoutPassword(info.subscription), withoutPassword(info.publication)
	}
	l.mu.Unlock()
	return rewriteJSON(reply, func(value any) bool {
		library, ok := field(value, "value")
		if !ok || info == nil {
			return false
		}
		delete(library, "subscription_info")
		delete(library, "publish_info")
		if subscription != nil {
			library["subscription_info"] = subscription
		}
		if publication != nil {
			if published, _ := publication["published"].(bool); published {
				publication["publish_url"] = l.publishURL(id)
			} else {
				delete(publication, "publish_url")
			}
			library["publish_info"] = publication
		}
		return true
	})
}

func (l *librarySync) publishURL(id string) string {
	return (&url.URL{Scheme: "https", Host: l.server.Host, Path: publishPrefix + id + "/lib.json"}).String()
}

// probe checks a subscription as vCenter's SubscribedLibrary probe does: its status (SUCCESS,
// INVALID_URL, HOST_NOT_FOUND, RESOURCE_NOT_FOUND, INVALID_CREDENTIALS) and, unless SUCCESS, why.
func (l *librarySync) probe(subscription map[string]any) (string, string) {
	address, _ := subscription["subscription_url"].(string)
	parsed, err := url.Parse(address)
	if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
		return "INVALID_URL", fmt.Sprintf("%q is not an http or https URL", address)
	}
	if !sameServer(parsed, l.server) {
		return "HOST_NOT_FOUND", fmt.Sprintf("host %s cannot be reached (the simulated vCenter reaches "+
			"only itself, %s)", parsed.Host, l.server.Host)
	}
	match := publishedPath.FindStringSubmatch(parsed.Path)
	if match == nil {
		return "RESOURCE_NOT_FOUND", fmt.Sprintf("%s is not a published library's URL (%sID/lib.json)",
			address, publishPrefix)
	}
	l.mu.Lock()
	source := l.libraries[match[1]]
	var publication map[string]any
	if source != nil {
		publication = source.publication
	}
	l.mu.Unlock()
	if published, _ := publication["published"].(bool); !published {
		return "RESOURCE_NOT_FOUND", fmt.Sprintf("no library is published at %s", address)
	}
	if method, _ := publication["authentication_method"].(string); method == "BASIC" {
		if subscription["user_name"] != userOf(publication) || subscription["password"] != publication["password"] {
			return "INVALID_CREDENTIALS", fmt.Sprintf("the library published at %s refused the credentials",
				address)
		}
	}
	return "SUCCESS", ""
}

// userOf is the user a published library expects (vCenter publishes with the user vcsp).
func userOf(publication map[string]any) any {
	if user, ok := publication["user_name"].(string); ok && user != "" {
		return user
	}
	return "vcsp"
}

func sameServer(address, server *url.URL) bool {
	if address.Port() != server.Port() {
		return false
	}
	loopback := map[string]bool{"127.0.0.1": true, "localhost": true, "::1": true}
	return address.Hostname() == server.Hostname() || (loopback[address.Hostname()] && loopback[server.Hostname()])
}

func (l *librarySync) probeRequest(w http.ResponseWriter, r *http.Request) {
	var request struct {
		Subscription map[string]any `json:"subscription_info"`
	}
	if decodeJSON(readBody(r), &request) != nil || request.Subscription == nil {
		vapiError(w, "invalid_argument", "subscription_info is required")
		return
	}
	status, message := l.probe(request.Subscription)
	result := map[string]any{"status": status}
	if message != "" {
		result["error_messages"] = []any{vapiMessage(message)}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"value": result})
}

// syncAutomatically is vCenter's periodic synchronization of subscribed libraries.
func (l *librarySync) syncAutomatically(every time.Duration) {
	for range time.Tick(every) {
		l.mu.Lock()
		var due []string
		for id, info := range l.libraries {
			if info.subscription != nil && info.subscription["automatic_sync_enabled"] != false {
				due = append(due, id)
			}
		}
		l.mu.Unlock()
		for _, id := range due {
			if code, reply := l.call(http.MethodPost, subscribedPath+"/id:"+id+"?~action=sync"); code/100 != 2 {
				log.Printf("automatic sync of library %s: %d %s", id, code, reply)
			}
		}
	}
}

// call makes a request of the simulator itself as the configured user (logging in when needed).
func (l *librarySync) call(method, target string) (int, string) {
	for attempt := 0; attempt < 2; attempt++ {
		l.mu.Lock()
		session := l.session
		l.mu.Unlock()
		if session == "" {
			login := httptest.NewRequest(http.MethodPost, sessionPath, nil)
			login.SetBasicAuth(l.user, l.password)
			recorder := httptest.NewRecorder()
			l.next.ServeHTTP(recorder, login)
			var created struct {
				Value string `json:"value"`
			}
			if json.Unmarshal(recorder.Body.Bytes(), &created) != nil || created.Value == "" {
				return recorder.Code, recorder.Body.String()
			}
			session = created.Value
			l.mu.Lock()
			l.session = session
			l.mu.Unlock()
		}
		request := httptest.NewRequest(method, target, bytes.NewReader(nil))
		request.Header.Set(sessionHeader, session)
		recorder := httptest.NewRecorder()
		l.ServeHTTP(recorder, request)
		if recorder.Code != http.StatusUnauthorized {
			return recorder.Code, recorder.Body.String()
		}
		l.mu.Lock()
		l.session = ""
		l.mu.Unlock()
	}
	return http.StatusUnauthorized, "login refused"
}

func readBody(r *http.Request) []byte {
	var buffer bytes.Buffer
	if r.Body != nil {
		_, _ = buffer.ReadFrom(r.Body)
		_ = r.Body.Close()
	}
	r.Body = io.NopCloser(bytes.NewReader(buffer.Bytes()))
	return buffer.Bytes()
}

func withoutPassword(info map[string]any) map[string]any {
	if info == nil {
		return nil
	}
	out := map[string]any{}
	for key, value := range info {
		if key != "password" && key != "current_password" {
			out[key] = value
		}
	}
	return out
}

// field is value[key] as an object.
func field(value any, key string) (map[string]any, bool) {
	object, ok := value.(map[string]any)
	if !ok {
		return nil, false
	}
	inner, ok := object[key].(map[string]any)
	return inner, ok
}

func vapiMessage(text string) map[string]any {
	return map[string]any{"id": "vmservice.vcsim.content.library", "default_message": text, "args": []any{}}
}

// vapiError answers 400 with a vAPI error of the legacy REST form ({"type", "value": {"messages"}}).
func vapiError(w http.ResponseWriter, kind, text string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type":  "com.vmware.vapi.std.errors." + kind,
		"value": map[string]any{"messages": []any{vapiMessage(text)}},
	})
}
