package firebase

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The rules firebase-tools applies to a manifest before a deploy
// (deploy/functions/validate.js and discovery/v1alpha1.js), so that a
// function it would refuse fails `nodego build` instead, with its reason.

var functionID = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]{0,62}$`)

// Timeout limits by trigger, in seconds.
const (
	maxHTTPTimeout     = 3600
	maxEventTimeout    = 540
	maxScheduleTimeout = 1800
)

var ingressSettings = map[string]bool{"ALLOW_ALL": true, "ALLOW_INTERNAL_ONLY": true, "ALLOW_INTERNAL_AND_GCLB": true}

// gen2CPU is the CPU a memory size gets when none is set.
var gen2CPU = map[int]float64{128: 1, 256: 1, 512: 1, 1024: 1, 2048: 1, 4096: 2, 8192: 2, 16384: 4, 32768: 8}

// Validate applies firebase-tools' rules; the error lists every violation.
func (m *Manifest) Validate() error {
	errs := append([]string(nil), m.problems...)
	var order []string
	for id := range m.Endpoints {
		order = append(order, id)
	}
	sort.Strings(order)
	for _, id := range order {
		for _, e := range endpointErrors(id, m.Endpoints[id]) {
			errs = append(errs, id+": "+e)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("firebase-tools would refuse this manifest:\n  %s", strings.Join(errs, "\n  "))
}

func endpointErrors(id string, ep *Endpoint) []string {
	var errs []string
	if !functionID.MatchString(id) {
		errs = append(errs, "function name(s) can only contain letters, numbers, hyphens, and not exceed 62 characters in length")
	}
	triggers := 0
	limit, kind := 0, ""
	if ep.HTTPSTrigger != nil {
		triggers++
		limit, kind = maxHTTPTimeout, "http"
	}
	if ep.CallableTrigger != nil {
		triggers++
		limit, kind = maxHTTPTimeout, "callable"
	}
	if ep.EventTrigger != nil {
		triggers++
		limit, kind = maxEventTimeout, "event"
		if ep.EventTrigger.EventType == "" {
			errs = append(errs, "Expected key eventTrigger.eventType")
		}
		for k, v := range ep.EventTrigger.EventFilters {
			if v == "" {
				errs = append(errs, fmt.Sprintf("the event filter %s is empty", k))
			}
		}
		for k, v := range ep.EventTrigger.EventFilterPathPatterns {
			if v == "" {
				errs = append(errs, fmt.Sprintf("the path pattern %s is empty", k))
			}
		}
	}
	if ep.ScheduleTrigger != nil {
		triggers++
		limit, kind = maxScheduleTimeout, "schedule"
		if strings.TrimSpace(ep.ScheduleTrigger.Schedule) == "" {
			errs = append(errs, "the schedule is empty")
		}
	}
	if triggers != 1 {
		errs = append(errs, fmt.Sprintf("expected exactly one trigger, found %d", triggers))
	}
	if ep.TimeoutSeconds != nil && (*ep.TimeoutSeconds < 0 || *ep.TimeoutSeconds > limit) {
		errs = append(errs, fmt.Sprintf("timeout %ds exceeds the maximum allowed for a %s function (limit: %ds)", *ep.TimeoutSeconds, kind, limit))
	}
	if ep.MinInstances != nil && *ep.MinInstances < 0 {
		errs = append(errs, "minInstances cannot be negative")
	}
	if ep.MaxInstances != nil && *ep.MaxInstances < 0 {
		errs = append(errs, "maxInstances cannot be negative")
	}
	if ep.MinInstances != nil && ep.MaxInstances != nil && *ep.MinInstances > *ep.MaxInstances {
		errs = append(errs, fmt.Sprintf("minInstances (%d) is above maxInstances (%d)", *ep.MinInstances, *ep.MaxInstances))
	}
	if ep.IngressSettings != nil && !ingressSettings[*ep.IngressSettings] {
		errs = append(errs, fmt.Sprintf("ingress %q is not one of ALLOW_ALL, ALLOW_INTERNAL_ONLY, ALLOW_INTERNAL_AND_GCLB", *ep.IngressSettings))
	}
	for _, r := range ep.Region {
		if r == "" {
			errs = append(errs, "a region is empty")
		}
	}
	errs = append(errs, cpuErrors(ep)...)
	return errs
}

// cpuErrors are validate.js's CPU rules (cpuConfigIsValid, concurrency).
func cpuErrors(ep *Endpoint) []string {
	mem := 256
	if ep.AvailableMemoryMb != nil {
		mem = *ep.AvailableMemoryMb
	}
	cpu := gen2CPU[mem]
	if ep.CPU != nil {
		cpu = *ep.CPU
	}
	var errs []string
	validCPU := cpu >= 0.08 && (cpu < 1 || cpu == 1 || cpu == 2 || cpu == 4 || cpu == 6 || cpu == 8)
	if !validCPU {
		errs = append(errs, fmt.Sprintf("cpu %v is invalid: valid CPU options are (0.08, 1], 2, 4, 6, 8", cpu))
	}
	if ep.Concurrency != nil && *ep.Concurrency > 1 && cpu < 1 {
		errs = append(errs, "concurrent execution needs at least one full CPU")
	}
	switch {
	case mem > 1024 && cpu < 1:
		errs = append(errs, "too little CPU for the memory: a minimum of 1 CPU is needed to set a memory limit greater than 1GiB")
	case mem > 512 && cpu < 0.5:
		errs = append(errs, "too little CPU for the memory: a minimum of 0.5 CPU is needed to set a memory limit greater than 512MiB")
	}
	for _, need := range []struct {
		cpu float64
		mem int
	}{{4, 2048}, {6, 3072}, {8, 4096}} {
		if cpu == need.cpu && mem < need.mem {
			errs = append(errs, fmt.Sprintf("too little memory for the CPU: functions with %v CPU require at least %dMiB", need.cpu, need.mem))
		}
	}
	return errs
}
