/* A literal's lines in a chunk buffer, and masks of lines to line numbers
 * (docs/architecture.md, "Native helper"; the pure-Python twins are in core/native.py). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_native.h"

int
lt_chars_of(PyObject *obj, const char **at, Py_ssize_t *len)
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

/* The hay and needle of a search (both bytes, or both one-byte-a-character str): 0, 1
 * when the needle cannot occur (wider characters than the hay holds), or -1 with an
 * exception. */
static int
hay_and_needle(PyObject *hay_obj, PyObject *needle_obj, const char **hay, Py_ssize_t *hay_len,
               const char **needle, Py_ssize_t *needle_len)
{
    if (lt_chars_of(hay_obj, hay, hay_len) < 0)
        return -1;
    if (PyBytes_Check(hay_obj) != PyBytes_Check(needle_obj)) {
        PyErr_SetString(PyExc_TypeError, "hay and needle must be both bytes or both str");
        return -1;
    }
    if (PyUnicode_Check(needle_obj) && PyUnicode_KIND(needle_obj) != PyUnicode_1BYTE_KIND)
        return 1;
    if (lt_chars_of(needle_obj, needle, needle_len) < 0)
        return -1;
    if (*needle_len == 0) {
        PyErr_SetString(PyExc_ValueError, "empty needle");
        return -1;
    }
    return 0;
}

/* `ends` (line ends, 4- or 8-byte ints) as a buffer, and how many: 0, or -1 with an
 * exception (nothing held). */
