// N-API entry points of the native backend: dgemm through the built-in GEMM of gemm.h or, when the
// addon was built with OpenBLAS, through CBLAS on the same thread pool (blas.h), plus the fused
// kernels of kernels.h split over that pool (parallel.h). Typed arrays are used in place (their data
// pointers already include the byte offset of a subarray), never copied. The JS wrapper
// (src/node/native-backend.ts) passes activation code and parameter as plain numbers, which is
// cheaper than reading object properties here, and picks the GEMM kernel of each call (gemmWith).
//
// Built with FLATLAB_NO_OPENBLAS defined (scripts/postinstall.mjs does so when OpenBLAS is absent)
// the addon has the built-in GEMM only.
#include <napi.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "blas.h"
#include "fused.h"
#include "gemm.h"
#include "kernels.h"
#include "parallel.h"
#include "peak.h"

#ifndef FLATLAB_NO_OPENBLAS
extern "C" {
// Declared in OpenBLAS's cblas.h too, but some CBLAS headers lack them; the symbols are OpenBLAS's.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
}
#endif

namespace {

using flatlab::dispatch;

#ifdef FLATLAB_NO_OPENBLAS
constexpr bool kHasOpenBlas = false;
#else
constexpr bool kHasOpenBlas = true;
#endif

// GEMM kernels, numbered as the JS wrapper's KERNELS.
enum Kernel { kBuiltin = 0, kOpenBlas = 1 };

bool fail(Napi::Env env, const std::string& msg) {
  Napi::RangeError::New(env, "flatlab native: " + msg).ThrowAsJavaScriptException();
  return false;
}

// A Float64Array argument with at least `need` elements; nullptr (with a pending exception) if not.
double* f64(const Napi::CallbackInfo& info, size_t idx, size_t need, const char* name) {
  Napi::Value v = info[idx];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    fail(info.Env(), std::string(name) + " must be a Float64Array");
    return nullptr;
  }
  Napi::Float64Array arr = v.As<Napi::Float64Array>();
  if (arr.ElementLength() < need) {
    fail(info.Env(), std::string(name) + " has " + std::to_string(arr.ElementLength()) + " elements, needs " +
                         std::to_string(need));
    return nullptr;
  }
  // A zero-length view may have no backing store; hand out a valid dummy pointer for it.
  static double dummy = 0;
  return need == 0 && arr.ElementLength() == 0 ? &dummy : arr.Data();
}

bool dim(const Napi::CallbackInfo& info, size_t idx, size_t* out, const char* name) {
  double x = info[idx].As<Napi::Number>().DoubleValue();
  if (!(x >= 0) || x != static_cast<double>(static_cast<long long>(x)) || x > 2147483647.0) {
    return fail(info.Env(), std::string(name) + " must be a non-negative 32-bit integer");
  }
  *out = static_cast<size_t>(x);
  return true;
}

