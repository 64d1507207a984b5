/* Which lines hold a match of a small regular expression, by a bit-parallel automaton
 * (docs/architecture.md, "Native helper"). The automaton (a Glushkov one: a state bit per
 * character class of the pattern) is built from Python's own parse of the regex in
 * core/automaton.py, which also holds the pure-Python twin. A line costs a table look-up
 * or two a byte, whatever the pattern, with no backtracking: no line is slow. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_native.h"

/* The program's layout, all 64-bit words (core/automaton.py writes it):
 * words, first, last, flags, masks[256], follow[words][256]. A state bit per position;
 * masks[c]: the positions whose class holds byte c; follow[w][b]: the positions that may
 * come after those of bits b of state byte w; first/last: where a match may start/end. */
enum { HEADER = 4, START = 1, END = 2 };

typedef struct {
    Py_buffer view;
    uint64_t words, first, last, flags;
    const uint64_t *masks, *follow;
    unsigned char starts[256]; /* bytes that may begin a match */
    int only;                  /* the one such byte, or -1 (memchr then finds it) */
} Program;

static int
program_of(PyObject *obj, Program *g)
{
    if (PyObject_GetBuffer(obj, &g->view, PyBUF_SIMPLE) < 0)
        return -1;
    const uint64_t *w = (const uint64_t *)g->view.buf;
    Py_ssize_t n = g->view.len / 8;
    if (g->view.len % 8 != 0 || n < HEADER + 256 || w[0] < 1 || w[0] > 8 ||
        (uint64_t)n != HEADER + 256 + w[0] * 256) {
        PyBuffer_Release(&g->view);
        PyErr_SetString(PyExc_ValueError, "not an automaton program");
        return -1;
    }
    g->words = w[0];
    g->first = w[1];
    g->last = w[2];
    g->flags = w[3];
    g->masks = w + HEADER;
    g->follow = w + HEADER + 256;
    /* No state bit past the follow tables: `follow` reads a table a byte of the state. */
    uint64_t beyond = g->words == 8 ? 0 : ~(uint64_t)0 << (8 * g->words), stray = 0;
    for (Py_ssize_t k = 1; k < n; k++)
        stray |= k == 3 ? 0 : w[k];
    if (stray & beyond) {
        PyBuffer_Release(&g->view);
        PyErr_SetString(PyExc_ValueError, "not an automaton program");
        return -1;
    }
    int count = 0;
    g->only = -1;
    for (int c = 0; c < 256; c++) {
        g->starts[c] = (g->masks[c] & g->first) != 0;
        if (g->starts[c]) {
            count++;
            g->only = c;
        }
    }
    if (count != 1)
        g->only = -1;
    return 0;
}

/* The positions that may follow those in `d`. */
static inline uint64_t
follow(const Program *g, uint64_t d)
{
    uint64_t next = 0;
    for (const uint64_t *table = g->follow; d; d >>= 8, table += 256)
        next |= table[d & 0xff];
    return next;
}

/* Whether [p, e) holds a match (`search` semantics; START/END: anchored at either end). */
static int
line_matches(const Program *g, const unsigned char *p, const unsigned char *e)
{
    const uint64_t *masks = g->masks;
    uint64_t d = 0, last = g->last;
    int at_end = (g->flags & END) != 0;
    if (g->flags & START) {
        if (p == e)
            return 0;
        d = g->first & masks[*p++];
        while (d != 0 && p < e) {
            if (!at_end && (d & last))
                return 1;
            d = follow(g, d) & masks[*p++];
        }
        return (d & last) != 0;
    }
    while (p < e) {
        if (d == 0) { /* nothing under way: skip to a byte a match may begin with */
            if (g->only >= 0) {
                p = memchr(p, g->only, e - p);
                if (p == NULL)
                    return 0;
            }
            else {
                while (p < e && !g->starts[*p])
                    p++;
                if (p == e)
                    break;
            }
        }
        d = (follow(g, d) | g->first) & masks[*p++];
        if (!at_end && (d & last))
            return 1;
    }
    return (d & last) != 0;
}

