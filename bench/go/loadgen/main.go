// loadgen: the benchmark's load generator. -c keep-alive connections, each
// sending requests back to back for -d (GET -path, or POST -body to -path
// when a body is given), then one JSON line: requests, errors,
// req/s, latency percentiles, and this process's own CPU time (to show it
// was not the bottleneck). -watch polls one connection and prints the time
// of the first answer without "X-Served-By: node" (the swap).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

type result struct {
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	Non200    int     `json:"non200"`
	Seconds   float64 `json:"seconds"`
	RPS       float64 `json:"rps"`
	P50Ms     float64 `json:"p50_ms"`
	P99Ms     float64 `json:"p99_ms"`
	CPUMs     float64 `json:"loadgen_cpu_ms"`
	ConnsOpen int     `json:"connections_opened"`
	FirstErr  string  `json:"first_error,omitempty"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "host:port")
	conns := flag.Int("c", 64, "connections")
	dur := flag.Duration("d", 5*time.Second, "duration")
	watch := flag.Bool("watch", false, "print when the first non-Node answer arrives")
	route := flag.String("path", "/", "the request path")
	body := flag.String("body", "", "POST this JSON body instead of a GET")
	flag.Parse()
	url := "http://" + *addr + *route
	send := func(client *http.Client) (*http.Response, error) {
		if *body == "" {
			return client.Get(url)
		}
		return client.Post(url, "application/json", strings.NewReader(*body))
	}
	if *watch {
		watchSwap(*addr)
		return
	}
	var mu sync.Mutex
	var latencies []time.Duration
	res := result{}
	var opened int
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(*dur)
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			errs, non200 := 0, 0
			var firstErr string
			client := newClient(&mu, &opened)
			for time.Now().Before(deadline) {
				t0 := time.Now()
				resp, err := send(client)
				if err != nil {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					non200++
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			res.Errors += errs
			res.Non200 += non200
			if res.FirstErr == "" {
				res.FirstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	res.Requests = len(latencies)
	res.Seconds = elapsed.Seconds()
	res.RPS = float64(res.Requests) / elapsed.Seconds()
	if n := len(latencies); n > 0 {
		res.P50Ms = ms(latencies[n/2])
		res.P99Ms = ms(latencies[n*99/100])
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	res.CPUMs = float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
	res.ConnsOpen = opened
	json.NewEncoder(os.Stdout).Encode(res)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func newClient(mu *sync.Mutex, opened *int) *http.Client {
	dialer := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: 1,
		MaxConnsPerHost:     1,
		DisableCompression:  true,
		Dial: func(network, address string) (net.Conn, error) {
			mu.Lock()
			*opened++
			mu.Unlock()
			return dialer.Dial(network, address)
		},
	}}
}

// watchSwap prints, as Unix nanoseconds, when the first answer not marked as
// Node's arrives on one keep-alive connection polled back to back.
func watchSwap(addr string) {
	conn, err := net.Dial("tcp", addr)
	for err != nil {
		time.Sleep(time.Millisecond)
		conn, err = net.Dial("tcp", addr)
	}
	r := bufio.NewReader(conn)
	fmt.Println("ready")
	for {
		fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "watch:", err)
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.Header.Get("X-Served-By") != "node" {
			fmt.Println(time.Now().UnixNano())
			return
		}
	}
}
