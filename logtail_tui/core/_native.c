/* Per-line scans of a block of log lines at memchr speed (docs/architecture.md, "Native helper").
 *
 * Optional: built at install time when a C compiler is there. Each function has a pure-Python
 * twin in core/native.py that is the reference; tests compare the two on hostile input.
 * Nothing here allocates per line: the results are one bytearray or one bytes object.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MAX_WORDS 64

/* The bytes regex class \s: space, \t, \n, \v, \f, \r. */
static inline int
is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

typedef struct {
    const unsigned char *at[MAX_WORDS];
    Py_ssize_t len[MAX_WORDS];
    Py_ssize_t n;
} Words;

static int
read_words(PyObject *seq, Words *words)
{
    PyObject *fast = PySequence_Fast(seq, "words must be a sequence of bytes");
    if (fast == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > MAX_WORDS) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "too many words");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *w = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyBytes_Check(w) || PyBytes_GET_SIZE(w) == 0) {
            Py_DECREF(fast);
            PyErr_SetString(PyExc_TypeError, "words must be non-empty bytes");
            return -1;
        }
        /* The caller's sequence keeps the words alive for the whole call. */
        words->at[i] = (const unsigned char *)PyBytes_AS_STRING(w);
        words->len[i] = PyBytes_GET_SIZE(w);
    }
    words->n = n;
    Py_DECREF(fast);
    return 0;
}

/* The level letter of the line [p, stop) or 0; `end` is where the whole range stops. */
static inline unsigned char
letter_of(const unsigned char *p, const unsigned char *stop, const unsigned char *end,
          Py_ssize_t tokens, Py_ssize_t column, const unsigned char *openers,
          const unsigned char *delims, int end_ok, const Words *words)
{
    if (tokens >= 0) {
        /* (?:\S++ ++){tokens}: a run of non-space bytes, then a run of spaces, k times. */
        for (Py_ssize_t t = 0; t < tokens; t++) {
            if (p >= stop || is_space(*p))
                return 0;
            while (p < stop && !is_space(*p))
                p++;
            if (p >= stop || *p != ' ')
                return 0;
            while (p < stop && *p == ' ')
                p++;
        }
    }
    else {
        if (stop - p < column)
            return 0;
        p += column;
    }
    if (openers[0]) {
        if (p >= stop || strchr((const char *)openers, *p) == NULL || *p == 0)
            return 0;
        p++;
    }
    if (p >= stop)
        return 0;
    for (Py_ssize_t i = 0; i < words->n; i++) {
        Py_ssize_t len = words->len[i];
        if (words->at[i][0] != *p || stop - p < len || memcmp(p, words->at[i], len) != 0)
            continue;
        const unsigned char *q = p + len;
        if (q == end) {
            if (end_ok)
                return *p;
            continue;
        }
        if (*q != 0 && strchr((const char *)delims, *q) != NULL)
            return *p;
    }
    return 0;
}

/* PyMem_Realloc needs the GIL; the raw allocator does not. */
static unsigned char *
realloc_levels(unsigned char *buffer, Py_ssize_t size)
{
    return PyMem_RawRealloc(buffer, size);
}

PyDoc_STRVAR(level_letters_doc,
"level_letters(data, start, end, tokens, column, openers, words, delims, end_ok, table)\n"
"--\n\n"
"For each line of data[start:end] (split at line feeds): skip `tokens` space-separated\n"
"tokens (or, when tokens < 0, `column` bytes), then an opener byte if `openers` is not\n"
"empty; if one of `words` follows, ended by a byte of `delims` (or by `end` when end_ok),\n"
"the line gets table[first letter], else 0. Returns a bytearray, one byte a line.");

