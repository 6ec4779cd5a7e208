package openwhisk

import (
	"bytes"
	"encoding/json"
)

// initRequest is an /init body.
type initRequest struct {
	Value initValue `json:"value"`
}

// parseInit decodes an /init body as json.Unmarshal would. A binary's
// base64 is nearly all of the body (megabytes), and encoding/json scans a
// string twice and copies it: when the body's shape is plain (the keys
// "value" and "code" exactly, once each, the code an ASCII string with no
// escape or control byte), the code's span is cut out directly and only the rest
// goes through encoding/json. Anything else goes through encoding/json
// whole, so the result, and every error, is the same.
func parseInit(body []byte) (initRequest, error) {
	var req initRequest
	if start, end, ok := codeSpan(body); ok {
		stripped := make([]byte, 0, len(body)-(end-start)+2)
		stripped = append(append(append(stripped, body[:start]...), `""`...), body[end:]...)
		if json.Unmarshal(stripped, &req) == nil {
			req.Value.Code = string(body[start+1 : end-1])
			return req, nil
		}
		req = initRequest{}
	}
	err := json.Unmarshal(body, &req)
	return req, err
}

// codeSpan finds value.code's string, quotes included, in body: [start, end).
func codeSpan(body []byte) (start, end int, ok bool) {
	value, ok := member(body, 0, 0, "value")
	if !ok {
		return 0, 0, false
	}
	start, ok = member(body, value, 1, "code")
	if !ok || body[start] != '"' {
		return 0, 0, false
	}
	c := &spanScanner{b: body, i: start}
	if plain, ok := c.str(); !ok || !plain || c.i-start <= 2 {
		return 0, 0, false
	}
	return start, c.i, true
}

// member walks the object at offset at and returns the offset of the value
// of its one member named exactly field; not ok when there is none, more than
// one, or a key encoding/json might take for it.
func member(body []byte, at, depth int, field string) (value int, ok bool) {
	s := &spanScanner{b: body, i: at}
	s.ws()
	value = -1
	walked := s.object(depth, func(key []byte, offset int) bool {
		if match, exact := keyIs(key, field); match {
			if !exact || value >= 0 {
				return false
			}
			value = offset
		}
		return true
	})
	return value, walked && value >= 0
}

// keyIs: whether key names field as encoding/json matches names (ignoring
// case), and whether it is exactly field. Keys it cannot judge (escapes,
// non-ASCII) count as a match that is not exact: the slow path then.
func keyIs(key []byte, field string) (match, exact bool) {
	for _, c := range key {
		if c == '\\' || c >= 0x80 {
			return true, false
		}
	}
	return bytes.EqualFold(key, []byte(field)), string(key) == field
}

// spanScanner walks JSON far enough to find spans; encoding/json checks
// what it walked over afterwards.
type spanScanner struct {
	b []byte
	i int
}

func (s *spanScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// object walks an object at s.i, calling member with each key and the
// offset of its value; member returning false stops the walk (not ok).
func (s *spanScanner) object(depth int, member func(key []byte, at int) bool) bool {
	if s.i >= len(s.b) || s.b[s.i] != '{' || depth > 64 {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return true
	}
	for {
		s.ws()
		keyStart := s.i
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return false
		}
		if _, ok := s.str(); !ok {
			return false
		}
		key := s.b[keyStart+1 : s.i-1]
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		s.ws()
		if member != nil && !member(key, s.i) {
			return false
		}
		if !s.skip(depth + 1) {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// skip walks over one value.
func (s *spanScanner) skip(depth int) bool {
	if s.i >= len(s.b) || depth > 64 {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.str()
		return ok
	case '{':
		return s.object(depth, nil)
	case '[':
		s.i++
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ']' {
			s.i++
			return true
		}
		for {
			s.ws()
			if !s.skip(depth + 1) {
				return false
			}
			s.ws()
			if s.i >= len(s.b) {
				return false
			}
			if s.b[s.i] == ']' {
				s.i++
				return true
			}
			if s.b[s.i] != ',' {
				return false
			}
			s.i++
		}
	default: // a number or a literal: up to the next delimiter
		start := s.i
		for s.i < len(s.b) && bytes.IndexByte([]byte(",}] \t\n\r"), s.b[s.i]) < 0 {
			s.i++
		}
		return s.i > start
	}
}

// str walks a string at s.i (its opening quote) to after its closing quote;
// plain: ASCII with no escape and no control byte (base64 is).
func (s *spanScanner) str() (plain, ok bool) {
	start := s.i
	s.i++
	for {
		j := bytes.IndexByte(s.b[s.i:], '"')
		if j < 0 {
			return false, false
		}
		q := s.i + j
		escapes := 0
		for k := q - 1; k > start && s.b[k] == '\\'; k-- {
			escapes++
		}
		s.i = q + 1
		if escapes%2 == 0 {
			break
		}
	}
	content := s.b[start+1 : s.i-1]
	if bytes.IndexByte(content, '\\') >= 0 {
		return false, true
	}
	for _, c := range content {
		if c < 0x20 || c >= 0x80 { // encoding/json would refuse, or replace invalid UTF-8
			return false, true
		}
	}
	return true, true
}
