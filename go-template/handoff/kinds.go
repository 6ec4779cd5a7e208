package handoff

// Kind is a kind of fd that a hand-off passes. Kinds is the one table of
// what the protocol says of each; the TypeScript sender's is
// src/handoff/fd-kinds.ts.
type Kind string

const (
	KindListener Kind = "listener"
	KindConn     Kind = "connection"
	KindReplay   Kind = "replay"
)

// KindRule is what the protocol says of a kind of fd.
type KindRule struct {
	// Variable lists the fds of this kind.
	Variable string
	// InSlot: placed at FirstFD, FirstFD+1, ... in order; otherwise the fd
	// keeps its number, which is above the slots.
	InSlot bool
	// What names one fd of the kind in messages.
	What string
}

// Kinds is the table.
var Kinds = map[Kind]KindRule{
	KindListener: {Variable: EnvListenFDs, InSlot: true, What: "a listener"},
	KindConn:     {Variable: EnvConns, What: "a connection"},
	KindReplay:   {Variable: EnvReplay, What: "a replay"},
}

// FD is one fd of a hand-off, and its kind.
type FD struct {
	Kind Kind
	FD   int
}
