/*
 * bigint.c: integers past 64 bits, exact as Python's, computed with GMP.
 * A V_BIGINT is never within int64 (a result that fits becomes a V_INT),
 * and its limbs live in an arena, so no value ever needs freeing.
 */

#include "tmpl.h"

#include <gmp.h>
#include <math.h>

struct tmpl_big_s {
    int        size;        /* limbs, negative for a negative number */
    mp_limb_t  d[];
};

/* Python 3.11 refuses to print an integer of more than 4300 digits (or
 * to read one); past a million bits (315,653 digits) no integer is made
 * at all, so that no operand makes GMP allocate more than a few hundred
 * kilobytes. */
#define BIG_DIGITS  4300
#define BIG_BITS    (1u << 20)

#define BIG_PRINT   "ValueError: Exceeds the limit (4300 digits) for " \
                    "integer string conversion"
#define BIG_LIMIT   "MemoryError: integer past 2**20 bits"


/* An integer value seen as an mpz without copying or allocating: a
 * V_BIGINT's limbs in place, an int's magnitude in w->l. */
typedef struct {
    mpz_t      z;
    mp_limb_t  l;
} view_t;

static mpz_srcptr
view(view_t *w, tv_t v)
{
    tmpl_big_t  *b;

    if (v.kind == V_BIGINT) {
        b = v.u.p;
        return mpz_roinit_n(w->z, b->d, b->size);
    }
    w->l = v.u.i < 0 ? -(uint64_t) v.u.i : (uint64_t) v.u.i;
    return mpz_roinit_n(w->z, &w->l, v.u.i < 0 ? -1 : v.u.i > 0);
}


/* more digits than Python prints (sizeinbase may say one too many) */
static int
too_long(mpz_srcptr z)
{
    mpz_t  t;
    int    c;

    if (mpz_sizeinbase(z, 10) <= BIG_DIGITS) {
        return 0;
    }
    mpz_init(t);
    mpz_ui_pow_ui(t, 10, BIG_DIGITS);
    c = mpz_cmpabs(z, t);
    mpz_clear(t);
    return c >= 0;
}


/* *out = z (cleared): an int where it fits, else a copy in a; 1 past
 * BIG_BITS */
static int
store(gw_arena_t *a, mpz_t z, tv_t *out)
{
    tmpl_big_t  *b;
    size_t       k = mpz_size(z);
    int          rc = GW_OK;

    if (mpz_fits_slong_p(z)) {
        *out = tv_int(mpz_get_si(z));
    } else if (mpz_sizeinbase(z, 2) > BIG_BITS) {
        rc = 1;
    } else {
        b = tmpl_alloc(a, sizeof(tmpl_big_t) + k * sizeof(mp_limb_t));
        if (b == NULL) {
            rc = GW_ERROR;
        } else {
            memcpy(b->d, mpz_limbs_read(z), k * sizeof(mp_limb_t));
            b->size = mpz_sgn(z) < 0 ? -(int) k : (int) k;
            out->kind = V_BIGINT;
            out->safe = out->tuple = out->ns = 0;
            out->n = 0;
            out->u.p = b;
        }
    }
    mpz_clear(z);
    return rc;
}


static int
result(tmpl_rs_t *r, tmpl_node_t *n, mpz_t z, tv_t *out)
{
    switch (store(r->a, z, out)) {
    case GW_OK:
        return GW_OK;
    case 1:
        return tmpl_error(r, n, BIG_LIMIT);
    default:
        return tmpl_oom(r, n);
    }
}


int
tmpl_big_parse(gw_arena_t *a, const char *digits, int base, tv_t *out)
{
    mpz_t  z;

    /* Python reads no more digits than it prints (in a base not a power
     * of two); mpz_set_str would take spaces inside the digits */
    if ((base & (base - 1)) && strlen(digits) - (digits[0] == '-')
                               > BIG_DIGITS)
    {
        return 1;
    }
    if (digits[strcspn(digits, " \t\n\v\f\r")] != '\0'
        || mpz_init_set_str(z, digits, base) != 0)
    {
        mpz_clear(z);
        return GW_ERROR;
    }
    return store(a, z, out);
}


int
tmpl_big_from_float(tmpl_rs_t *r, tmpl_node_t *n, double d, tv_t *out)
{
    mpz_t  z;

    if (!isfinite(d)) {
        return tmpl_error(r, n, isnan(d)
                          ? "ValueError: cannot convert float NaN to integer"
                          : "OverflowError: cannot convert float infinity "
                            "to integer");
    }
    mpz_init_set_d(z, d);           /* truncates, as int() does */
    return result(r, n, z, out);
}


/* q * 2^exp (q >= 0, cleared; sticky: something below q was dropped)
 * rounded once to the nearest double, ties to even, as Python rounds */
