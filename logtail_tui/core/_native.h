/* What the C helper's files share (docs/architecture.md, "Native helper"). */
#ifndef LOGTAIL_NATIVE_H
#define LOGTAIL_NATIVE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The bytes of a `bytes` or of a one-byte-a-character `str` (ASCII, Latin-1): 0, or -1
 * with an exception for anything else (defined in _native_find.c). */
int lt_chars_of(PyObject *obj, const char **at, Py_ssize_t *len);

#endif