const char lt_regex_scan_doc[] =
"regex_scan(program, hay, pos, endpos, lead=None, fold=False, starts=False)\n"
"--\n\n"
"Indices (0 = the line at `pos`) of the lines of hay[pos:endpos] (split at line feeds)\n"
"that hold a match of the automaton `program` (core/automaton.py). `lead`: a literal (or a\n"
"tuple of up to four) that every match holds, found first (with `fold`, ignoring ASCII\n"
"case; in lower case): only lines holding it run the automaton, from where it is when\n"
"`starts` (every match starts with it), else from the line's start.";

/* A growing array of line numbers, filled without the GIL. */
typedef struct {
    Py_ssize_t *at, count, room;
} Hits;

static int
push(Hits *h, Py_ssize_t line)
{
    if (h->count == h->room) {
        Py_ssize_t room = h->room ? 2 * h->room : 1024;
        Py_ssize_t *more = PyMem_RawRealloc(h->at, room * sizeof(Py_ssize_t));
        if (more == NULL)
            return -1;
        h->at = more;
        h->room = room;
    }
    h->at[h->count++] = line;
    return 0;
}

/* Every line of [p, stop) through the automaton. */
static int
scan_all(const Program *g, const unsigned char *p, const unsigned char *stop, Hits *hits)
{
    for (Py_ssize_t line = 0;; line++) {
        const unsigned char *feed = memchr(p, '\n', stop - p);
        const unsigned char *e = feed != NULL ? feed : stop;
        if (line_matches(g, p, e) && push(hits, line) < 0)
            return -1;
        if (feed == NULL)
            return 0;
        p = feed + 1;
    }
}

/* Only the lines of [p, stop) holding a needle, each from its first occurrence (`starts`) or
 * from its start: one pass, where finding the needle's lines and then asking each of them
 * would make a list of each. */
static int
scan_led(const Program *g, const Needles *w, int starts, const unsigned char *p,
         const unsigned char *stop, Hits *hits)
{
    const unsigned char *line_start = p;
    Py_ssize_t line = 0;
    while (p < stop) {
        const unsigned char *hit =
            (const unsigned char *)lt_find_any(w, (const char *)p, (const char *)stop);
        if (hit == NULL)
            break;
        for (const unsigned char *q; (q = memchr(line_start, '\n', hit - line_start)) != NULL;) {
            line++;
            line_start = q + 1;
        }
        const unsigned char *feed = memchr(hit, '\n', stop - hit);
        const unsigned char *e = feed != NULL ? feed : stop;
        if (line_matches(g, starts ? hit : line_start, e) && push(hits, line) < 0)
            return -1;
        if (feed == NULL)
            break;
        p = line_start = feed + 1;
        line++;
    }
    return 0;
}

PyObject *
lt_regex_scan(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *program_obj, *hay_obj, *lead = Py_None;
    Py_ssize_t pos, endpos;
    int fold = 0, starts = 0;
    if (!PyArg_ParseTuple(args, "OOnn|Opp", &program_obj, &hay_obj, &pos, &endpos, &lead, &fold,
                          &starts))
        return NULL;
    const char *hay;
    Py_ssize_t hay_len;
    Needles needles = {0};
    if (lead != Py_None) {
        if (lt_needles_of(hay_obj, lead, fold, &hay, &hay_len, &needles) < 0)
            return NULL;
        if (needles.count == 0)
            return PyList_New(0); /* no needle can occur: no match can */
    }
    else if (lt_chars_of(hay_obj, &hay, &hay_len) < 0)
        return NULL;
    Program g;
    if (program_of(program_obj, &g) < 0)
        return NULL;
    if (pos < 0)
        pos = 0;
    if (endpos > hay_len)
        endpos = hay_len;
    Hits hits = {NULL, 0, 0};
    int failed;
    const unsigned char *p = (const unsigned char *)hay + pos;
    const unsigned char *stop = (const unsigned char *)hay + (endpos > pos ? endpos : pos);
    Py_BEGIN_ALLOW_THREADS
    failed = lead != Py_None ? scan_led(&g, &needles, starts, p, stop, &hits)
                             : scan_all(&g, p, stop, &hits);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&g.view);
    PyObject *result = failed ? PyErr_NoMemory() : PyList_New(hits.count);
    for (Py_ssize_t k = 0; result != NULL && k < hits.count; k++) {
        PyObject *number = PyLong_FromSsize_t(hits.at[k]);
        if (number == NULL)
            Py_CLEAR(result);
        else
            PyList_SET_ITEM(result, k, number);
    }
    PyMem_RawFree(hits.at);
    return result;
}