static double
nearest(mpz_t q, int sticky, long exp)
{
    size_t    bits = mpz_sizeinbase(q, 2);
    uint64_t  m;

    if (bits > 54) {
        sticky |= mpz_scan1(q, 0) < bits - 54;
        mpz_tdiv_q_2exp(q, q, bits - 54);
        exp += (long) (bits - 54);
    } else if (!sticky) {
        m = mpz_get_ui(q);
        mpz_clear(q);
        return ldexp((double) m, (int) exp);
    }
    /* 53 bits kept, the 54th decides with the sticky bit */
    m = mpz_get_ui(q);
    mpz_clear(q);
    if ((m & 1) && (sticky || (m & 2))) {
        m += 2;
    }
    return ldexp((double) (m >> 1), (int) (exp + 1));
}


/* Python's float(x) of a number: an int rounded once (GMP's own
 * conversion truncates) */
int
tmpl_big_to_float(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, double *d)
{
    view_t       w;
    mpz_srcptr   z;
    mpz_t        t;

    if (v.kind != V_BIGINT) {
        *d = v.kind == V_FLOAT ? v.u.f : (double) v.u.i;
        return GW_OK;
    }
    z = view(&w, v);
    if (mpz_sizeinbase(z, 2) > 1024) {
        *d = HUGE_VAL;
    } else {
        mpz_init(t);
        mpz_abs(t, z);
        *d = nearest(t, 0, 0);      /* clears t */
    }
    if (isinf(*d)) {
        return tmpl_error(r, n, "OverflowError: int too large to convert "
                          "to float");
    }
    if (mpz_sgn(z) < 0) {
        *d = -*d;
    }
    return GW_OK;
}


/* a / b of two integers as Python divides them: the exact quotient
 * rounded once to the nearest double */
static int
true_div(tmpl_rs_t *r, tmpl_node_t *n, mpz_srcptr a, mpz_srcptr b,
    double *out)
{
    mpz_t  x, y, q;
    long   shift;
    int    sticky;

    mpz_init(x);
    mpz_init(y);
    mpz_init(q);
    mpz_abs(x, a);
    mpz_abs(y, b);
    /* scale so that the quotient has 55 or 56 bits */
    shift = 55 - ((long) mpz_sizeinbase(x, 2) - (long) mpz_sizeinbase(y, 2));
    if (shift > 0) {
        mpz_mul_2exp(x, x, (mp_bitcnt_t) shift);
    } else {
        mpz_mul_2exp(y, y, (mp_bitcnt_t) -shift);
    }
    mpz_tdiv_qr(q, x, x, y);
    sticky = mpz_sgn(x) != 0;
    mpz_clear(x);
    mpz_clear(y);
    *out = nearest(q, sticky, -shift);
    if (isinf(*out)) {
        return tmpl_error(r, n, "OverflowError: integer division result "
                          "too large for a float");
    }
    if ((mpz_sgn(a) < 0) != (mpz_sgn(b) < 0)) {
        *out = -*out;               /* 0 / -5 is -0.0 */
    }
    return GW_OK;
}


int
tmpl_big_arith(tmpl_rs_t *r, tmpl_node_t *n, int op, tv_t a, tv_t b,
    tv_t *out)
{
    view_t      wa, wb;
    mpz_srcptr  x = view(&wa, a), y = view(&wb, b);
    mpz_t       z;
    size_t      xb = mpz_sizeinbase(x, 2);
    double      d;

    if ((op == OP_DIV || op == OP_FLOORDIV || op == OP_MOD)
        && mpz_sgn(y) == 0)
    {
        return tmpl_error(r, n, op == OP_DIV ? "division by zero"
                          : op == OP_MOD ? "integer modulo by zero"
                          : "integer division or modulo by zero");
    }
    if (op == OP_DIV) {
        if (true_div(r, n, x, y, &d) != GW_OK) {
            return GW_ERROR;
        }
        *out = tv_float(d);
        return GW_OK;
    }
    if (op == OP_POW && mpz_sgn(y) < 0) {
        double  fx, fy;

        if (tmpl_big_to_float(r, n, a, &fx) != GW_OK
            || tmpl_big_to_float(r, n, b, &fy) != GW_OK)
        {
            return GW_ERROR;
        }
        if (fx == 0) {
            return tmpl_error(r, n, "ZeroDivisionError: 0.0 cannot be "
                              "raised to a negative power");
        }
        *out = tv_float(pow(fx, fy));
        return GW_OK;
    }
    /* refuse what would pass the cap before computing it */
    if ((op == OP_MUL && xb + mpz_sizeinbase(y, 2) > BIG_BITS + 1)
        || (op == OP_POW && mpz_cmpabs_ui(x, 1) > 0
            && (!mpz_fits_ulong_p(y)
                || (xb - 1) * (double) mpz_get_ui(y) > BIG_BITS)))
    {
        return tmpl_error(r, n, BIG_LIMIT);
    }
    mpz_init(z);
    switch (op) {
    case OP_ADD:
        mpz_add(z, x, y);
        break;
    case OP_SUB:
        mpz_sub(z, x, y);
        break;
    case OP_MUL:
        mpz_mul(z, x, y);
        break;
    case OP_FLOORDIV:
        mpz_fdiv_q(z, x, y);
        break;
    case OP_MOD:
        mpz_fdiv_r(z, x, y);
        break;
    default:
        if (mpz_cmpabs_ui(x, 1) <= 0) {
            /* 0, 1 and -1 to any power: the exponent's parity decides */
            mpz_set(z, x);
            if (mpz_sgn(y) == 0) {
                mpz_set_ui(z, 1);
            } else if (mpz_sgn(x) < 0 && mpz_even_p(y)) {
                mpz_neg(z, z);
            }
        } else {
            mpz_pow_ui(z, x, mpz_get_ui(y));
        }
        break;
    }
    return result(r, n, z, out);
}


