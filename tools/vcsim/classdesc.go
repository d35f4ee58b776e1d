package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// vmClassesPath is govmomi's namespace simulator route for VM classes (vapi/namespace/internal.VmClassesPath).
const vmClassesPath = "/api/vcenter/namespace-management/virtual-machine-classes"

// classDescriptions fills a gap of govmomi's namespace simulator: it drops a VM class's description, which
// vCenter keeps. Wrapped around the server's handler, it remembers the description of every successful
// create and update (an update without one keeps the old, as vCenter does) and writes it into class reads.
type classDescriptions struct {
	next http.Handler
	mu   sync.Mutex
	byID map[string]string
}

func newClassDescriptions(next http.Handler) *classDescriptions {
	return &classDescriptions{next: next, byID: map[string]string{}}
}

func (c *classDescriptions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := classPathID(r.URL.Path)
	if !ok {
		c.next.ServeHTTP(w, r)
		return
	}
	exchange(c.next, w, r, nil, func(body, reply []byte) []byte {
		return c.observe(r.Method, id, body, reply)
	})
}

// classPathID returns the class id of .../virtual-machine-classes/ID ("" for the collection) and whether
// the path is a VM class route at all.
func classPathID(path string) (string, bool) {
	if path == vmClassesPath || path == vmClassesPath+"/" {
		return "", true
	}
	id, found := strings.CutPrefix(path, vmClassesPath+"/")
	return id, found && !strings.Contains(id, "/")
}

// observe records what a successful request changed and returns the reply to send.
func (c *classDescriptions) observe(method, id string, body, reply []byte) []byte {
	var spec struct {
		ID          string  `json:"id"`
		Description *string `json:"description"`
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch method {
	case http.MethodPost:
		if json.Unmarshal(body, &spec) == nil && id == "" {
			if spec.Description != nil {
				c.byID[spec.ID] = *spec.Description
			} else {
				delete(c.byID, spec.ID)
			}
		}
	case http.MethodPatch:
		if json.Unmarshal(body, &spec) == nil && spec.Description != nil {
			c.byID[id] = *spec.Description
		}
	case http.MethodDelete:
		delete(c.byID, id)
	case http.MethodGet:
		return c.withDescriptions(reply)
	}
	return reply
}

// withDescriptions fills the recorded descriptions into a class (object) or a list of classes (array).
func (c *classDescriptions) withDescriptions(reply []byte) []byte {
	return rewriteJSON(reply, func(decoded any) bool {
		switch value := decoded.(type) {
		case map[string]any:
			c.fill(value)
		case []any:
			for _, item := range value {
				if class, ok := item.(map[string]any); ok {
					c.fill(class)
				}
			}
		default:
			return false
		}
		return true
	})
}

func (c *classDescriptions) fill(class map[string]any) {
	id, _ := class["id"].(string)
	if description, ok := c.byID[id]; ok {
		class["description"] = description
	}
}
