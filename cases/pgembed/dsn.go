package pgembed

import (
	"net"
	"net/url"
	"strconv"
)

// dsn is a lib/pq connection URL for database db as the cluster superuser.
func dsn(password, host string, port int, db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, password),
		Host:     net.JoinHostPort(host, strconv.Itoa(port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}
