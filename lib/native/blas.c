/*
 * mtl-blas: single-precision matrix products for the course kit, through OpenBLAS's cblas_sgemm.
 *
 * One function, gemm(a, b, c, batch, m, n, k, transA, transB, strideA, strideB, bias, relu):
 * for each of `batch` products, C[i] = op(A[i]) · op(B[i]) (+ bias per column, then relu), all
 * row-major float32, where A[i] starts at i·strideA (a stride of 0 repeats one matrix). The
 * arrays are Float32Arrays over the WASM backend's heap, so nothing is copied. Every extent is
 * checked against the arrays' lengths before BLAS touches memory.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
extern void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                        const float *b, int ldb, float beta, float *c, int ldc);
extern void openblas_set_num_threads(int threads);

static napi_value fail(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static int floats(napi_env env, napi_value v, float **data, size_t *length) {
  napi_typedarray_type type;
  void *ptr;
  if (napi_get_typedarray_info(env, v, &type, length, &ptr, NULL, NULL) != napi_ok || type != napi_float32_array) return 0;
  *data = (float *)ptr;
  return 1;
}

static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 13) return fail(env, "gemm expects 13 arguments");
  float *a, *b, *c, *bias = NULL;
  size_t la, lb, lc, lbias = 0;
  if (!floats(env, argv[0], &a, &la) || !floats(env, argv[1], &b, &lb) || !floats(env, argv[2], &c, &lc))
    return fail(env, "gemm: a, b and c must be Float32Arrays");
  int64_t s[8];
  for (int i = 0; i < 8; i++) {
    if (napi_get_value_int64(env, argv[3 + i], &s[i]) != napi_ok || s[i] < 0) return fail(env, "gemm: sizes must be non-negative integers");
  }
  int64_t batch = s[0], m = s[1], n = s[2], k = s[3], ta = s[4], tb = s[5], sa = s[6], sb = s[7];
  napi_valuetype biasType;
  napi_typeof(env, argv[11], &biasType);
  if (biasType != napi_null && biasType != napi_undefined) {
    if (!floats(env, argv[11], &bias, &lbias) || (int64_t)lbias != n) return fail(env, "gemm: bias must be a Float32Array of n values");
  }
  bool relu = false;
  napi_get_value_bool(env, argv[12], &relu);
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) return fail(env, "gemm: a dimension exceeds 2^31");
  if (batch == 0 || m == 0 || n == 0) return NULL;
  if ((int64_t)la < (batch - 1) * sa + m * k || (int64_t)lb < (batch - 1) * sb + k * n || (int64_t)lc < batch * m * n)
    return fail(env, "gemm: an array is shorter than its matrices");
  for (int64_t i = 0; i < batch; i++) {
    float *ci = c + i * m * n;
    if (k == 0) {
      for (int64_t j = 0; j < m * n; j++) ci[j] = 0.0f;
    } else {
      cblas_sgemm(RowMajor, ta ? Trans : NoTrans, tb ? Trans : NoTrans, (int)m, (int)n, (int)k, 1.0f, a + i * sa, ta ? (int)m : (int)k,
                  b + i * sb, tb ? (int)k : (int)n, 0.0f, ci, (int)n);
    }
    if (bias || relu) {
      for (int64_t r = 0; r < m; r++) {
        float *row = ci + r * n;
        for (int64_t j = 0; j < n; j++) {
          float v = bias ? row[j] + bias[j] : row[j];
          row[j] = relu && v < 0.0f ? 0.0f : v;
        }
      }
    }
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  /* One thread unless OPENBLAS_NUM_THREADS says otherwise: the course's products are small, where
     threads cost more than they gain, and WASM, the default it replaces, runs on one. */
  const char *threads = getenv("OPENBLAS_NUM_THREADS");
  openblas_set_num_threads(threads && atoi(threads) > 0 ? atoi(threads) : 1);
  napi_value fn;
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, gemm, NULL, &fn);
  napi_set_named_property(env, exports, "gemm", fn);
  return exports;
}
