package webhook

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

	"redress/cases"
)

// reservedPrefixes are address ranges that are not on the public internet
// beyond what netip's predicates name: "this network", carrier-grade NAT,
// IETF protocol assignments, benchmarking, and the reserved class E block
// (with the broadcast address).
var reservedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("fec0::/10"),
}

// blockedAddr says why a webhook may not reach ip, or "" when it may: the
// server must not become a way to call services on its own network (the
// cloud's metadata endpoint, the database, an admin panel).
func blockedAddr(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "not an IP address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "a link-local address"
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	for _, p := range reservedPrefixes {
		if p.Contains(ip) {
			return "a reserved address"
		}
	}
	return ""
}

// CheckTarget refuses a webhook URL whose host is, or resolves to, an
// address blockedAddr refuses, unless REDRESS_WEBHOOK_ALLOW_PRIVATE is set.
// It runs when an admin configures the URL; the dialer checks again at
// delivery time, because DNS may answer differently by then.
func (s *Sender) CheckTarget(ctx context.Context, raw string) error {
	u, err := cases.ParseWebhookURL(raw)
	if err != nil {
		return err
	}
	if s.allowPrivate {
		return nil
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		lookup, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		addrs, err = net.DefaultResolver.LookupNetIP(lookup, "ip", host)
		if err != nil || len(addrs) == 0 {
			return cases.FieldError("url", "the host %q does not resolve; check the URL", host)
		}
	}
	for _, ip := range addrs {
		if why := blockedAddr(ip); why != "" {
			return cases.FieldError("url", "url points to %s, %s; webhooks may only reach public addresses", ip.Unmap(), why)
		}
	}
	return nil
}

// guardDial is the dialer's Control function for webhook deliveries: it
// runs after name resolution, on the address actually dialled, so a host
// that resolved to a public address when configured and to a private one
// now (DNS rebinding) is still refused.
func guardDial(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("webhook target %q: %w", address, err)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return fmt.Errorf("webhook target %q is not an IP address", host)
		}
		if why := blockedAddr(ip); why != "" {
			return fmt.Errorf("webhook target %s refused: %s", ip.Unmap(), why)
		}
		return nil
	}
}
