// Package logger writes structured log entries as firebase-functions'
// logger does: one JSON object per line, its severity and message beside
// the fields given; WARNING and above on stderr. Cloud Logging reads the
// severity from it; the emulator shows the line as the function's output.
package logger

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

var mu sync.Mutex // one entry per line, whole, however many goroutines log

// Write writes one entry; fields may be nil.
func Write(severity, message string, fields map[string]any) {
	entry := make(map[string]any, len(fields)+2)
	for k, v := range fields {
		entry[k] = v
	}
	entry["severity"], entry["message"] = severity, message
	line, err := json.Marshal(entry)
	if err != nil {
		line, _ = json.Marshal(map[string]any{"severity": severity, "message": message, "error": fmt.Sprintf("the fields do not encode as JSON: %v", err)})
	}
	out := os.Stdout
	if severity != "DEBUG" && severity != "INFO" && severity != "NOTICE" {
		out = os.Stderr
	}
	mu.Lock()
	defer mu.Unlock()
	out.Write(append(line, '\n'))
}

// Debug, Info, Warn and Error write an entry of that severity.
func Debug(message string, fields map[string]any) { Write("DEBUG", message, fields) }
func Info(message string, fields map[string]any)  { Write("INFO", message, fields) }
func Warn(message string, fields map[string]any)  { Write("WARNING", message, fields) }
func Error(message string, fields map[string]any) { Write("ERROR", message, fields) }
