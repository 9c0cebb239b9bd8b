/* Driftscope tree-ensemble evaluator: walks XGBoost-style trees stored as flat arrays.
 * Mirrors XGBoost's CPU predictor: float32 inputs, NaN = missing -> default direction,
 * `x < threshold` goes left, leaf values accumulated in float32 in tree order from the base margin.
 */
#include <math.h>
#include <stdint.h>

typedef struct {
    const int32_t *left;         /* child index, -1 for a leaf */
    const int32_t *right;
    const int32_t *feature;
    const float *value;          /* split threshold, or the leaf value for a leaf */
    const uint8_t *default_left; /* missing values go left when 1 */
    const int32_t *tree_root;    /* index of each tree's root node in the flat arrays */
    int32_t n_trees;
    int32_t n_features;
    float base_margin;
} ds_forest;

static inline float ds_tree(const ds_forest *f, int32_t node, const float *x) {
    while (f->left[node] >= 0) {
        float v = x[f->feature[node]];
        if (isnan(v)) {
            node = f->default_left[node] ? f->left[node] : f->right[node];
        } else {
            node = (v < f->value[node]) ? f->left[node] : f->right[node];
        }
    }
    return f->value[node];
}

float ds_margin_row(const ds_forest *f, const float *x) {
    float acc = f->base_margin;
    for (int32_t t = 0; t < f->n_trees; ++t) acc += ds_tree(f, f->tree_root[t], x);
    return acc;
}

void ds_margin(const ds_forest *f, const float *X, int64_t n_rows, float *out) {
    for (int64_t i = 0; i < n_rows; ++i) out[i] = ds_margin_row(f, X + i * f->n_features);
}
