//go:build linux && cgo

package imageclip

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// wait_for waits for an event of type type on window w (a PropertyNotify
// must announce a new value of prop) until deadline: 1 got it, 0 not.
static int wait_for(Display *d, Window w, int type, Atom prop, XEvent *ev, long long deadline) {
	for (;;) {
		while (XPending(d) > 0) {
			XNextEvent(d, ev);
			if (ev->type != type || ev->xany.window != w) {
				continue;
			}
			if (type == PropertyNotify && (ev->xproperty.atom != prop || ev->xproperty.state != PropertyNewValue)) {
				continue;
			}
			return 1;
		}
		long long left = deadline - now_ms();
		if (left <= 0) {
			return 0;
		}
		struct pollfd p = { .fd = ConnectionNumber(d), .events = POLLIN };
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
			return 0;
		}
	}
}

enum { READ_OK = 0, READ_NO_DISPLAY = -1, READ_TIMEOUT = -2, READ_TOO_LARGE = -3, READ_FAILED = -4 };

// append_piece adds a property's bytes to *buf; READ_TOO_LARGE past max.
static int append_piece(unsigned char **buf, unsigned long *len, const unsigned char *data, unsigned long n, unsigned long max) {
	if (n > max || *len > max - n) {
		return READ_TOO_LARGE;
	}
	unsigned char *grown = realloc(*buf, *len + n);
	if (grown == NULL) {
		return READ_FAILED;
	}
	memcpy(grown + *len, data, n);
	*buf = grown;
	*len += n;
	return READ_OK;
}

// imageclip_open_test says whether the display opens (READ_OK). Reads run
// on their own threads beside GLFW's, so Xlib's locking goes on first
// (libX11 1.8 does so by itself; repeating it is harmless).
static int imageclip_open_test(void) {
	XInitThreads();
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) {
		return READ_NO_DISPLAY;
	}
	XCloseDisplay(d);
	return READ_OK;
}

// imageclip_read asks the CLIPBOARD selection's owner for image/png, all
// of it before timeout_ms, at most max bytes; pieces (INCR) are joined.
// On READ_OK *out holds *n bytes (free it), or nothing: no image.
static int imageclip_read(int timeout_ms, unsigned long max, unsigned char **out, unsigned long *n) {
	*out = NULL;
	*n = 0;
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) {
		return READ_NO_DISPLAY;
	}
	long long deadline = now_ms() + timeout_ms;
	Window w = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, 0, 0);
	XSelectInput(d, w, PropertyChangeMask);
	Atom sel = XInternAtom(d, "CLIPBOARD", False);
	Atom png = XInternAtom(d, "image/png", False);
	Atom incr = XInternAtom(d, "INCR", False);
	Atom prop = XInternAtom(d, "CIPHERLEAF_PASTE", False);
	// Ask for one 32-bit unit more than max: a longer value is too large.
	long units = (long)(max / 4 + 1);
	int rc = READ_OK;
	unsigned char *buf = NULL;
	unsigned long len = 0;
	XEvent ev;
	Atom type;
	int format;
	unsigned long items, after;
	unsigned char *data = NULL;

	if (XGetSelectionOwner(d, sel) == None) {
		goto done; // nobody copied anything
	}
	XConvertSelection(d, sel, png, prop, w, CurrentTime);
	if (!wait_for(d, w, SelectionNotify, None, &ev, deadline)) {
		rc = READ_TIMEOUT;
		goto done;
	}
	if (ev.xselection.property == None) {
		goto done; // no image/png on offer
	}
	// Reading deletes the property; for INCR that asks for the first piece.
	if (XGetWindowProperty(d, w, prop, 0, units, True, AnyPropertyType, &type, &format, &items, &after, &data) != Success) {
		rc = READ_FAILED;
		goto done;
	}
	if (type == incr) {
		XFree(data);
		data = NULL;
		for (;;) {
			if (!wait_for(d, w, PropertyNotify, prop, &ev, deadline)) {
				rc = READ_TIMEOUT;
				goto done;
			}
			if (XGetWindowProperty(d, w, prop, 0, units, True, AnyPropertyType, &type, &format, &items, &after, &data) != Success) {
				rc = READ_FAILED;
				goto done;
			}
			if (items == 0) {
				break; // an empty piece ends the transfer
			}
			if (format != 8 || after > 0) {
				rc = format != 8 ? READ_FAILED : READ_TOO_LARGE;
				goto done;
			}
			rc = append_piece(&buf, &len, data, items, max);
			XFree(data);
			data = NULL;
			if (rc != READ_OK) {
				goto done;
			}
		}
	} else if (type == png && format == 8) {
		rc = after > 0 ? READ_TOO_LARGE : append_piece(&buf, &len, data, items, max);
	}
done:
	if (data != NULL) {
		XFree(data);
	}
	XCloseDisplay(d);
	if (rc != READ_OK) {
		free(buf);
		return rc;
	}
	*out = buf;
	*n = len;
	return READ_OK;
}
*/
import "C"

import (
	"bytes"
	"fmt"
	"time"
	"unsafe"

	"cipherleaf.dev/client/attach"
)

// New opens the system clipboard, the X display named by $DISPLAY; a read
// waits at most timeout, and an image over max bytes is refused. It
// returns an error wrapping ErrUnavailable when there is no display, and
// then image paste is simply not offered.
func New(timeout time.Duration, max int64) (*Clipboard, error) {
	if C.imageclip_open_test() != C.READ_OK {
		return nil, fmt.Errorf("open clipboard: %w (no X display)", ErrUnavailable)
	}
	// The read keeps its own deadline and closes its connection then; the
	// wait around it is only a backstop.
	return newClipboard(timeout+time.Second, max, func() ([]byte, error) { return readX11(timeout, max) }), nil
}

// readX11 reads the CLIPBOARD selection's image/png (nil: none).
func readX11(timeout time.Duration, max int64) ([]byte, error) {
	var out *C.uchar
	var n C.ulong
	switch rc := C.imageclip_read(C.int(timeout.Milliseconds()), C.ulong(max), &out, &n); rc {
	case C.READ_OK:
	case C.READ_NO_DISPLAY:
		return nil, fmt.Errorf("read clipboard image: %w (no X display)", ErrUnavailable)
	case C.READ_TIMEOUT:
		return nil, fmt.Errorf("read clipboard image: %w after %v", ErrTimeout, timeout)
	case C.READ_TOO_LARGE:
		return nil, fmt.Errorf("read clipboard image: %w", attach.ErrFileTooLarge)
	default:
		return nil, fmt.Errorf("read clipboard image: the X server refused (%d)", int(rc))
	}
	if out == nil {
		return nil, nil
	}
	defer C.free(unsafe.Pointer(out))
	return bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(out)), int(n))), nil
}