#define DIM(idx, var)                                  \
  size_t var;                                          \
  if (!dim(info, idx, &var, #var)) return env.Undefined();
#define ARR(idx, var, need)                            \
  double* var = f64(info, idx, need, #var);            \
  if (!var) return env.Undefined();

// gemmWith(kernel, transA, transB, m, n, k, alpha, A, B, beta, C): C ← alpha op(A) op(B) + beta C,
// row-major, on the given kernel (0 built-in, 1 OpenBLAS). builtinGemm: the same without the kernel
// argument, always on the built-in GEMM.
Napi::Value GemmArgs(const Napi::CallbackInfo& info, size_t o, int kernel) {
  Napi::Env env = info.Env();
  if (kernel != kBuiltin && !(kernel == kOpenBlas && kHasOpenBlas)) {
    fail(env, "gemm kernel " + std::to_string(kernel) + " is not in this build");
    return env.Undefined();
  }
  const bool tA = info[o].ToBoolean().Value();
  const bool tB = info[o + 1].ToBoolean().Value();
  DIM(o + 2, m) DIM(o + 3, n) DIM(o + 4, k)
  const double alpha = info[o + 5].As<Napi::Number>().DoubleValue();
  ARR(o + 6, A, m * k) ARR(o + 7, B, k * n)
  const double beta = info[o + 8].As<Napi::Number>().DoubleValue();
  ARR(o + 9, C, m * n)
  if (m == 0 || n == 0) return env.Undefined();
  if (k == 0 || alpha == 0) {
    // CBLAS rejects a zero leading dimension; the product is empty, so only the beta scaling remains.
    if (beta == 0) std::memset(C, 0, m * n * sizeof(double));
    else if (beta != 1) for (size_t i = 0; i < m * n; i++) C[i] *= beta;
    return env.Undefined();
  }
  const auto M = static_cast<ptrdiff_t>(m), N = static_cast<ptrdiff_t>(n), K = static_cast<ptrdiff_t>(k);
#ifndef FLATLAB_NO_OPENBLAS
  if (kernel == kOpenBlas) {
    flatlab::blas::dgemm(tA, tB, M, N, K, alpha, A, B, beta, C);
    return env.Undefined();
  }
#endif
  flatlab::gemm::dgemm(tA, tB, M, N, K, alpha, A, B, beta, C);
  return env.Undefined();
}

Napi::Value GemmWith(const Napi::CallbackInfo& info) {
  return GemmArgs(info, 1, info[0].As<Napi::Number>().Int32Value());
}
Napi::Value BuiltinGemm(const Napi::CallbackInfo& info) { return GemmArgs(info, 0, kBuiltin); }

bool unknownCode(Napi::Env env, int code) { return fail(env, "unknown activation code " + std::to_string(code)); }

// forwardRows(code, param, Z, rows, m, a, f)
Napi::Value ForwardRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int code = info[0].As<Napi::Number>().Int32Value();
  const double param = info[1].As<Napi::Number>().DoubleValue();
  DIM(3, rows) DIM(4, m)
  ARR(2, Z, rows * m) ARR(5, a, m) ARR(6, f, rows)
  if (!dispatch(code, param, [&](const auto& s) { flatlab::forwardRowsPar(s, Z, rows, m, a, f); })) unknownCode(env, code);
  return env.Undefined();
}

// gradPass(code, param, Z, rows, m, a, r, ga)
Napi::Value GradPass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int code = info[0].As<Napi::Number>().Int32Value();
  const double param = info[1].As<Napi::Number>().DoubleValue();
  DIM(3, rows) DIM(4, m)
  ARR(2, Z, rows * m) ARR(5, a, m) ARR(6, r, rows) ARR(7, ga, m)
  if (!dispatch(code, param, [&](const auto& s) { flatlab::gradPassPar(s, Z, rows, m, a, r, ga); })) unknownCode(env, code);
  return env.Undefined();
}

// traceSums(code, param, Z, rows, m, r | null, q, A, B, C)
Napi::Value TraceSums(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int code = info[0].As<Napi::Number>().Int32Value();
  const double param = info[1].As<Napi::Number>().DoubleValue();
  DIM(3, rows) DIM(4, m)
  ARR(2, Z, rows * m)
  double* r = nullptr;
  if (!info[5].IsNull() && !info[5].IsUndefined()) {
    r = f64(info, 5, rows, "r");
    if (!r) return env.Undefined();
  }
  ARR(6, q, rows) ARR(7, A, m) ARR(8, B, m) ARR(9, C, m)
  if (!dispatch(code, param, [&](const auto& s) { flatlab::traceSumsPar(s, Z, rows, m, r, q, A, B, C); })) {
    unknownCode(env, code);
  }
  return env.Undefined();
}

// hvpPass(code, param, Z, T, rows, m, a, va, r, u, ha)
Napi::Value HvpPass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int code = info[0].As<Napi::Number>().Int32Value();
  const double param = info[1].As<Napi::Number>().DoubleValue();
  DIM(4, rows) DIM(5, m)
  ARR(2, Z, rows * m) ARR(3, T, rows * m) ARR(6, a, m) ARR(7, va, m) ARR(8, r, rows) ARR(9, u, rows) ARR(10, ha, m)
  if (!dispatch(code, param, [&](const auto& s) { flatlab::hvpPassPar(s, Z, T, rows, m, a, va, r, u, ha); })) {
    unknownCode(env, code);
  }
  return env.Undefined();
}

