package main

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// With BENCH_TRACE=1 (npm run bench:swap), gohello writes on stderr, at its
// first request, when its own package was initialised (every package it
// imports and the Go runtime had started by then), when main began and
// when that request reached the handler: CLOCK_MONOTONIC nanoseconds, the
// clock a tracer of the swapping process uses.
var (
	initAt     = monotonicNow()
	mainAt     int64
	tracing    = os.Getenv("BENCH_TRACE") == "1"
	traceFirst sync.Once
)

func monotonicNow() int64 {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 1 /* CLOCK_MONOTONIC */, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

func traceRequest() {
	if !tracing {
		return
	}
	traceFirst.Do(func() {
		fmt.Fprintf(os.Stderr, "{\"goInit\":%d,\"goMain\":%d,\"goFirst\":%d}\n", initAt, mainAt, monotonicNow())
	})
}
