package nodego

import (
	"bytes"
	"strconv"
	"strings"
)

// requestFraming follows the bytes a connection has read, HTTP/1.x request by
// request, so that it always knows where the last request ended and which
// bytes of the next one net/http already holds. Those bytes (a half-read
// header, or the byte of the next request net/http's background read takes
// when a response ends) must travel with the connection in a hand-off.
// Header bytes are kept (up to maxKept); body bytes are only counted.
type requestFraming struct {
	phase     framingPhase
	kept      []byte // bytes of the current request's head, read so far
	maxKept   int
	remaining int64 // body bytes still to come (phaseBody)
	chunkLine []byte
}

type framingPhase int

const (
	phaseHead       framingPhase = iota // the request line and headers
	phaseBody                           // a Content-Length body
	phaseChunkSize                      // a chunk-size line
	phaseChunkData                      // chunk data and its CRLF
	phaseTrailer                        // trailer lines after the last chunk
	phaseUnframable                     // a head we cannot frame: net/http refuses it and closes
)

func newRequestFraming(maxKept int) *requestFraming {
	return &requestFraming{maxKept: maxKept}
}

// atBoundary: no byte of a next request has been read.
func (f *requestFraming) atBoundary() bool {
	return f.phase == phaseHead && len(f.kept) == 0
}

// held returns the bytes of the request in progress that net/http has read,
// when it is still in its head; ok is false in its body (not a boundary).
func (f *requestFraming) held() (head []byte, ok bool) {
	if f.phase != phaseHead {
		return nil, false
	}
	return f.kept, true
}

// observe follows p, bytes just read.
func (f *requestFraming) observe(p []byte) {
	for len(p) > 0 {
		switch f.phase {
		case phaseHead:
			p = f.head(p)
		case phaseBody:
			if p = f.counted(p); f.remaining == 0 {
				f.endRequest()
			}
		case phaseChunkSize, phaseTrailer:
			p = f.line(p)
		case phaseChunkData:
			if p = f.counted(p); f.remaining == 0 {
				f.phase = phaseChunkSize
			}
		case phaseUnframable:
			return
		}
	}
}

// counted takes the body bytes still to come from p, and returns the rest.
func (f *requestFraming) counted(p []byte) []byte {
	n := min(int64(len(p)), f.remaining)
	f.remaining -= n
	return p[n:]
}

// head takes bytes of a request head; a blank line ends it. A head that
// arrives in one read (the usual case) is framed where it is, uncopied.
func (f *requestFraming) head(p []byte) []byte {
	if len(f.kept) == 0 {
		// net/http drops CR and LF before a request (old clients send one
		// after a POST body): they are no part of the next request.
		for len(p) > 0 && (p[0] == '\r' || p[0] == '\n') {
			p = p[1:]
		}
		if len(p) == 0 {
			return nil
		}
		if end := headEnd(p, 0); end >= 0 {
			f.startBody(p[:end])
			return p[end:]
		}
	}
	start := len(f.kept)
	f.kept = append(f.kept, p...)
	end := headEnd(f.kept, max(start-2, 0))
	if end < 0 {
		if len(f.kept) > f.maxKept {
			f.phase = phaseUnframable // net/http answers 431 and closes
		}
		return nil
	}
	rest := p[len(p)-(len(f.kept)-end):]
	f.startBody(f.kept[:end])
	return rest
}

// headEnd is the index just past the blank line ("\n\r\n" or "\n\n")
// that ends a head, looking from from; -1 when it has not come.
func headEnd(b []byte, from int) int {
	for i := from; i < len(b); i++ {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j
		switch {
		case i+1 < len(b) && b[i+1] == '\n':
			return i + 2
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			return i + 3
		}
	}
	return -1
}

var (
	transferEncoding = []byte("transfer-encoding")
	contentLength    = []byte("content-length")
	chunkedCoding    = []byte("chunked")
)

// startBody reads the head's framing: chunked, a Content-Length, or none.
func (f *requestFraming) startBody(head []byte) {
	var length int64 = -1
	chunked, bad := false, false
	first := true
	for len(head) > 0 {
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			i = len(head) - 1
		}
		line := bytes.TrimRight(head[:i], "\r")
		head = head[i+1:]
		if first {
			first = false // the request line
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		name, value := bytes.TrimSpace(line[:colon]), bytes.TrimSpace(line[colon+1:])
		switch {
		case bytes.EqualFold(name, transferEncoding):
			last := value[bytes.LastIndexByte(value, ',')+1:]
			chunked = bytes.EqualFold(bytes.TrimSpace(last), chunkedCoding)
			bad = bad || !chunked // net/http refuses other codings
		case bytes.EqualFold(name, contentLength):
			n, err := strconv.ParseInt(string(value), 10, 64)
			bad = bad || err != nil || n < 0
			length = n
		}
	}
	f.kept = f.kept[:0]
	switch {
	case bad:
		f.phase = phaseUnframable
	case chunked:
		f.phase = phaseChunkSize
	case length > 0:
		f.phase, f.remaining = phaseBody, length
	default:
		f.endRequest()
	}
}

// line takes bytes of a chunk-size or trailer line.
func (f *requestFraming) line(p []byte) []byte {
	i := bytes.IndexByte(p, '\n')
	if i < 0 {
		f.chunkLine = append(f.chunkLine, p...)
		if len(f.chunkLine) > 4096 {
			f.phase = phaseUnframable
		}
		return nil
	}
	line := strings.TrimRight(string(append(f.chunkLine, p[:i]...)), "\r")
	f.chunkLine = f.chunkLine[:0]
	rest := p[i+1:]
	if f.phase == phaseTrailer {
		if line == "" {
			f.endRequest()
		}
		return rest
	}
	sizeText, _, _ := strings.Cut(line, ";")
	size, err := strconv.ParseInt(strings.TrimSpace(sizeText), 16, 64)
	switch {
	case err != nil || size < 0:
		f.phase = phaseUnframable
	case size == 0:
		f.phase = phaseTrailer
	default:
		f.phase, f.remaining = phaseChunkData, size+2 // the data and its CRLF
	}
	return rest
}

func (f *requestFraming) endRequest() {
	f.phase = phaseHead
	f.kept = f.kept[:0]
	f.remaining = 0
}