// penaltyPass(code, param, Z, rows, m, a, r | null, q, wA, wB, ga | null, A, B): r and ga both or neither.
Napi::Value PenaltyPass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int code = info[0].As<Napi::Number>().Int32Value();
  const double param = info[1].As<Napi::Number>().DoubleValue();
  DIM(3, rows) DIM(4, m)
  ARR(2, Z, rows * m) ARR(5, a, m)
  const bool withR = !info[6].IsNull() && !info[6].IsUndefined();
  const bool withGa = !info[10].IsNull() && !info[10].IsUndefined();
  if (withR != withGa) {
    fail(env, "penaltyPass: r and ga must both be given or both be null");
    return env.Undefined();
  }
  double* r = nullptr;
  double* ga = nullptr;
  if (withR) {
    r = f64(info, 6, rows, "r");
    if (!r) return env.Undefined();
    ga = f64(info, 10, m, "ga");
    if (!ga) return env.Undefined();
  }
  ARR(7, q, rows) ARR(8, wA, m) ARR(9, wB, m) ARR(11, A, m) ARR(12, B, m)
  if (!dispatch(code, param, [&](const auto& s) { flatlab::penaltyPassPar(s, Z, rows, m, a, r, q, wA, wB, ga, A, B); })) {
    unknownCode(env, code);
  }
  return env.Undefined();
}

// An optional Float64Array argument: nullptr when null/undefined, `bad` (with a pending exception) when short.
double* const kBad = reinterpret_cast<double*>(1);
double* optF64(const Napi::CallbackInfo& info, size_t idx, size_t need, const char* name) {
  if (info[idx].IsNull() || info[idx].IsUndefined()) return nullptr;
  double* p = f64(info, idx, need, name);
  return p ? p : kBad;
}

// blockPass(kernel, code, param, X, W, rows, m, d, a, y | null, r, Z | null, q | null, A, B, C, ga | null,
// gW | null, gradScale?): Backend.blockPass, the products on the given GEMM kernel (fused.h).
Napi::Value BlockPass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int kernel = info[0].As<Napi::Number>().Int32Value();
  if (kernel != kBuiltin && !(kernel == kOpenBlas && kHasOpenBlas)) {
    fail(env, "gemm kernel " + std::to_string(kernel) + " is not in this build");
    return env.Undefined();
  }
  const int code = info[1].As<Napi::Number>().Int32Value();
  const double param = info[2].As<Napi::Number>().DoubleValue();
  DIM(5, rows) DIM(6, m) DIM(7, d)
  ARR(3, X, rows * d) ARR(4, W, m * d) ARR(8, a, m) ARR(10, r, rows)
  double* y = optF64(info, 9, rows, "y");
  double* Z = optF64(info, 11, rows * m, "Z");
  double* q = optF64(info, 12, rows, "q");
  double* ga = optF64(info, 16, m, "ga");
  double* gW = optF64(info, 17, m * d, "gW");
  if (y == kBad || Z == kBad || q == kBad || ga == kBad || gW == kBad) return env.Undefined();
  flatlab::BlockOut o{Z, q, nullptr, nullptr, nullptr, ga, gW};
  if (info.Length() > 18 && info[18].IsNumber()) o.gradScale = info[18].As<Napi::Number>().DoubleValue();
  if (q) {
    ARR(13, A, m) ARR(14, B, m) ARR(15, C, m)
    o.A = A;
    o.B = B;
    o.C = C;
  }
  if (gW && !ga) {
    fail(env, "blockPass: gW needs ga");
    return env.Undefined();
  }
  const auto run = [&](auto& k) {
    return dispatch(code, param, [&](const auto& s) { flatlab::blockPass(s, k, rows, m, d, a, y, r, o); });
  };
  bool known;
  if (m == 0 || d == 0) {
    flatlab::ZeroBlockKernel k{m};
    known = run(k);
  }
#ifndef FLATLAB_NO_OPENBLAS
  else if (kernel == kOpenBlas) {
    flatlab::blas::BlockKernel k{X, W, m, d};
    known = run(k);
  }
#endif
  else {
    // op(B) = Wᵀ, packed once for every slice of every thread.
    static thread_local flatlab::gemm::PackedB pw;
    pw.pack(flatlab::gemm::View{W, 1, static_cast<ptrdiff_t>(d)}, static_cast<ptrdiff_t>(d), static_cast<ptrdiff_t>(m));
    flatlab::BuiltinBlockKernel k{X, m, d, pw};
    known = run(k);
  }
  if (!known) unknownCode(env, code);
  return env.Undefined();
}

