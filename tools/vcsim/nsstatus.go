package main

import (
	"encoding/json"
	"flag"
	"net/http"
	"strings"
	"sync"
)

var namespaceStatusFromSupervisor = flag.Bool("namespace-status-from-supervisor", false,
	"new vSphere Namespaces stay CONFIGURING until the Supervisor reports them configured with "+
		"POST "+configuredPath+"NAME")

// configuredPath is where the Supervisor simulator reports a namespace it has set up (not a vCenter API:
// on vSphere the Supervisor's own agents report to vCenter).
const configuredPath = "/vmservice-sim/configured-namespaces/"

// namespaceStatus fills a gap of govmomi's namespace simulator: it reports every namespace RUNNING the
// moment it is created, while vCenter reports CONFIGURING until the Supervisor has made the namespace
// (its Kubernetes namespace, permissions, VM classes and images). With -namespace-status-from-supervisor,
// a new namespace reads CONFIGURING until the Supervisor simulator says it is done, so a program that waits
// for RUNNING can use the namespace at once, as on vSphere.
type namespaceStatus struct {
	next        http.Handler
	mu          sync.Mutex
	configuring map[string]bool
}

func newNamespaceStatus(next http.Handler) http.Handler {
	if !*namespaceStatusFromSupervisor {
		return next
	}
	return &namespaceStatus{next: next, configuring: map[string]bool{}}
}

func (n *namespaceStatus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, configuredPath); ok && r.Method == http.MethodPost {
		n.mu.Lock()
		delete(n.configuring, name)
		n.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	name, ok := namespacePathName(r.URL.Path)
	if !ok {
		n.next.ServeHTTP(w, r)
		return
	}
	exchange(n.next, w, r, nil, func(body, reply []byte) []byte {
		n.mu.Lock()
		defer n.mu.Unlock()
		switch r.Method {
		case http.MethodPost:
			var created struct {
				Namespace string `json:"namespace"`
			}
			if name == "" && json.Unmarshal(body, &created) == nil && created.Namespace != "" {
				n.configuring[created.Namespace] = true
			}
		case http.MethodDelete:
			delete(n.configuring, name)
		case http.MethodGet:
			return rewriteJSON(reply, func(value any) bool { return n.withStatus(name, value) })
		}
		return reply
	})
}

// withStatus sets config_status CONFIGURING on the namespace `name` (a read of one) or on the namespaces
// of a list (name "") that the Supervisor has not reported configured yet.
func (n *namespaceStatus) withStatus(name string, value any) bool {
	mark := func(namespace map[string]any, name string) bool {
		if n.configuring[name] {
			namespace["config_status"] = "CONFIGURING"
			return true
		}
		return false
	}
	switch value := value.(type) {
	case map[string]any:
		return mark(value, name)
	case []any:
		changed := false
		for _, item := range value {
			if namespace, ok := item.(map[string]any); ok {
				listed, _ := namespace["namespace"].(string)
				changed = mark(namespace, listed) || changed
			}
		}
		return changed
	}
	return false
}
