package handoff

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"unsafe"
)

// Exec replaces this process with path, passing out. It returns only on
// failure, with every change undone. Call it from one goroutine at a time.
func Exec(path string, argv []string, env []string, out Outgoing) error {
	for i := range out.Listeners {
		if i >= ReservedSlots || !state.reserved[i] {
			return fmt.Errorf("%w: fd %d", ErrSlots, FirstFD+i)
		}
	}
	// No fork may run while fds lose close-on-exec, nor migrate this goroutine.
	syscall.ForkLock.Lock()
	defer syscall.ForkLock.Unlock()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	var u undo
	defer u.run()
	h := &Handoff{PID: os.Getpid(), Host: out.Host, Listeners: []Listener{}, Conns: []Conn{}}
	for i, l := range out.Listeners {
		slot := FirstFD + i
		if err := sys.dup3(l.FD, slot, 0); err != nil {
			return fmt.Errorf("handoff: placing listener %d at fd %d: %w", l.FD, slot, err)
		}
		u.add(func() { sys.dup3(state.devNull, slot, syscall.O_CLOEXEC) })
		h.Listeners = append(h.Listeners, Listener{FD: slot, Name: l.Name})
	}
	for _, c := range out.Conns {
		if err := u.inherit(c.FD); err != nil {
			return err
		}
		conn := Conn{FD: c.FD, Listener: c.Listener}
		if c.Replay != nil {
			fd, err := replayFile(c.Replay)
			if err != nil {
				return err
			}
			u.add(func() { sys.close(fd) })
			if err := u.inherit(fd); err != nil {
				return err
			}
			conn.Replay = fd
		}
		h.Conns = append(h.Conns, conn)
	}
	if err := h.Validate(); err != nil {
		return err
	}
	u.resetIgnoredSignals()
	u.prepareStdio()
	err := sys.exec(path, argv, withHandoff(env, h))
	return fmt.Errorf("handoff: execve %s: %w", path, err)
}

// withHandoff drops stale protocol variables from env and adds h's.
func withHandoff(env []string, h *Handoff) []string {
	out := make([]string, 0, len(env)+8)
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		stale := false
		for _, v := range Variables {
			stale = stale || name == v
		}
		if !stale {
			out = append(out, kv)
		}
	}
	return append(out, h.Env()...)
}

// replayFile holds data in an unlinked file, above the slots, close-on-exec
// until inherited.
func replayFile(data []byte) (int, error) {
	fd, err := sys.tempFile(data)
	if err != nil {
		return -1, fmt.Errorf("handoff: replay file: %w", err)
	}
	if fd >= FirstFD+ReservedSlots {
		return fd, nil
	}
	moved, err := dupCloexecAbove(fd, FirstFD+ReservedSlots)
	sys.close(fd)
	return moved, err
}

// undo collects the inverse of every change, run (last first) unless the
// exec succeeded, in which case nothing runs at all.
type undo struct{ steps []func() }

func (u *undo) add(step func()) { u.steps = append(u.steps, step) }

func (u *undo) run() {
	for i := len(u.steps) - 1; i >= 0; i-- {
		u.steps[i]()
	}
}

func (u *undo) inherit(fd int) error {
	on, err := cloexecOf(fd)
	if err != nil {
		return fmt.Errorf("handoff: fd %d: %w", fd, err)
	}
	if !on {
		return nil
	}
	if err := setCloexec(fd, false); err != nil {
		return err
	}
	u.add(func() { setCloexec(fd, true) })
	return nil
}

func (u *undo) prepareStdio() {
	for fd := 0; fd < 3; fd++ {
		if on, err := cloexecOf(fd); err == nil && on && setCloexec(fd, false) == nil {
			fd := fd
			u.add(func() { setCloexec(fd, true) })
		}
		if flags, err := sys.fcntl(fd, syscall.F_GETFL, 0); err == nil && flags&syscall.O_NONBLOCK != 0 {
			if _, err := sys.fcntl(fd, syscall.F_SETFL, flags&^syscall.O_NONBLOCK); err == nil {
				fd, flags := fd, flags
				u.add(func() { sys.fcntl(fd, syscall.F_SETFL, flags) })
			}
		}
	}
}

// The kernel's struct sigaction; only the handler word is read or set, the
// rest is zero, which is valid on every Linux architecture.
type kernelSigaction struct {
	handler uintptr
	rest    [3]uint64
}

const sigIgn = 1

// resetIgnoredSignals: an ignored signal stays ignored across execve (a Go
// handler does not). Go's own handlers are left alone.
func (u *undo) resetIgnoredSignals() {
	var ignored []int
	for sig := 1; sig < 65; sig++ {
		var old kernelSigaction
		if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0); e != 0 {
			continue
		}
		if old.handler != sigIgn {
			continue
		}
		var dfl kernelSigaction
		if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0); e == 0 {
			ignored = append(ignored, sig)
		}
	}
	sort.Ints(ignored)
	u.add(func() {
		for _, sig := range ignored {
			ign := kernelSigaction{handler: sigIgn}
			syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&ign)), 0, 8, 0, 0)
		}
	})
}
