package nodego

import (
	"testing"
)

// feed gives the framing the stream in pieces of every size from 1 up, so
// that a boundary inside any read is found.
func framingAfter(t *testing.T, stream string, piece int) *requestFraming {
	t.Helper()
	f := newRequestFraming(1 << 16)
	for i := 0; i < len(stream); i += piece {
		end := i + piece
		if end > len(stream) {
			end = len(stream)
		}
		f.observe([]byte(stream[i:end]))
	}
	return f
}

func TestFramingFindsTheNextRequestsBytes(t *testing.T) {
	cases := []struct {
		name, stream, held string
		boundary           bool
	}{
		{"nothing yet", "", "", true},
		{"a GET, whole", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "", true},
		{"a GET and half the next head", "GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST /run HTTP/1.1\r\nHo", "POST /run HTTP/1.1\r\nHo", false},
		{"the one byte a background read takes", "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcG", "G", false},
		{"a Content-Length body, whole", "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", "", true},
		{"bare LF line ends", "GET / HTTP/1.1\nHost: x\n\nGET /b", "GET /b", false},
		{"CRLF after a POST body is no part of the next request", "POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nx\r\n", "", true},
		{"chunked, with extensions and trailers, then the next", "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\nGET /n", "GET /n", false},
		{"pipelined, whole", "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n", "", true},
		{"a header name in any case", "POST /a HTTP/1.1\r\ncontent-LENGTH: 2\r\n\r\nokGET", "GET", false},
	}
	for _, c := range cases {
		for piece := 1; piece <= len(c.stream)+1; piece++ {
			f := framingAfter(t, c.stream, piece)
			held, ok := f.held()
			if string(held) != c.held || !ok || f.atBoundary() != c.boundary {
				t.Errorf("%s, read %d at a time: held %q ok=%v boundary=%v; want %q, boundary=%v", c.name, piece, held, ok, f.atBoundary(), c.held, c.boundary)
				break
			}
		}
	}
}

func TestFramingInABodyIsNoBoundary(t *testing.T) {
	for _, stream := range []string{
		"POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\nhal",
		"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
		"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
	} {
		f := framingAfter(t, stream, 4)
		if _, ok := f.held(); ok || f.atBoundary() {
			t.Errorf("%q: a request in its body must not count as a boundary", stream)
		}
	}
}

func TestFramingGivesUpOnWhatNetHTTPRefuses(t *testing.T) {
	for _, stream := range []string{
		"POST /a HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
		"POST /a HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
		"GET / HTTP/1.1\r\nX: " + string(make([]byte, 70000)),
	} {
		f := framingAfter(t, stream, 1000)
		if _, ok := f.held(); ok {
			t.Errorf("%.40q: must not be handed over as a boundary", stream)
		}
	}
}
