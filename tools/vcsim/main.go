// Command vcsim runs govmomi's vCenter simulator (SOAP and REST) for the project's tests and its
// Supervisor simulator. govmomi's own vcsim command lives in a module whose replace directives stop it
// from being built as a dependency, so this small main wires up the same simulator packages.
//
// It prints one JSON line on stdout once the server listens: {"url", "thumbprint", "certFile", "govmomi"}
// (the last is the govmomi module version it was built from).
//
// Where govmomi's simulator drops what vCenter keeps and a test depends on it, a small wrapper around the
// server's handler fills the gap (classdesc.go: VM class descriptions; classdevices.go: their DirectPath
// devices; nsspecs.go: a namespace's storage policies, limits, content-library writability and access
// list; nsstatus.go: a namespace CONFIGURING until the Supervisor has made it; libsync.go: publishing,
// subscribing and automatic sync of content libraries; apisession.go: POST /api/session, with expiring
// sessions and counters a test reads).
package main

import (
	"crypto/sha1"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/vmware/govmomi/simulator"

	// Endpoints beside the SOAP API: vAPI REST (sessions, content library, tags, vcenter/vm),
	// namespace management, storage policies, lookup and STS.
	_ "github.com/vmware/govmomi/lookup/simulator"
	_ "github.com/vmware/govmomi/pbm/simulator"
	_ "github.com/vmware/govmomi/sts/simulator"
	_ "github.com/vmware/govmomi/vapi/cluster/simulator"
	_ "github.com/vmware/govmomi/vapi/namespace/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator"
	_ "github.com/vmware/govmomi/vapi/vm/simulator"
)

func main() {
	listen := flag.String("l", "127.0.0.1:0", "listen address (host:port; port 0 picks a free one)")
	username := flag.String("username", "user", "login user name")
	password := flag.String("password", "pass", "login password")
	datacenters := flag.Int("dc", 1, "number of datacenters")
	clusters := flag.Int("cluster", 1, "clusters per datacenter")
	hosts := flag.Int("host", 3, "hosts per cluster")
	datastores := flag.Int("ds", 1, "number of datastores")
	machines := flag.Int("vm", 0, "virtual machines per resource pool")
	pools := flag.Int("pool", 0, "child resource pools per cluster")
	certFile := flag.String("tlscert", "", "PEM certificate to serve (default: a generated localhost certificate)")
	keyFile := flag.String("tlskey", "", "PEM key for -tlscert")
	certOut := flag.String("cert-out", "", "write the served certificate (PEM) to this file")
	sessionTTL := flag.Duration("api-session-ttl", 0, "sessions opened through /api/session expire after this (0: never)")
	flag.Parse()

	model := simulator.VPX()
	model.Datacenter = *datacenters
	model.Cluster = *clusters
	model.ClusterHost = *hosts
	model.Host = 0
	model.Datastore = *datastores
	model.Machine = *machines
	model.Pool = *pools
	model.Autostart = false
	if err := model.Create(); err != nil {
		log.Fatalf("vcsim: create model: %v", err)
	}
	defer model.Remove()

	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*username, *password)}
	model.Service.RegisterEndpoints = true
	model.Service.TLS = new(tls.Config)
	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			log.Fatalf("vcsim: load certificate: %v", err)
		}
		model.Service.TLS.Certificates = []tls.Certificate{cert}
	}

	server := model.Service.NewServer()
	defer server.Close()
	// NewServer has started serving, but nobody knows the port before the JSON line below is printed, so
	// replacing the handler here races with no request.
	server.Config.Handler = newAPISessions(newLibrarySync(
		newNamespaceStatus(newClassDevices(newNamespaceSpecs(newClassDescriptions(server.Config.Handler)))),
		server.URL, *username, *password), *sessionTTL)

	cert := server.Certificate()
	if *certOut != "" {
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
		if err := os.WriteFile(*certOut, pemBytes, 0o600); err != nil {
			log.Fatalf("vcsim: write certificate: %v", err)
		}
	}
	sum := sha1.Sum(cert.Raw)
	hexParts := make([]string, len(sum))
	for i, b := range sum {
		hexParts[i] = fmt.Sprintf("%02X", b)
	}
	info := map[string]string{
		"url":        server.URL.String(),
		"thumbprint": strings.Join(hexParts, ":"),
		"certFile":   *certOut,
		"govmomi":    govmomiVersion(),
	}
	if err := json.NewEncoder(os.Stdout).Encode(info); err != nil {
		log.Fatal(err)
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}

// govmomiVersion is the version of the govmomi module this binary was built from ("unknown" without
// build information).
func govmomiVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/vmware/govmomi" {
				return dep.Version
			}
		}
	}
	return "unknown"
}
