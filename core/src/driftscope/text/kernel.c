/* Driftscope text kernel: a text's hashed TF-IDF buckets, counts and linear margin in one pass.
 * Mirrors driftscope.text.features exactly (its Python path is the reference): word unigram
 * and bigram buckets from the words' CRC-32s, character 3-5-gram polynomial hashes (uint64
 * arithmetic wraps), Fibonacci-hash buckets, sorted distinct buckets with their counts (an
 * LSD radix sort: every bucket is below 2^(WORD_BITS+1)), then sublinear TF x IDF, each block
 * L2-normalised, dotted with the coefficients.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define WORD_BITS 18
#define CHAR_BITS 18
#define P 0x100000001B3ULL
#define MIX 0x9E3779B97F4A7C15ULL
#define BIGRAM 0x2545F4914F6CDD1DULL

typedef struct {
    const void *points;      /* the normalised text's code points, `width` bytes each */
    int64_t n_points;
    int32_t width;           /* 1 (ASCII bytes) or 4 (UTF-32) */
    const uint64_t *hashes;  /* the CRC-32 of each word */
    int64_t n_words;
} ds_text;

/* ln(count) for the small counts nearly every bucket has, from the same log(): identical */
#define LOG_TABLE 256
#define PREFETCH 16
static double log_table[LOG_TABLE];

__attribute__((constructor)) static void fill_log_table(void) {
    for (int c = 1; c < LOG_TABLE; ++c) log_table[c] = log((double)c);
}

static inline uint32_t bucket(uint64_t h, int bits) { return (uint32_t)((h * MIX) >> (64 - bits)); }

static inline uint64_t point(const ds_text *t, int64_t i) {
    return t->width == 1 ? ((const uint8_t *)t->points)[i] : ((const uint32_t *)t->points)[i];
}

/* Room for every bucket of the text (before counting). */
int64_t ds_text_capacity(const ds_text *t) {
    int64_t words = t->n_words ? 2 * t->n_words - 1 : 0;
    return words + (t->n_points >= 3 ? 3 * t->n_points - 9 : 0) + 3;
}

static int64_t emit(const ds_text *t, uint32_t *out) {
    int64_t m = 0;
    for (int64_t i = 0; i < t->n_words; ++i) out[m++] = bucket(t->hashes[i], WORD_BITS);
    for (int64_t i = 0; i + 1 < t->n_words; ++i)
        out[m++] = bucket(t->hashes[i] * BIGRAM + t->hashes[i + 1] + (1ULL << 32), WORD_BITS);
    const uint64_t p4 = P * P * P * P, p5 = p4 * P, word_end = 1u << WORD_BITS;
    int64_t n = t->n_points;
    /* grouped by length like the Python path; the order does not matter once sorted */
    for (int64_t i = 0; i + 3 <= n; ++i) {
        uint64_t h = ((3 * P + point(t, i)) * P + point(t, i + 1)) * P + point(t, i + 2);
        out[m++] = bucket(h, CHAR_BITS) + word_end;
        if (i + 4 <= n) {
            h = h * P + point(t, i + 3) + p4;
            out[m++] = bucket(h, CHAR_BITS) + word_end;
            if (i + 5 <= n) out[m++] = bucket(h * P + point(t, i + 4) + p5, CHAR_BITS) + word_end;
        }
    }
    return m;
}

/* LSD radix sort of `m` values below 2^20 (two 10-bit digits), result in `a`. */
static void radix_sort(uint32_t *a, uint32_t *tmp, int64_t m) {
    int64_t count[1024];
    for (int shift = 0; shift < 20; shift += 10) {
        uint32_t *src = shift ? tmp : a, *dst = shift ? a : tmp;
        for (int k = 0; k < 1024; ++k) count[k] = 0;
        for (int64_t i = 0; i < m; ++i) count[(src[i] >> shift) & 1023]++;
        int64_t sum = 0;
        for (int k = 0; k < 1024; ++k) {
            int64_t c = count[k];
            count[k] = sum;
            sum += c;
        }
        for (int64_t i = 0; i < m; ++i) dst[count[(src[i] >> shift) & 1023]++] = src[i];
    }
}

/* Sorted distinct buckets and their counts; `buckets`/`counts` hold ds_text_capacity(t).
 * Returns how many, or -1 when out of memory. */
int64_t ds_text_counts(const ds_text *t, int32_t *buckets, int64_t *counts) {
    int64_t cap = ds_text_capacity(t);
    uint32_t *all = malloc(sizeof(uint32_t) * 2 * cap);
    if (!all) return -1;
    int64_t m = emit(t, all), d = 0;
    radix_sort(all, all + cap, m);
    for (int64_t i = 0; i < m; ++i) {
        if (d && (uint32_t)buckets[d - 1] == all[i]) {
            counts[d - 1]++;
        } else {
            buckets[d] = (int32_t)all[i];
            counts[d++] = 1;
        }
    }
    free(all);
    return d;
}

/* The linear margin of the text's row: (1 + ln tf) * idf, words and characters each
 * L2-normalised, dotted with coef, plus `intercept`. `weights`: each bucket's idf and coef
 * side by side (one cache line per bucket, not two). NAN when out of memory. */
double ds_text_margin(const ds_text *t, const double *weights, double intercept) {
    int64_t cap = ds_text_capacity(t);
    void *block = malloc((sizeof(int32_t) + sizeof(int64_t) + sizeof(double)) * cap);
    if (!block) return NAN;
    int64_t *counts = block;
    double *values = (double *)(counts + cap);
    int32_t *buckets = (int32_t *)(values + cap);
    int64_t d = ds_text_counts(t, buckets, counts);
    if (d < 0) {
        free(block);
        return NAN;
    }
    double norm[2] = {0.0, 0.0};
    for (int64_t i = 0; i < d; ++i) {
        /* the weights are far apart in memory: ask for the ones a few buckets ahead early */
        if (i + PREFETCH < d) __builtin_prefetch(weights + 2 * buckets[i + PREFETCH]);
        int64_t c = counts[i];
        double ln_tf = c < LOG_TABLE ? log_table[c] : log((double)c);
        values[i] = (1.0 + ln_tf) * weights[2 * buckets[i]];
        norm[buckets[i] >= (1 << WORD_BITS)] += values[i] * values[i];
    }
    norm[0] = sqrt(norm[0]);
    norm[1] = sqrt(norm[1]);
    double margin = 0.0;
    for (int64_t i = 0; i < d; ++i) {
        double n = norm[buckets[i] >= (1 << WORD_BITS)];
        margin += (n > 0 ? values[i] / n : values[i]) * weights[2 * buckets[i] + 1];
    }
    free(block);
    return margin + intercept;
}