static int
ends_of(PyObject *obj, Py_buffer *ends, Py_ssize_t *count)
{
    if (PyObject_GetBuffer(obj, ends, PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (ends->itemsize != 4 && ends->itemsize != 8) {
        PyBuffer_Release(ends);
        PyErr_SetString(PyExc_TypeError, "ends must hold 4- or 8-byte ints");
        return -1;
    }
    *count = ends->len / ends->itemsize;
    return 0;
}

static inline unsigned char
folded(unsigned char c)
{
    return c | (unsigned char)(((unsigned char)(c - 'A') < 26) << 5);
}

/* The first place in [p, stop) where `needle` occurs (with `fold`, ignoring ASCII case; the
 * needle then in lower case), or NULL. Positions holding the needle's first byte, and its
 * last byte where the needle would end, are marked a block at a time (a loop the compiler
 * vectorises), then only those are compared: faster than memmem for short, frequent needles,
 * and no lower-cased copy. First and last rather than the first two bytes: adjacent letters
 * go together ("er" in "error" and "server"), far-apart ones less (case-blind `error`: 0.040 s
 * for 1M lines against 0.064 s). */
static const char *
find_pairs(const char *p, const char *stop, const char *needle, Py_ssize_t n, int fold)
{
#define F(c) (fold ? folded(c) : (c))
    enum { BLOCK = 4096 };
    unsigned char marks[BLOCK];
    const unsigned char *at = (const unsigned char *)p, *end = (const unsigned char *)stop;
    const unsigned char *want = (const unsigned char *)needle;
    unsigned char first = want[0], last = want[n - 1];
    /* Small blocks first: a hit ends the call, and dense hits (a word on every few lines)
     * would otherwise pay for marking 4 KiB each. */
    Py_ssize_t block = 256;
    while (end - at >= n) {
        Py_ssize_t room = end - at - n + 1, len = room < block ? room : block;
        block = block < BLOCK ? block * 2 : BLOCK;
        if (n > 1)
            for (Py_ssize_t i = 0; i < len; i++)
                marks[i] = (F(at[i]) == first) & (F(at[i + n - 1]) == last);
        else
            for (Py_ssize_t i = 0; i < len; i++)
                marks[i] = F(at[i]) == first;
        const unsigned char *mark = marks, *marks_end = marks + len;
        while ((mark = memchr(mark, 1, marks_end - mark)) != NULL) {
            const unsigned char *candidate = at + (mark - marks);
            Py_ssize_t k = 1;
            while (k < n - 1 && F(candidate[k]) == want[k])
                k++;
            if (k >= n - 1)
                return (const char *)candidate;
            mark++;
        }
        at += len;
    }
    return NULL;
#undef F
}

static int
holds_at(const Needles *w, int j, const unsigned char *c)
{
    const unsigned char *want = (const unsigned char *)w->text[j];
    for (Py_ssize_t k = 0; k < w->len[j]; k++)
        if ((w->fold ? folded(c[k]) : c[k]) != want[k])
            return 0;
    return 1;
}

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>

/* As find_pairs for any of the needles, 16 positions a step in SSE2 registers (every x86-64
 * has them): a position is a candidate where a needle's first byte is there and its last
 * byte where it would end; only candidates are compared. Case-blind, a letter is compared
 * with its 0x20 bit set on both sides, which equates exactly its two cases (other bytes are
 * compared as they are). Case-blind `timeout` over 1M lines: 0.045 s against 0.076 s. */
typedef struct {
    __m128i first[MAX_NEEDLES], first_or[MAX_NEEDLES], last[MAX_NEEDLES], last_or[MAX_NEEDLES];
} Probes;

static void
probes_of(const Needles *w, Probes *v)
{
    for (int j = 0; j < w->count; j++) {
        unsigned char a = w->text[j][0], z = w->text[j][w->len[j] - 1];
        v->first[j] = _mm_set1_epi8((char)a);
        v->last[j] = _mm_set1_epi8((char)z);
        v->first_or[j] = _mm_set1_epi8(w->fold && a >= 'a' && a <= 'z' ? 0x20 : 0);
        v->last_or[j] = _mm_set1_epi8(w->fold && z >= 'a' && z <= 'z' ? 0x20 : 0);
    }
}

/* The first of the 16 positions from `at` where a needle occurs, or NULL; every needle must
 * fit at each of them. */
static inline const unsigned char *
block_hit(const Needles *w, const Probes *v, const unsigned char *at)
{
    __m128i block = _mm_loadu_si128((const __m128i *)at);
    unsigned bits = 0;
    for (int j = 0; j < w->count; j++) {
        __m128i tail = _mm_loadu_si128((const __m128i *)(at + w->len[j] - 1));
        __m128i both = _mm_and_si128(
            _mm_cmpeq_epi8(_mm_or_si128(block, v->first_or[j]), v->first[j]),
            _mm_cmpeq_epi8(_mm_or_si128(tail, v->last_or[j]), v->last[j]));
        bits |= (unsigned)_mm_movemask_epi8(both);
    }
    for (; bits; bits &= bits - 1) {
        const unsigned char *candidate = at + __builtin_ctz(bits);
        for (int j = 0; j < w->count; j++)
            if (holds_at(w, j, candidate))
                return candidate;
    }
    return NULL;
}

static const char *
find_sse2(const Needles *w, const Probes *v, const char *p, const char *stop)
{
    const unsigned char *at = (const unsigned char *)p, *end = (const unsigned char *)stop;
    const Py_ssize_t span = 16 + w->longest - 1; /* each needle fits at all 16 positions */
    if (end - at >= span) {
        for (; end - at >= span; at += 16) {
            const unsigned char *hit = block_hit(w, v, at);
            if (hit)
                return (const char *)hit;
        }
        /* The last positions where the longest needle fits: one more block, ending there.
         * It overlaps positions already found empty, so its first hit is still the first. */
        const unsigned char *hit = block_hit(w, v, end - span);
        if (hit)
            return (const char *)hit;
        at = end - w->longest + 1; /* then where only shorter needles fit */
    }
    for (; at < end; at++) /* a byte at a time */
        for (int j = 0; j < w->count; j++)
            if (end - at >= w->len[j] && holds_at(w, j, at))
                return (const char *)at;
    return NULL;
}
#define HAVE_SSE2_FIND 1
#else
typedef struct {
    int unused;
} Probes; /* nothing to set up for the portable loops */

static void
probes_of(const Needles *w, Probes *v)
{
    (void)w;
    (void)v;
}
#endif

/* With SSE2: find_sse2, for one needle or several, either case. It beats glibc's memmem here
 * even on a needle that never occurs (6.3 GB/s against 4.0), and far more on one on every
 * few lines (2.5 against 1.6: memmem sets up again after each line found). Without: memmem
 * for one longer needle, find_pairs for a short or case-blind one, and for several one pass
 * marking every needle's first and last bytes (as find_pairs), not a pass a needle. */
const char *
lt_find_any(const Needles *w, const char *p, const char *stop)
{
#ifdef HAVE_SSE2_FIND
    if (w->count >= 1) {
        Probes v;
        probes_of(w, &v);
        return find_sse2(w, &v, p, stop);
    }
#endif
    if (w->count == 1)
        return w->fold || w->len[0] <= 2 ? find_pairs(p, stop, w->text[0], w->len[0], w->fold)
                                         : memmem(p, stop - p, w->text[0], w->len[0]);
#define F(c) (w->fold ? folded(c) : (c))
    enum { BLOCK = 4096 };
    unsigned char marks[BLOCK];
    const unsigned char *at = (const unsigned char *)p, *end = (const unsigned char *)stop;
    Py_ssize_t block = 256;
    while (end - at >= w->longest) { /* every needle fits at each position marked */
        Py_ssize_t room = end - at - w->longest + 1, len = room < block ? room : block;
        block = block < BLOCK ? block * 2 : BLOCK;
        memset(marks, 0, len);
        for (int j = 0; j < w->count; j++) {
            const unsigned char first = w->text[j][0], last = w->text[j][w->len[j] - 1];
            const Py_ssize_t n = w->len[j];
            for (Py_ssize_t i = 0; i < len; i++)
                marks[i] |= (F(at[i]) == first) & (F(at[i + n - 1]) == last);
        }
        const unsigned char *mark = marks, *marks_end = marks + len;
        while ((mark = memchr(mark, 1, marks_end - mark)) != NULL) {
            const unsigned char *candidate = at + (mark - marks);
            for (int j = 0; j < w->count; j++)
                if (holds_at(w, j, candidate))
                    return (const char *)candidate;
            mark++;
        }
        at += len;
    }
    for (; at < end; at++) /* the last few positions, where the longer needles cannot fit */
        for (int j = 0; j < w->count; j++)
            if (end - at >= w->len[j] && holds_at(w, j, at))
                return (const char *)at;
    return NULL;
#undef F
}

int
lt_needles_of(PyObject *hay_obj, PyObject *needle_obj, int fold, const char **hay,
              Py_ssize_t *hay_len, Needles *w)
{
    int single = !PyTuple_Check(needle_obj);
    Py_ssize_t n = single ? 1 : PyTuple_GET_SIZE(needle_obj);
    if (n < 1 || n > MAX_NEEDLES) {
        PyErr_SetString(PyExc_ValueError, "one to four needles");
        return -1;
    }
    w->count = 0;
    w->fold = fold;
    w->longest = 0;
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *one = single ? needle_obj : PyTuple_GET_ITEM(needle_obj, j);
        const char *text;
        Py_ssize_t len;
        int usable = hay_and_needle(hay_obj, one, hay, hay_len, &text, &len);
        if (usable < 0)
            return -1;
        if (usable == 1)
            continue; /* wider characters than the hay holds: nowhere */
        w->text[w->count] = text;
        w->len[w->count++] = len;
        if (len > w->longest)
            w->longest = len;
    }
    return 0;
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

const char lt_needle_lines_doc[] =
"needle_lines(hay, needle, pos, endpos, ends, base, offsets, fold=False)\n"
"--\n\n"
"The distinct lines (ascending) holding `needle` within hay[pos:endpos], and with\n"
"`offsets` the offset in `hay` of the first occurrence in each. `ends` (an array of\n"
"4- or 8-byte ints: the offset just past each line's line feed, `hay` starting at offset\n"
"`base`) numbers the lines; with `ends` None, lines are counted from the one at `pos`.\n"
"With `fold`, ASCII case is ignored (`needle` must be lower case). `needle` may be a tuple\n"
"of up to four: the lines holding any, in one pass.\n"
"Returns (lines, offsets or None).";

PyObject *
lt_needle_lines(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *hay_obj, *needle_obj, *ends_obj;
    Py_ssize_t pos, endpos, base;
    int want_offsets, fold = 0;
    if (!PyArg_ParseTuple(args, "OOnnOnp|p", &hay_obj, &needle_obj, &pos, &endpos, &ends_obj,
                          &base, &want_offsets, &fold))
        return NULL;
    const char *hay;
    Py_ssize_t hay_len;
    Needles needles;
    if (lt_needles_of(hay_obj, needle_obj, fold, &hay, &hay_len, &needles) < 0)
        return NULL;
    PyObject *lines = PyList_New(0);
    PyObject *offsets = want_offsets ? PyList_New(0) : Py_NewRef(Py_None);
    if (lines == NULL || offsets == NULL)
        goto fail;
    if (needles.count == 0)
        goto done;
    if (pos < 0)
        pos = 0;
    if (endpos > hay_len)
        endpos = hay_len;
    Py_buffer ends = {0};
    int have_ends = ends_obj != Py_None;
    Py_ssize_t count = 0, k = 0, line = 0;
    if (have_ends) {
        if (ends_of(ends_obj, &ends, &count) < 0)
            goto fail;
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
        const char *hit = lt_find_any(&needles, p, stop);
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

const char lt_mark_needle_lines_doc[] =
"mark_needle_lines(hay, needle, ends, first, mask, out, value, fold)\n"
"--\n\n"
"out[k] = value for each k where mask[k] is not 0 and line first + k holds `needle` (with\n"
"`fold`, ignoring ASCII case; the needle in lower case). `ends` as for needle_lines, `hay`\n"
"from offset 0; `mask` and `out` (a bytearray) may be the same. Only those lines are read:\n"
"a level filter that keeps a line in five pays for that one. Returns how many were set.";

/* Whether [p, stop) holds the one needle of `w` (short haystacks: `v` is set up once for
 * all the lines, no searcher set-up per call). */
static int
holds(const char *p, const char *stop, const Needles *w, const Probes *v)
{
#ifdef HAVE_SSE2_FIND
    return find_sse2(w, v, p, stop) != NULL;
#else
    (void)v;
    const char *needle = w->text[0];
    Py_ssize_t n = w->len[0];
    if (w->fold)
        return find_pairs(p, stop, needle, n, 1) != NULL;
    for (const char *last = stop - n; p <= last; p++) {
        p = memchr(p, needle[0], last - p + 1);
        if (p == NULL)
            return 0;
        if (memcmp(p + 1, needle + 1, n - 1) == 0)
            return 1;
    }
    return 0;
#endif
}

PyObject *
lt_mark_needle_lines(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *hay_obj, *needle_obj, *ends_obj, *out_obj;
    Py_ssize_t first;
    Py_buffer mask;
    unsigned char value;
    int fold;
    if (!PyArg_ParseTuple(args, "OOOny*Ybp", &hay_obj, &needle_obj, &ends_obj, &first, &mask,
                          &out_obj, &value, &fold))
        return NULL;
    PyObject *result = NULL;
    Py_buffer ends = {0};
    const char *hay, *needle;
    Py_ssize_t hay_len, needle_len, marked = 0, count;
    int usable = hay_and_needle(hay_obj, needle_obj, &hay, &hay_len, &needle, &needle_len);
    if (usable != 0) {
        if (usable == 1)
            result = PyLong_FromSsize_t(0); /* wider characters than the hay holds: nowhere */
        goto done;
    }
    if (ends_of(ends_obj, &ends, &count) < 0)
        goto done;
    if (first < 0 || first + mask.len > count || PyByteArray_GET_SIZE(out_obj) < mask.len) {
        PyErr_SetString(PyExc_ValueError, "ends, mask and out must cover the lines asked for");
        goto done;
    }
    const unsigned char *keep = (const unsigned char *)mask.buf;
    unsigned char *out = (unsigned char *)PyByteArray_AS_STRING(out_obj);
    Needles w = {.count = 1, .fold = fold, .text = {needle}, .len = {needle_len},
                 .longest = needle_len};
    Probes probes;
    probes_of(&w, &probes);
    for (Py_ssize_t k = 0; k < mask.len; k++) {
        if (!keep[k])
            continue;
        Py_ssize_t line = first + k;
        Py_ssize_t lo = line ? end_at(ends.buf, ends.itemsize, line - 1) : 0;
        Py_ssize_t hi = end_at(ends.buf, ends.itemsize, line) - 1;
        if (hi > hay_len)
            hi = hay_len;
        if (lo < hi && hi - lo >= needle_len && holds(hay + lo, hay + hi, &w, &probes)) {
            out[k] = value;
            marked++;
        }
    }
    result = PyLong_FromSsize_t(marked);
done:
    if (ends.obj != NULL)
        PyBuffer_Release(&ends);
    PyBuffer_Release(&mask);
    return result;
}

const char lt_indices_doc[] =
"indices(mask, first)\n"
"--\n\n"
"first + i for each i where mask[i] is not 0, as the bytes of an array('q').";

PyObject *
lt_indices(PyObject *Py_UNUSED(self), PyObject *args)
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

const char lt_mark_doc[] =
"mark(mask, positions, shift, value)\n"
"--\n\n"
"mask[p + shift] = value for each int p of the list `positions` (in range).";

PyObject *
lt_mark(PyObject *Py_UNUSED(self), PyObject *args)
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
