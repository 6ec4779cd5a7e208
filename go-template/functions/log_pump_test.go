package functions

import (
	"reflect"
	"strings"
	"testing"
)

func pumped(pieces ...string) (lines []string, barriers []string) {
	p := &linePump{
		line:    func(l []byte) { lines = append(lines, string(l)) },
		barrier: func(id string) { barriers = append(barriers, id) },
	}
	for _, piece := range pieces {
		p.feed([]byte(piece))
	}
	return lines, barriers
}

func TestPumpCutsLinesAndFindsBarriers(t *testing.T) {
	lines, barriers := pumped("one\ntw", "o\n", barrier+"7\nthree\n")
	if !reflect.DeepEqual(lines, []string{"one", "two", "three"}) || !reflect.DeepEqual(barriers, []string{"7"}) {
		t.Errorf("lines %q, barriers %q", lines, barriers)
	}
}

func TestPumpPassesAPartialLineWhenABarrierFollows(t *testing.T) {
	// fmt.Print("no newline") in a request, then the request ends.
	lines, barriers := pumped("no newline", barrier+"3\n", "next\n")
	if !reflect.DeepEqual(lines, []string{"no newline", "next"}) || !reflect.DeepEqual(barriers, []string{"3"}) {
		t.Errorf("lines %q, barriers %q", lines, barriers)
	}
}

func TestPumpWaitsForTheRestOfABarrier(t *testing.T) {
	lines, barriers := pumped("x\n"+barrier[:4], barrier[4:]+"12", "\n")
	if !reflect.DeepEqual(lines, []string{"x"}) || !reflect.DeepEqual(barriers, []string{"12"}) {
		t.Errorf("lines %q, barriers %q", lines, barriers)
	}
}

func TestPumpSplitsALineOverTheLimitAndGoesOn(t *testing.T) {
	long := strings.Repeat("a", 2*maxLogLine+10)
	lines, barriers := pumped(long[:100_000], long[100_000:]+"\n", barrier+"1\n", "after\n")
	if len(lines) != 4 || len(lines[0]) != maxLogLine || len(lines[1]) != maxLogLine || lines[2] != strings.Repeat("a", 10) || lines[3] != "after" {
		t.Errorf("%d lines, sizes %d", len(lines), len(lines[0]))
	}
	if !reflect.DeepEqual(barriers, []string{"1"}) {
		t.Errorf("barriers %q", barriers)
	}
}