/* Exact comparison of two numbers (int, bool, big or float) as Python
 * makes it: -1, 0, 1, or 2 when a float is NaN */
int
tmpl_num_cmp(tv_t a, tv_t b)
{
    view_t      w, w2;
    double      f, t;
    int64_t     i;
    int         c;

    if (a.kind == V_FLOAT && b.kind == V_FLOAT) {
        return a.u.f < b.u.f ? -1 : a.u.f > b.u.f ? 1
               : a.u.f == b.u.f ? 0 : 2;
    }
    if (a.kind == V_FLOAT) {
        c = tmpl_num_cmp(b, a);
        return c == 2 ? 2 : -c;
    }
    if (b.kind != V_FLOAT) {
        if (a.kind != V_BIGINT && b.kind != V_BIGINT) {
            return a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
        }
        c = mpz_cmp(view(&w, a), view(&w2, b));
        return c < 0 ? -1 : c > 0;
    }
    f = b.u.f;
    if (isnan(f)) {
        return 2;
    }
    if (a.kind == V_BIGINT) {
        c = mpz_cmp_d(view(&w, a), f);
        return c < 0 ? -1 : c > 0;
    }
    /* an int against a float, without rounding the int */
    i = a.u.i;
    if (f >= 9223372036854775808.0) {
        return -1;
    }
    if (f < -9223372036854775808.0) {
        return 1;
    }
    t = trunc(f);
    if (i != (int64_t) t) {
        return i < (int64_t) t ? -1 : 1;
    }
    return f > t ? -1 : f < t;
}


int
tmpl_big_sign(tv_t v)
{
    return ((tmpl_big_t *) v.u.p)->size < 0 ? -1 : 1;
}


/* v mod m for a small positive m (parity, divisibleby by an int) */
int
tmpl_big_divisible(tv_t v, tv_t m)
{
    view_t  wv, wm;

    return mpz_divisible_p(view(&wv, v), view(&wm, m));
}


int
tmpl_big_digits(tv_t v, char *buf)
{
    view_t      w;
    mpz_srcptr  z = view(&w, v);

    if (too_long(z)) {
        return GW_ERROR;
    }
    mpz_get_str(buf, 10, z);
    return GW_OK;
}


int
tmpl_big_append(tmpl_rs_t *r, gw_buf_t *b, tv_t v, int base)
{
    view_t      w;
    mpz_srcptr  z = view(&w, v);
    int         radix = base < 0 ? -base : base;

    /* Python's digit limit holds for bases not a power of two */
    if ((radix & (radix - 1)) && too_long(z)) {
        return tmpl_error(r, NULL, BIG_PRINT);
    }
    if (gw_buf_reserve(b, mpz_sizeinbase(z, radix) + 2) != GW_OK) {
        return tmpl_oom(r, NULL);
    }
    mpz_get_str(b->data + b->len, base, z);
    b->len += strlen(b->data + b->len);
    return GW_OK;
}


/* Python's round(x, ndigits) of an integer x for ndigits < 0: the nearest
 * multiple of 10^-ndigits, ties to the even multiple */
int
tmpl_big_round(tmpl_rs_t *r, tmpl_node_t *n, tv_t x, int64_t ndigits,
    tv_t *out)
{
    view_t      w;
    mpz_srcptr  z = view(&w, x);
    mpz_t       m, q, rem;
    int         c;

    if (-ndigits > BIG_DIGITS) {
        *out = tv_int(0);
        return GW_OK;
    }
    mpz_init(m);
    mpz_init(q);
    mpz_init(rem);
    mpz_ui_pow_ui(m, 10, (unsigned long) -ndigits);
    mpz_fdiv_qr(q, rem, z, m);
    mpz_mul_2exp(rem, rem, 1);
    c = mpz_cmp(rem, m);
    if (c > 0 || (c == 0 && mpz_odd_p(q))) {
        mpz_add_ui(q, q, 1);
    }
    mpz_mul(q, q, m);
    mpz_clear(m);
    mpz_clear(rem);
    return result(r, n, q, out);
}
