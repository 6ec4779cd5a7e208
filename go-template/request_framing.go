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
			n := int64(len(p))
			if n > f.remaining {
				n = f.remaining
			}
			f.remaining -= n
			p = p[n:]
			if f.remaining == 0 {
				f.endRequest()
			}
		case phaseChunkSize, phaseTrailer:
			p = f.line(p)
		case phaseChunkData:
			n := int64(len(p))
			if n > f.remaining {
				n = f.remaining
			}
			f.remaining -= n
			p = p[n:]
			if f.remaining == 0 {
				f.phase = phaseChunkSize
			}
		case phaseUnframable:
			return
		}
	}
}

// head takes bytes of a request head; a blank line ends it.
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
	}
	start := len(f.kept)
	f.kept = append(f.kept, p...)
	// The end is the first blank line: "\n\r\n" or "\n\n", looked for from
	// a little before the new bytes.
	from := start - 3
	if from < 0 {
		from = 0
	}
	end := -1
	for i := from; i < len(f.kept); i++ {
		if f.kept[i] != '\n' {
			continue
		}
		if rest := f.kept[i+1:]; len(rest) > 0 && rest[0] == '\n' {
			end = i + 2
			break
		} else if len(rest) > 1 && rest[0] == '\r' && rest[1] == '\n' {
			end = i + 3
			break
		}
	}
	if end < 0 {
		if len(f.kept) > f.maxKept {
			f.phase = phaseUnframable // net/http answers 431 and closes
		}
		return nil
	}
	head := f.kept[:end]
	rest := p[len(p)-(len(f.kept)-end):]
	f.startBody(head)
	return rest
}

// startBody reads the head's framing: chunked, a Content-Length, or none.
func (f *requestFraming) startBody(head []byte) {
	f.kept = f.kept[:0]
	var length int64 = -1
	chunked := false
	lines := bytes.Split(head, []byte("\n"))
	for _, line := range lines[1:] {
		name, value, found := strings.Cut(strings.TrimRight(string(line), "\r"), ":")
		if !found {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "transfer-encoding":
			codings := strings.Split(value, ",")
			chunked = strings.EqualFold(strings.TrimSpace(codings[len(codings)-1]), "chunked")
			if !chunked {
				f.phase = phaseUnframable // net/http refuses other codings
				return
			}
		case "content-length":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || n < 0 {
				f.phase = phaseUnframable
				return
			}
			length = n
		}
	}
	switch {
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
