package https

import "fmt"

// Code is a callable error code, as firebase-functions names them.
type Code string

const (
	OK                 Code = "ok"
	Cancelled          Code = "cancelled"
	Unknown            Code = "unknown"
	InvalidArgument    Code = "invalid-argument"
	DeadlineExceeded   Code = "deadline-exceeded"
	NotFound           Code = "not-found"
	AlreadyExists      Code = "already-exists"
	PermissionDenied   Code = "permission-denied"
	Unauthenticated    Code = "unauthenticated"
	ResourceExhausted  Code = "resource-exhausted"
	FailedPrecondition Code = "failed-precondition"
	Aborted            Code = "aborted"
	OutOfRange         Code = "out-of-range"
	Unimplemented      Code = "unimplemented"
	Internal           Code = "internal"
	Unavailable        Code = "unavailable"
	DataLoss           Code = "data-loss"
)

// codes maps a code to its canonical name and HTTP status
// (google/rpc/code.proto, as the SDK's errorCodeMap).
var codes = map[Code]struct {
	name   string
	status int
}{
	OK: {"OK", 200}, Cancelled: {"CANCELLED", 499}, Unknown: {"UNKNOWN", 500},
	InvalidArgument: {"INVALID_ARGUMENT", 400}, DeadlineExceeded: {"DEADLINE_EXCEEDED", 504},
	NotFound: {"NOT_FOUND", 404}, AlreadyExists: {"ALREADY_EXISTS", 409},
	PermissionDenied: {"PERMISSION_DENIED", 403}, Unauthenticated: {"UNAUTHENTICATED", 401},
	ResourceExhausted: {"RESOURCE_EXHAUSTED", 429}, FailedPrecondition: {"FAILED_PRECONDITION", 400},
	Aborted: {"ABORTED", 409}, OutOfRange: {"OUT_OF_RANGE", 400}, Unimplemented: {"UNIMPLEMENTED", 501},
	Internal: {"INTERNAL", 500}, Unavailable: {"UNAVAILABLE", 503}, DataLoss: {"DATA_LOSS", 500},
}

// Error is an error a callable function returns to its caller as is: the
// code's status, the message and the details. Any other error reaches the
// caller as INTERNAL, its text only in the log.
type Error struct {
	Code    Code
	Message string
	Details any
}

// NewError is firebase-functions' `new HttpsError(code, message, details)`;
// an unknown code panics, as the SDK throws.
func NewError(code Code, message string, details ...any) *Error {
	if _, ok := codes[code]; !ok {
		panic(fmt.Sprintf("Unknown error code: %s.", code))
	}
	e := &Error{Code: code, Message: message}
	if len(details) > 0 {
		e.Details = details[0]
	}
	return e
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// status is the HTTP status the error answers with.
func (e *Error) status() int { return codes[e.Code].status }

// body is the error's JSON, the SDK's toJSON (details only when given).
func (e *Error) body() map[string]any {
	out := map[string]any{"message": e.Message, "status": codes[e.Code].name}
	if e.Details != nil {
		out["details"] = e.Details
	}
	return out
}
