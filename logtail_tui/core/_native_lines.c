/* Per-line scans of a block of raw lines: level letters, picking lines, the clean check
 * (docs/architecture.md, "Native helper"; the pure-Python twins are in core/native.py). */
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

const char lt_level_letters_doc[] =
"level_letters(data, start, end, tokens, column, openers, words, delims, end_ok, table)\n"
"--\n\n"
"For each line of data[start:end] (split at line feeds): skip `tokens` space-separated\n"
"tokens (or, when tokens < 0, `column` bytes), then an opener byte if `openers` is not\n"
"empty; if one of `words` follows, ended by a byte of `delims` (or by `end` when end_ok),\n"
"the line gets table[first letter], else 0. Returns a bytearray, one byte a line.";

PyObject *
lt_level_letters(PyObject *Py_UNUSED(self), PyObject *args)
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

const char lt_pick_lines_doc[] =
"pick_lines(data, start, end, keep)\n"
"--\n\n"
"The lines of data[start:end] whose byte in `keep` (one a line) is not 0, joined by line\n"
"feeds, each followed by one.";

PyObject *
lt_pick_lines(PyObject *Py_UNUSED(self), PyObject *args)
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

const char lt_is_clean_doc[] =
"is_clean(data, start, end)\n"
"--\n\n"
"Whether data[start:end] is only printable ASCII and line feeds.";

PyObject *
lt_is_clean(PyObject *Py_UNUSED(self), PyObject *args)
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
