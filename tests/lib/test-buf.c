#include <errno.h>
#include <string.h>

#include "base/buf.h"
#include "tap.h"

int
main(void)
{
	struct buf b;

	buf_init(&b, 10);
	ok(b.ptr != NULL && b.ptr[0] == '\0' && b.len == 0,
	    "a new buffer is an empty string");
	ok(buf_add(&b, "hello", 5) == 0 && strcmp(b.ptr, "hello") == 0,
	    "add bytes");
	ok(buf_addch(&b, '!') == 0 && b.len == 6 && b.ptr[6] == '\0',
	    "add a character, still NUL-terminated");
	errno = 0;
	ok(buf_add(&b, "12345", 5) == -1 && errno == EFBIG,
	    "growing past the maximum fails with EFBIG");
	ok(strcmp(b.ptr, "hello!") == 0,
	    "a failed add leaves the content unchanged");
	ok(buf_addf(&b, "%d", 1234) == 0 && strcmp(b.ptr, "hello!1234") == 0,
	    "formatted add up to the maximum exactly");
	ok(buf_addch(&b, 'x') == -1, "one byte past the maximum fails");
	buf_setlen(&b, 5);
	ok(strcmp(b.ptr, "hello") == 0, "setlen cuts and terminates");
	buf_reset(&b);
	ok(b.len == 0 && b.ptr[0] == '\0', "reset empties");
	buf_release(&b);
	ok(b.ptr != NULL && b.len == 0 && b.cap == 0,
	    "release leaves an initialised empty buffer");
	buf_release(&b);
	ok(1, "release twice is harmless");
	buf_reset(&b);
	ok(b.ptr[0] == '\0', "reset of a released buffer is harmless");
	return done_testing();
}
