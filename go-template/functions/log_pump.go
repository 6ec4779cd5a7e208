package functions

import (
	"bytes"
	"io"
)

// maxLogLine is the longest line the pump passes whole; a longer one goes
// out in pieces this long (Cloud Logging takes 256 KB an entry).
const maxLogLine = 256 << 10

// linePump cuts what a process writes to a captured stdout or stderr into
// lines, and finds the barriers drain() writes among them. It never stops
// and never waits for a newline that may not come: a line longer than
// maxLogLine is passed in pieces, and a partial line that a barrier follows
// (a request that printed without a newline, then ended) is passed at once.
type linePump struct {
	line    func([]byte)
	barrier func(id string)
	buf     []byte
}

func (p *linePump) run(r io.Reader) {
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		p.feed(chunk[:n])
		if err != nil {
			if len(p.buf) > 0 {
				p.line(p.buf)
				p.buf = nil
			}
			return
		}
	}
}

func (p *linePump) feed(b []byte) {
	p.buf = append(p.buf, b...)
	for {
		nl := bytes.IndexByte(p.buf, '\n')
		at := bytes.Index(p.buf, []byte(barrier))
		switch {
		case at >= 0 && (nl < 0 || at < nl):
			// A barrier, maybe after a partial line: that line ends here.
			end := bytes.IndexByte(p.buf[at:], '\n')
			if at > 0 {
				p.line(p.buf[:at])
			}
			if end < 0 {
				p.buf = append(p.buf[:0], p.buf[at:]...) // the rest of it is on its way
				return
			}
			p.barrier(string(p.buf[at+len(barrier) : at+end]))
			p.buf = p.buf[at+end+1:]
		case nl >= 0 && nl <= maxLogLine:
			p.line(p.buf[:nl])
			p.buf = p.buf[nl+1:]
		case len(p.buf) >= maxLogLine:
			p.line(p.buf[:maxLogLine])
			p.buf = p.buf[maxLogLine:]
		default:
			if cap(p.buf) > 2*maxLogLine {
				p.buf = append([]byte(nil), p.buf...) // do not pin a large array
			}
			return
		}
	}
}