static PyObject *
level_letters(PyObject *Py_UNUSED(self), PyObject *args)
{
    Py_buffer data, table;
    Py_ssize_t start, end, tokens, column;
    const char *openers, *delims;
    PyObject *word_seq;
    int end_ok;
    if (!PyArg_ParseTuple(args, "y*nnnnyOypy*", &data, &start, &end, &tokens, &column,
                          &openers, &word_seq, &delims, &end_ok, &table))
        return NULL;
    PyObject *result = NULL;
    Words words;
    if (table.len != 256 || start < 0 || end < start || end > data.len || column < 0) {
        PyErr_SetString(PyExc_ValueError, "bad range or table");
        goto done;
    }
    if (read_words(word_seq, &words) < 0)
        goto done;
    const unsigned char *base = (const unsigned char *)data.buf;
    const unsigned char *p = base + start, *stop_all = base + end;
    const unsigned char *map = (const unsigned char *)table.buf;
    /* One pass: the levels go to a buffer that grows, then into the bytearray at once. */
    Py_ssize_t size = (end - start) / 32 + 64, lines = 0;
    unsigned char *out = PyMem_RawMalloc(size);
    if (out == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
    for (;;) {
        const unsigned char *nl = memchr(p, '\n', stop_all - p);
        const unsigned char *stop = nl != NULL ? nl : stop_all;
        unsigned char letter = letter_of(p, stop, stop_all, tokens, column,
                                         (const unsigned char *)openers,
                                         (const unsigned char *)delims, end_ok, &words);
        if (lines == size) {
            unsigned char *bigger = realloc_levels(out, size * 2);
            if (bigger == NULL) {
                failed = 1;
                break;
            }
            out = bigger;
            size *= 2;
        }
        out[lines++] = letter ? map[letter] : 0;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    Py_END_ALLOW_THREADS
    if (failed)
        PyErr_NoMemory();
    else
        result = PyByteArray_FromStringAndSize((const char *)out, lines);
    PyMem_RawFree(out);
done:
    PyBuffer_Release(&data);
    PyBuffer_Release(&table);
    return result;
}

PyDoc_STRVAR(pick_lines_doc,
"pick_lines(data, start, end, keep)\n"
"--\n\n"
"The lines of data[start:end] whose byte in `keep` (one a line) is not 0, joined by line\n"
"feeds, each followed by one.");

static PyObject *
pick_lines(PyObject *Py_UNUSED(self), PyObject *args)
{
    Py_buffer data, keep;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "y*nny*", &data, &start, &end, &keep))
        return NULL;
    PyObject *result = NULL;
    if (start < 0 || end < start || end > data.len) {
        PyErr_SetString(PyExc_ValueError, "bad range");
        goto done;
    }
    const unsigned char *base = (const unsigned char *)data.buf;
    const unsigned char *flags = (const unsigned char *)keep.buf;
    /* First pass: the size, so the result is made once and filled in place. */
    Py_ssize_t size = 0, i = 0;
    const unsigned char *p = base + start, *stop_all = base + end;
    for (;; i++) {
        const unsigned char *nl = memchr(p, '\n', stop_all - p);
        const unsigned char *stop = nl != NULL ? nl : stop_all;
        if (i >= keep.len) {
            PyErr_SetString(PyExc_ValueError, "keep has fewer bytes than there are lines");
            goto done;
        }
        if (flags[i])
            size += stop - p + 1;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    result = PyBytes_FromStringAndSize(NULL, size);
    if (result == NULL)
        goto done;
    char *out = PyBytes_AS_STRING(result);
    p = base + start;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t k = 0;; k++) {
        const unsigned char *nl = memchr(p, '\n', stop_all - p);
        const unsigned char *stop = nl != NULL ? nl : stop_all;
        if (flags[k]) {
            memcpy(out, p, stop - p);
            out += stop - p;
            *out++ = '\n';
        }
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    Py_END_ALLOW_THREADS
done:
    PyBuffer_Release(&data);
    PyBuffer_Release(&keep);
    return result;
}

PyDoc_STRVAR(is_clean_doc,
"is_clean(data, start, end)\n"
"--\n\n"
"Whether data[start:end] is only printable ASCII and line feeds.");

static PyObject *
is_clean(PyObject *Py_UNUSED(self), PyObject *args)
{
    Py_buffer data;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "y*nn", &data, &start, &end))
        return NULL;
    if (start < 0 || end < start || end > data.len) {
        PyBuffer_Release(&data);
        PyErr_SetString(PyExc_ValueError, "bad range");
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)data.buf + start;
    Py_ssize_t len = end - start;
    unsigned char bad = 0;
    Py_BEGIN_ALLOW_THREADS
    /* Branch-free pieces the compiler vectorises; a dirty piece ends the scan. */
    for (Py_ssize_t at = 0; at < len && !bad; at += 4096) {
        Py_ssize_t stop = at + 4096 < len ? at + 4096 : len;
        for (Py_ssize_t i = at; i < stop; i++) {
            unsigned char c = p[i];
            bad |= (unsigned char)(((unsigned char)(c - 0x20) > 0x5e) & (c != '\n'));
        }
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    return PyBool_FromLong(!bad);
}

