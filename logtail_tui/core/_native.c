/* The optional C helper, logtail_tui.core._native (docs/architecture.md, "Native helper"):
 * per-line scans of blocks of log lines at memchr speed, with no object made a line.
 *
 * Built at install time when a C compiler is there. Each function has a pure-Python twin in
 * core/native.py that is the reference; tests/unit/test_native.py compares the two on
 * hostile input. This file is the module; the scans are in _native_lines.c (level letters,
 * picking lines, the clean check), _native_find.c (a literal's lines, masks) and
 * _native_regex.c (a small regex's lines, by an automaton built in core/automaton.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Defined in _native_lines.c, _native_find.c and _native_regex.c. */
#define DECLARE(name)                                   \
    extern const char lt_##name##_doc[];                 \
    PyObject *lt_##name(PyObject *self, PyObject *args);
DECLARE(level_letters)
DECLARE(pick_lines)
DECLARE(is_clean)
DECLARE(needle_lines)
DECLARE(mark_needle_lines)
DECLARE(indices)
DECLARE(mark)
DECLARE(regex_scan)

PyDoc_STRVAR(one_arena_doc,
"one_arena()\n"
"--\n\n"
"Limit glibc's malloc to one arena (core/allocator.py says why); False without glibc.");

static PyObject *
one_arena(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args))
{
#ifdef __GLIBC__
    return PyBool_FromLong(mallopt(M_ARENA_MAX, 1));
#else
    Py_RETURN_FALSE;
#endif
}

static PyMethodDef methods[] = {
    {"one_arena", one_arena, METH_NOARGS, one_arena_doc},
    {"mark", lt_mark, METH_VARARGS, lt_mark_doc},
    {"needle_lines", lt_needle_lines, METH_VARARGS, lt_needle_lines_doc},
    {"mark_needle_lines", lt_mark_needle_lines, METH_VARARGS, lt_mark_needle_lines_doc},
    {"indices", lt_indices, METH_VARARGS, lt_indices_doc},
    {"is_clean", lt_is_clean, METH_VARARGS, lt_is_clean_doc},
    {"level_letters", lt_level_letters, METH_VARARGS, lt_level_letters_doc},
    {"pick_lines", lt_pick_lines, METH_VARARGS, lt_pick_lines_doc},
    {"regex_scan", lt_regex_scan, METH_VARARGS, lt_regex_scan_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_native", "Per-line scans in C (see core/native.py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    return PyModule_Create(&module);
}
