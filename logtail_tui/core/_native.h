/* What the C helper's files share (docs/architecture.md, "Native helper"). */
#ifndef LOGTAIL_NATIVE_H
#define LOGTAIL_NATIVE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The bytes of a `bytes` or of a one-byte-a-character `str` (ASCII, Latin-1): 0, or -1
 * with an exception for anything else (defined in _native_find.c). */
int lt_chars_of(PyObject *obj, const char **at, Py_ssize_t *len);

enum { MAX_NEEDLES = 4 };

/* Needles looked for together (an alternation's literals), with `fold` ignoring ASCII case
 * (the needles then in lower case). */
typedef struct {
    int count, fold;
    const char *text[MAX_NEEDLES];
    Py_ssize_t len[MAX_NEEDLES], longest;
} Needles;

/* The needles of `needle_obj` (one, or a tuple of up to MAX_NEEDLES) that can occur in the
 * hay, which it also reads: 0 (w->count may be 0: none can), or -1 with an exception. */
int lt_needles_of(PyObject *hay_obj, PyObject *needle_obj, int fold, const char **hay,
                  Py_ssize_t *hay_len, Needles *w);

/* The first place in [p, stop) where any of the needles occurs, or NULL. */
const char *lt_find_any(const Needles *w, const char *p, const char *stop);

#endif