/* The bytes of a `bytes` or of a one-byte-a-character `str` (ASCII, Latin-1): 0, or -1
 * with an exception for anything else. */
static int
chars_of(PyObject *obj, const char **at, Py_ssize_t *len)
{
    if (PyBytes_Check(obj)) {
        *at = PyBytes_AS_STRING(obj);
        *len = PyBytes_GET_SIZE(obj);
        return 0;
    }
    if (PyUnicode_Check(obj) && PyUnicode_KIND(obj) == PyUnicode_1BYTE_KIND) {
        *at = (const char *)PyUnicode_DATA(obj);
        *len = PyUnicode_GET_LENGTH(obj);
        return 0;
    }
    PyErr_SetString(PyExc_TypeError, "expected bytes or a one-byte-a-character str");
    return -1;
}

static inline Py_ssize_t
end_at(const char *ends, Py_ssize_t itemsize, Py_ssize_t k)
{
    if (itemsize == 4)
        return ((const uint32_t *)ends)[k];
    return (Py_ssize_t)((const int64_t *)ends)[k];
}

static int
append_int(PyObject *list, Py_ssize_t value)
{
    PyObject *number = PyLong_FromSsize_t(value);
    if (number == NULL)
        return -1;
    int failed = PyList_Append(list, number);
    Py_DECREF(number);
    return failed;
}

PyDoc_STRVAR(needle_lines_doc,
"needle_lines(hay, needle, pos, endpos, ends, base, offsets)\n"
"--\n\n"
"The distinct lines (ascending) holding `needle` within hay[pos:endpos], and with\n"
"`offsets` the offset in `hay` of the first occurrence in each. `ends` (an array of\n"
"4- or 8-byte ints: the offset just past each line's line feed, `hay` starting at offset\n"
"`base`) numbers the lines; with `ends` None, lines are counted from the one at `pos`.\n"
"Returns (lines, offsets or None).");

static PyObject *
needle_lines(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *hay_obj, *needle_obj, *ends_obj;
    Py_ssize_t pos, endpos, base;
    int want_offsets;
    if (!PyArg_ParseTuple(args, "OOnnOnp", &hay_obj, &needle_obj, &pos, &endpos, &ends_obj,
                          &base, &want_offsets))
        return NULL;
    const char *hay, *needle;
    Py_ssize_t hay_len, needle_len;
    if (chars_of(hay_obj, &hay, &hay_len) < 0)
        return NULL;
    if (PyBytes_Check(hay_obj) != PyBytes_Check(needle_obj)) {
        PyErr_SetString(PyExc_TypeError, "hay and needle must be both bytes or both str");
        return NULL;
    }
    PyObject *lines = PyList_New(0);
    PyObject *offsets = want_offsets ? PyList_New(0) : Py_NewRef(Py_None);
    if (lines == NULL || offsets == NULL)
        goto fail;
    if (PyUnicode_Check(needle_obj) && PyUnicode_KIND(needle_obj) != PyUnicode_1BYTE_KIND)
        goto done; /* wider characters than the hay holds: nowhere */
    if (chars_of(needle_obj, &needle, &needle_len) < 0)
        goto fail;
    if (needle_len == 0) {
        PyErr_SetString(PyExc_ValueError, "empty needle");
        goto fail;
    }
    if (pos < 0)
        pos = 0;
    if (endpos > hay_len)
        endpos = hay_len;
    Py_buffer ends = {0};
    int have_ends = ends_obj != Py_None;
    Py_ssize_t count = 0, k = 0, line = 0;
    if (have_ends) {
        if (PyObject_GetBuffer(ends_obj, &ends, PyBUF_C_CONTIGUOUS) < 0)
            goto fail;
        if (ends.itemsize != 4 && ends.itemsize != 8) {
            PyBuffer_Release(&ends);
            PyErr_SetString(PyExc_TypeError, "ends must hold 4- or 8-byte ints");
            goto fail;
        }
        count = ends.len / ends.itemsize;
        /* The line at `pos`: the first whose end lies past it. */
        Py_ssize_t lo = 0, hi = count;
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (end_at(ends.buf, ends.itemsize, mid) <= base + pos)
                lo = mid + 1;
            else
                hi = mid;
        }
        k = lo;
    }
    const char *p = hay + pos, *stop = hay + endpos, *counted = p;
    int failed = 0;
    while (p < stop) {
        const char *hit = memmem(p, stop - p, needle, needle_len);
        if (hit == NULL)
            break;
        Py_ssize_t at = hit - hay;
        const char *next;
        if (have_ends) {
            while (k < count && end_at(ends.buf, ends.itemsize, k) <= base + at)
                k++;
            line = k;
            next = hay + (k < count ? end_at(ends.buf, ends.itemsize, k) - base : hay_len);
        }
        else {
            for (const char *q = counted; (q = memchr(q, '\n', hit - q)) != NULL; q++)
                line++;
            const char *feed = memchr(hit, '\n', stop - hit);
            next = feed != NULL ? feed + 1 : stop;
            counted = next;
        }
        if (append_int(lines, line) < 0 || (want_offsets && append_int(offsets, at) < 0)) {
            failed = 1;
            break;
        }
        if (!have_ends)
            line++; /* `next` is past this line's feed */
        p = next > p ? next : p + 1;
    }
    if (have_ends)
        PyBuffer_Release(&ends);
    if (failed)
        goto fail;
