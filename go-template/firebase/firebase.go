// Package firebase registers Go functions the way firebase-functions v2 does
// (https.OnRequest, https.OnCall, pubsub, storage, firestore and scheduler
// triggers): each registration is a Functions Framework function (the
// platform runs 2nd-gen Firebase functions under the framework) and an
// endpoint of the manifest firebase-tools reads (functions.yaml), so the
// manifest never drifts from the code.
package firebase

import (
	"fmt"
	"sync"
)

// Options are a function's deployment options, firebase-functions' GlobalOptions
// in Go. A zero field is left to the platform's default.
type Options struct {
	Region         []string          // default us-central1
	Memory         string            // "128MiB" ... "32GiB"
	CPU            float64           // (0.08, 1], 2, 4, 6, 8
	TimeoutSeconds int               // http and callable <= 3600, events <= 540, schedules <= 1800
	MinInstances   *int              // nil: unset; a pointer, since 0 is a setting
	MaxInstances   int               // 0: unset
	Concurrency    int               // requests per instance; > 1 needs a whole CPU
	Secrets        []string          // Secret Manager secrets, as variables of the same name
	ServiceAccount string            // the identity the function runs as
	Labels         map[string]string // labels on the deployed function
	Ingress        string            // ALLOW_ALL, ALLOW_INTERNAL_ONLY, ALLOW_INTERNAL_AND_GCLB
}

// Endpoint is one function of the manifest, as firebase-functions writes it
// (specVersion v1alpha1): the null fields are the SDK's own "unset".
type Endpoint struct {
	AvailableMemoryMb   *int              `json:"availableMemoryMb"`
	CPU                 *float64          `json:"cpu,omitempty"`
	TimeoutSeconds      *int              `json:"timeoutSeconds"`
	MinInstances        *int              `json:"minInstances"`
	MaxInstances        *int              `json:"maxInstances"`
	IngressSettings     *string           `json:"ingressSettings"`
	Concurrency         *int              `json:"concurrency"`
	ServiceAccountEmail *string           `json:"serviceAccountEmail"`
	VPC                 any               `json:"vpc"`
	Platform            string            `json:"platform"`
	Region              []string          `json:"region,omitempty"`
	SecretEnvironment   []Secret          `json:"secretEnvironmentVariables,omitempty"`
	Labels              map[string]string `json:"labels"`
	HTTPSTrigger        *HTTPSTrigger     `json:"httpsTrigger,omitempty"`
	CallableTrigger     *struct{}         `json:"callableTrigger,omitempty"`
	EventTrigger        *EventTrigger     `json:"eventTrigger,omitempty"`
	ScheduleTrigger     *ScheduleTrigger  `json:"scheduleTrigger,omitempty"`
	EntryPoint          string            `json:"entryPoint"`
}

// Secret is a secret exposed to the function as the variable Key.
type Secret struct {
	Key string `json:"key"`
}

// HTTPSTrigger marks an HTTP function; Invoker is who may call it
// (["public"], ["private"] or service accounts), nil for the default.
type HTTPSTrigger struct {
	Invoker []string `json:"invoker,omitempty"`
}

// EventTrigger is an Eventarc trigger: the event type and its filters.
type EventTrigger struct {
	EventType               string            `json:"eventType"`
	EventFilters            map[string]string `json:"eventFilters"`
	EventFilterPathPatterns map[string]string `json:"eventFilterPathPatterns,omitempty"`
	Retry                   bool              `json:"retry"`
}

// ScheduleTrigger is a Cloud Scheduler job calling the function.
type ScheduleTrigger struct {
	Schedule    string      `json:"schedule"`
	TimeZone    *string     `json:"timeZone"`
	RetryConfig RetryConfig `json:"retryConfig"`
}

// RetryConfig is a schedule's retry policy; nil fields are the platform's.
type RetryConfig struct {
	RetryCount        *int `json:"retryCount"`
	MaxDoublings      *int `json:"maxDoublings"`
	MaxRetrySeconds   *int `json:"maxRetrySeconds"`
	MinBackoffSeconds *int `json:"minBackoffSeconds"`
	MaxBackoffSeconds *int `json:"maxBackoffSeconds"`
}

var (
	mu        sync.Mutex
	endpoints = map[string]*Endpoint{}
	apis      = map[string]string{} // required API -> why
	// problems are options no endpoint field can hold (an unknown memory
	// size); Validate reports them with the rest.
	problems []string
)

// Register adds an endpoint named id with opts applied; the trigger-specific
// packages (https, pubsub, ...) call it beside their functions registration.
func Register(id string, opts Options, ep Endpoint) {
	problem := applyOptions(&ep, opts)
	ep.Platform = "gcfv2"
	ep.EntryPoint = id
	if ep.Labels == nil {
		ep.Labels = map[string]string{}
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := endpoints[id]; dup {
		panic(fmt.Sprintf("firebase: %q is registered twice", id))
	}
	endpoints[id] = &ep
	if problem != "" {
		problems = append(problems, fmt.Sprintf("%s: %s", id, problem))
	}
}

// RequireAPI records a Google API the deployment must enable (the scheduler's).
func RequireAPI(api, reason string) {
	mu.Lock()
	defer mu.Unlock()
	apis[api] = reason
}

// memoryMb is firebase-functions' MemoryOption table.
var memoryMb = map[string]int{
	"128MiB": 128, "256MiB": 256, "512MiB": 512, "1GiB": 1024, "2GiB": 2048,
	"4GiB": 4096, "8GiB": 8192, "16GiB": 16384, "32GiB": 32768,
}

// applyOptions sets ep's fields from o; it returns what it could not set.
func applyOptions(ep *Endpoint, o Options) (problem string) {
	if len(o.Region) > 0 {
		ep.Region = append([]string(nil), o.Region...)
	}
	if o.Memory != "" {
		mb, ok := memoryMb[o.Memory]
		if ok {
			ep.AvailableMemoryMb = &mb
		} else {
			problem = fmt.Sprintf("memory %q is not one of 128MiB, 256MiB, 512MiB, 1GiB, 2GiB, 4GiB, 8GiB, 16GiB, 32GiB", o.Memory)
		}
	}
	ep.CPU = setOrNil(o.CPU)
	ep.TimeoutSeconds = setOrNil(o.TimeoutSeconds)
	if o.MinInstances != nil { // 0 is a setting here
		n := *o.MinInstances
		ep.MinInstances = &n
	}
	ep.MaxInstances = setOrNil(o.MaxInstances)
	ep.Concurrency = setOrNil(o.Concurrency)
	ep.ServiceAccountEmail = setOrNil(o.ServiceAccount)
	ep.IngressSettings = setOrNil(o.Ingress)
	for _, s := range o.Secrets {
		ep.SecretEnvironment = append(ep.SecretEnvironment, Secret{Key: s})
	}
	if len(o.Labels) > 0 {
		ep.Labels = map[string]string{}
		for k, v := range o.Labels {
			ep.Labels[k] = v
		}
	}
	return problem
}

// setOrNil is a pointer to v, or nil (the manifest's "unset") for v's zero value.
func setOrNil[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}
