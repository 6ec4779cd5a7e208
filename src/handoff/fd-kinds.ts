// The kinds of fd a hand-off passes, and what the protocol says of each: the
// one table the planner, the encoder and docs/handoff.md follow. (The Go
// receiver's table is go-template/handoff/kinds.go.)

export type FdKind = 'listener' | 'connection' | 'replay';

export interface FdKindRule {
  /** The variable that lists fds of this kind. */
  variable: 'LISTEN_FDS' | 'NODEGO_CONNS' | 'NODEGO_REPLAY';
  /** Where the fd is in the new process. */
  placement: 'slot' | 'above-slots';
  /** One fd of the kind, in messages. */
  what: string;
  /** What the protocol says of it. */
  about: string;
}

export const FD_KINDS: Readonly<Record<FdKind, FdKindRule>> = {
  listener: {
    variable: 'LISTEN_FDS',
    placement: 'slot',
    what: 'a listener',
    about: 'a listening socket, placed at fds 3, 4, ... in order (systemd socket activation)',
  },
  connection: {
    variable: 'NODEGO_CONNS',
    placement: 'above-slots',
    what: 'a connection',
    about: 'an accepted HTTP/1.x connection at a request boundary; it keeps its fd, or moves above the listener slots',
  },
  replay: {
    variable: 'NODEGO_REPLAY',
    placement: 'above-slots',
    what: 'a replay',
    about: 'an in-memory file holding the bytes of a request Node read and the new process must answer',
  },
};

/** Where the first listener goes, as in systemd. */
export const FIRST_LISTENER_FD = 3;

/**
 * Listeners land on fds 3.., which on Node 20-24 hold the main loop's epoll
 * fd, its io_uring and signal pipes: only the main thread (busy handing off)
 * and signal handlers (reset first) use those. Higher up sit fds that other
 * threads write to, which must not briefly point at a socket.
 */
export const MAX_LISTENERS = 4;