// activate(code, param, Z, len, order, out)
Napi::Value Activate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int code = info[0].As<Napi::Number>().Int32Value();
  const double param = info[1].As<Napi::Number>().DoubleValue();
  DIM(3, len)
  const int order = info[4].As<Napi::Number>().Int32Value();
  if (order < 0 || order > 2) {
    fail(env, "order must be 0, 1 or 2");
    return env.Undefined();
  }
  ARR(2, Z, len) ARR(5, out, len)
  if (!dispatch(code, param, [&](const auto& s) { flatlab::activate(s, Z, len, order, out); })) unknownCode(env, code);
  return env.Undefined();
}

// One thread count for everything: the pool runs the GEMMs (OpenBLAS's strips too) and the fused passes.
Napi::Value Threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), flatlab::Pool::get().size());
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const int n = info[0].As<Napi::Number>().Int32Value();
  if (n >= 1) flatlab::Pool::get().setSize(n);
  return info.Env().Undefined();
}

// The GEMM kernels in this build and what they are: {kernels: ['builtin', 'openblas'?], builtin,
// openblas?: OpenBLAS's build configuration, core?: the core type OpenBLAS picked for this CPU}.
Napi::Value Config(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  Napi::Array kernels = Napi::Array::New(env);
  kernels.Set(uint32_t{0}, Napi::String::New(env, "builtin"));
  o.Set("builtin", Napi::String::New(env, "blocked GEMM, " + std::to_string(flatlab::gemm::MR) + "x" +
                                              std::to_string(flatlab::gemm::NR) + " micro-kernel, " +
                                              std::to_string(flatlab::gemm::VW * 64) + "-bit vectors"));
#ifndef FLATLAB_NO_OPENBLAS
  kernels.Set(uint32_t{1}, Napi::String::New(env, "openblas"));
  o.Set("openblas", Napi::String::New(env, openblas_get_config()));
  o.Set("core", Napi::String::New(env, openblas_get_corename()));
#endif
  o.Set("kernels", kernels);
  return o;
}

// peakGflops(threads, iters, reps): the register-only FMA rate of peak.h, GFLOP/s.
Napi::Value PeakGflops(const Napi::CallbackInfo& info) {
  const int threads = std::max(1, info[0].As<Napi::Number>().Int32Value());
  const long iters = static_cast<long>(std::max(1.0, info[1].As<Napi::Number>().DoubleValue()));
  const int reps = std::max(1, info[2].As<Napi::Number>().Int32Value());
  return Napi::Number::New(info.Env(), flatlab::peakGflops(threads, iters, reps));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#ifndef FLATLAB_NO_OPENBLAS
  // The pool starts at OpenBLAS's count, which honours OPENBLAS_NUM_THREADS; OpenBLAS itself runs
  // single-threaded from now on, on the pool's threads (blas.h).
  flatlab::Pool::get().setSize(openblas_get_num_threads());
  openblas_set_num_threads(1);
#endif
  exports.Set("gemmWith", Napi::Function::New(env, GemmWith, "gemmWith"));
  exports.Set("builtinGemm", Napi::Function::New(env, BuiltinGemm, "builtinGemm"));
  exports.Set("forwardRows", Napi::Function::New(env, ForwardRows, "forwardRows"));
  exports.Set("gradPass", Napi::Function::New(env, GradPass, "gradPass"));
  exports.Set("traceSums", Napi::Function::New(env, TraceSums, "traceSums"));
  exports.Set("hvpPass", Napi::Function::New(env, HvpPass, "hvpPass"));
  exports.Set("penaltyPass", Napi::Function::New(env, PenaltyPass, "penaltyPass"));
  exports.Set("blockPass", Napi::Function::New(env, BlockPass, "blockPass"));
  exports.Set("activate", Napi::Function::New(env, Activate, "activate"));
  exports.Set("threads", Napi::Function::New(env, Threads, "threads"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("config", Napi::Function::New(env, Config, "config"));
  exports.Set("peakGflops", Napi::Function::New(env, PeakGflops, "peakGflops"));
  return exports;
}

}  // namespace

NODE_API_MODULE(flatlab_native, Init)