done:
    return Py_BuildValue("(NN)", lines, offsets);
fail:
    Py_XDECREF(lines);
    Py_XDECREF(offsets);
    return NULL;
}

PyDoc_STRVAR(indices_doc,
"indices(mask, first)\n"
"--\n\n"
"first + i for each i where mask[i] is not 0, as the bytes of an array('q').");

static PyObject *
indices(PyObject *Py_UNUSED(self), PyObject *args)
{
    Py_buffer mask;
    long long first;
    if (!PyArg_ParseTuple(args, "y*L", &mask, &first))
        return NULL;
    const unsigned char *m = (const unsigned char *)mask.buf;
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < mask.len; i++)
        kept += m[i] != 0;
    PyObject *result = PyBytes_FromStringAndSize(NULL, kept * (Py_ssize_t)sizeof(int64_t));
    if (result != NULL) {
        int64_t *out = (int64_t *)PyBytes_AS_STRING(result);
        for (Py_ssize_t i = 0; i < mask.len; i++)
            if (m[i])
                *out++ = first + i;
    }
    PyBuffer_Release(&mask);
    return result;
}

PyDoc_STRVAR(mark_doc,
"mark(mask, positions, shift, value)\n"
"--\n\n"
"mask[p + shift] = value for each int p of the list `positions` (in range).");

static PyObject *
mark(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *mask_obj, *positions;
    Py_ssize_t shift;
    unsigned char value;
    if (!PyArg_ParseTuple(args, "YO!nb", &mask_obj, &PyList_Type, &positions, &shift, &value))
        return NULL;
    unsigned char *mask = (unsigned char *)PyByteArray_AS_STRING(mask_obj);
    Py_ssize_t size = PyByteArray_GET_SIZE(mask_obj);
    Py_ssize_t n = PyList_GET_SIZE(positions);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t at = PyLong_AsSsize_t(PyList_GET_ITEM(positions, i));
        if (at == -1 && PyErr_Occurred())
            return NULL;
        at += shift;
        if (at < 0 || at >= size) {
            PyErr_SetString(PyExc_IndexError, "position out of the mask");
            return NULL;
        }
        mask[at] = value;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"mark", mark, METH_VARARGS, mark_doc},
    {"needle_lines", needle_lines, METH_VARARGS, needle_lines_doc},
    {"indices", indices, METH_VARARGS, indices_doc},
    {"is_clean", is_clean, METH_VARARGS, is_clean_doc},
    {"level_letters", level_letters, METH_VARARGS, level_letters_doc},
    {"pick_lines", pick_lines, METH_VARARGS, pick_lines_doc},
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
