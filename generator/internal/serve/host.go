package serve

import (
	"net"
	"os"
	"strings"
)

// A hostPolicy decides which Host headers the server answers. A web page
// elsewhere could otherwise read the preview by DNS rebinding: its own
// name, made to resolve to 127.0.0.1, would reach this server as the
// page's own origin, and with it the drafts and the file paths in error
// messages. So the server answers only the loopback names and the
// address it listens on: names that no other site can own.
type hostPolicy struct {
	names   map[string]bool // names and addresses answered, lower case, without brackets
	anyIP   bool            // any address too: the server listens on every interface
	exposed bool            // other machines can reach the server
}

// newHostPolicy returns the policy for a server listening on addr.
func newHostPolicy(addr net.Addr) hostPolicy {
	p := hostPolicy{names: map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return p
	}
	switch {
	case tcp.IP.IsUnspecified():
		// Every interface, on purpose: the machine's addresses and its
		// name are how others reach it.
		p.anyIP, p.exposed = true, true
		if name, err := os.Hostname(); err == nil {
			p.names[strings.ToLower(name)] = true
		}
	case !tcp.IP.IsLoopback():
		p.exposed = true
		p.names[tcp.IP.String()] = true
	default:
		p.names[tcp.IP.String()] = true
	}
	return p
}

// allows reports whether the server answers a request for host, a Host
// header with or without its port.
func (p hostPolicy) allows(host string) bool {
	if host == "" {
		return true // HTTP/1.0 without a Host: no name to rebind
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.ToLower(strings.Trim(name, "[]")), ".")
	if p.names[name] {
		return true
	}
	if ip := net.ParseIP(name); ip != nil {
		return p.anyIP || p.names[ip.String()]
	}
	return false
}
