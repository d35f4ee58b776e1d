package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// namespacesPath is govmomi's namespace simulator route for vSphere Namespaces (vapi/namespace/internal).
const namespacesPath = "/api/vcenter/namespaces/instances"

// namespaceFields are the parts of a vSphere Namespace that govmomi's namespace simulator drops and vCenter
// keeps: the storage policies with their limits, the CPU/memory/storage limits, the content libraries
// with their writability (vSphere 8.0 U2+), and the access list (who may view, edit or own it).
var namespaceFields = []string{"storage_specs", "resource_spec", "content_libraries", "access_list"}

// namespaceSpecs fills that gap of govmomi's namespace simulator: wrapped around the server's handler, it
// remembers those fields of every successful create and update (an update that leaves one out keeps it, as
// vCenter's PATCH does) and writes them into namespace reads. The Supervisor simulator turns them into the
// namespace's quotas, ContentLibrary objects and RoleBindings, as a Supervisor does.
type namespaceSpecs struct {
	next   http.Handler
	mu     sync.Mutex
	byName map[string]map[string]json.RawMessage
}

func newNamespaceSpecs(next http.Handler) *namespaceSpecs {
	return &namespaceSpecs{next: next, byName: map[string]map[string]json.RawMessage{}}
}

func (n *namespaceSpecs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := namespacePathName(r.URL.Path)
	if !ok {
		n.next.ServeHTTP(w, r)
		return
	}
	exchange(n.next, w, r, nil, func(body, reply []byte) []byte {
		return n.observe(r.Method, name, body, reply)
	})
}

// namespacePathName returns the namespace of .../instances/NAME ("" for the collection) and whether the
// path is a namespace route at all (actions such as .../NAME/registervm are not).
func namespacePathName(path string) (string, bool) {
	if path == namespacesPath || path == namespacesPath+"/" {
		return "", true
	}
	name, found := strings.CutPrefix(path, namespacesPath+"/")
	return name, found && !strings.Contains(name, "/")
}

func (n *namespaceSpecs) observe(method, name string, body, reply []byte) []byte {
	var fields map[string]json.RawMessage
	n.mu.Lock()
	defer n.mu.Unlock()
	switch method {
	case http.MethodPost:
		if name == "" && json.Unmarshal(body, &fields) == nil {
			var created string
			if json.Unmarshal(fields["namespace"], &created) == nil {
				n.byName[created] = kept(fields, nil)
			}
		}
	case http.MethodPatch:
		if json.Unmarshal(body, &fields) == nil {
			n.byName[name] = kept(fields, n.byName[name])
		}
	case http.MethodDelete:
		delete(n.byName, name)
	case http.MethodGet:
		if name != "" {
			return n.withFields(name, reply)
		}
	}
	return reply
}

// kept are the remembered fields after a request that sends `fields` (those it leaves out stay as before).
func kept(fields, before map[string]json.RawMessage) map[string]json.RawMessage {
	after := map[string]json.RawMessage{}
	for key, value := range before {
		after[key] = value
	}
	for _, key := range namespaceFields {
		if value, ok := fields[key]; ok {
			after[key] = value
		}
	}
	return after
}

func (n *namespaceSpecs) withFields(name string, reply []byte) []byte {
	remembered := n.byName[name]
	if len(remembered) == 0 {
		return reply
	}
	var decoded map[string]json.RawMessage
	if json.Unmarshal(reply, &decoded) != nil {
		return reply
	}
	for key, value := range remembered {
		decoded[key] = value
	}
	out, err := json.Marshal(decoded)
	if err != nil {
		return reply
	}
	return out
}
