// Package scheduler registers functions Cloud Scheduler calls, as
// firebase-functions/v2/scheduler: HTTP functions the job POSTs to.
package scheduler

import (
	"context"
	"net/http"
	"time"

	"github.com/nodego/nodego/firebase"
	"github.com/nodego/nodego/functions"
)

// Options are a scheduled function's options.
type Options struct {
	firebase.Options
	TimeZone    string // an IANA zone; default UTC
	RetryConfig firebase.RetryConfig
}

// Event is what the job tells the function.
type Event struct {
	JobName      string // X-CloudScheduler-JobName; empty when called by hand
	ScheduleTime string // X-CloudScheduler-ScheduleTime, else now (RFC 3339)
}

// OnSchedule registers fn to run on schedule ("every 5 minutes", or cron).
// It answers 200 when fn returns nil, else 500, as the SDK does.
func OnSchedule(id, schedule string, opts Options, fn func(ctx context.Context, e Event) error) {
	trigger := &firebase.ScheduleTrigger{Schedule: schedule, RetryConfig: opts.RetryConfig}
	if opts.TimeZone != "" {
		tz := opts.TimeZone
		trigger.TimeZone = &tz
	}
	firebase.Register(id, opts.Options, firebase.Endpoint{ScheduleTrigger: trigger})
	firebase.RequireAPI("cloudscheduler.googleapis.com", "Needed for scheduled functions.")
	functions.HTTP(id, func(w http.ResponseWriter, r *http.Request) {
		e := Event{JobName: r.Header.Get("X-CloudScheduler-JobName"), ScheduleTime: r.Header.Get("X-CloudScheduler-ScheduleTime")}
		if e.ScheduleTime == "" {
			e.ScheduleTime = time.Now().UTC().Format(time.RFC3339Nano)
		}
		if err := fn(r.Context(), e); err != nil {
			functions.Logger(r.Context()).Print(err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
