package main

import (
	"net/http"
	"strings"
)

// The spellings of a VM class's Dynamic DirectPath I/O devices: vCenter's (its API definition; its docs
// print the lower-case form) and the one govmomi's simulator decodes (vapi/namespace.VirtualDevices).
const (
	directPathVCenter = "dynamic_direct_path_IO_devices"
	directPathGovmomi = "direct_path_io_devices"
)

// classDevices fills a gap of govmomi's namespace simulator: it decodes a class's DirectPath devices under
// a name vCenter does not use, so a class created the vCenter way loses them. Wrapped around the server's
// handler, it renames the devices on their way in (create, update) and back on their way out (reads), so
// vCenter's clients keep them, as vCenter does. vGPU devices need no help.
type classDevices struct {
	next http.Handler
}

func newClassDevices(next http.Handler) *classDevices {
	return &classDevices{next: next}
}

func (c *classDevices) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := classPathID(r.URL.Path); !ok {
		c.next.ServeHTTP(w, r)
		return
	}
	inward := func(body []byte) []byte {
		return rewriteJSON(body, func(value any) bool {
			class, ok := value.(map[string]any)
			return ok && renameDevices(class, directPathVCenter, directPathGovmomi)
		})
	}
	outward := func(_, reply []byte) []byte {
		if r.Method != http.MethodGet {
			return reply
		}
		return rewriteJSON(reply, func(value any) bool {
			renamed := false
			switch value := value.(type) {
			case map[string]any:
				renamed = renameDevices(value, directPathGovmomi, directPathVCenter)
			case []any:
				for _, item := range value {
					if class, ok := item.(map[string]any); ok {
						renamed = renameDevices(class, directPathGovmomi, directPathVCenter) || renamed
					}
				}
			}
			return renamed
		})
	}
	exchange(c.next, w, r, inward, outward)
}

// renameDevices renames class["devices"][from] (any letter case) to `to`; whether it found one.
func renameDevices(class map[string]any, from, to string) bool {
	devices, ok := class["devices"].(map[string]any)
	if !ok {
		return false
	}
	for key, list := range devices {
		if strings.EqualFold(key, from) {
			delete(devices, key)
			devices[to] = list
			return true
		}
	}
	return false
}
