// OpenBLAS's dgemm run on the addon's thread pool. OpenBLAS is kept at one thread for good (addon.cc
// sets it at load): its own workers busy-wait for a while after each call, and on a machine with as
// many threads as cores they then compete with the pool's fused passes for the same cores (the step
// at (50000, 50, 256) ran 3.5× slower that way). Instead C is cut into one strip per pool thread and
// each thread calls the single-threaded dgemm on its strip, so there is one set of threads in the
// process and the work split is the built-in GEMM's.
#pragma once

#ifndef FLATLAB_NO_OPENBLAS
#include <cblas.h>

#include <algorithm>
#include <cstddef>

#include "gemm.h"
#include "pool.h"

namespace flatlab {
namespace blas {

// C ← alpha op(A) op(B) + beta C, row-major (op(A) M×K, op(B) K×N, C M×N with leading dimension N),
// K ≥ 1. Strips of whole 8-row (or 8-column) groups, so a strip's start keeps the arrays' alignment.
inline void dgemm(bool tA, bool tB, ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, double alpha, const double* A,
                  const double* B, double beta, double* C) {
  const int lda = static_cast<int>(tA ? M : K);
  const int ldb = static_cast<int>(tB ? K : N);
  const auto call = [&](ptrdiff_t m, ptrdiff_t n, const double* a, const double* b, double* c) {
    cblas_dgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans, static_cast<int>(m),
                static_cast<int>(n), static_cast<int>(K), alpha, a, std::max(lda, 1), b, std::max(ldb, 1), beta, c,
                static_cast<int>(N));
  };
  Pool& pool = Pool::get();
  const double flops = 2.0 * M * N * K;
  const bool byRows = M >= N;
  const ptrdiff_t units = ((byRows ? M : N) + 7) / 8;
  const int T = static_cast<int>(std::min<ptrdiff_t>(flops < 4e5 ? 1 : pool.size(), units));
  if (T <= 1) {
    call(M, N, A, B, C);
    return;
  }
  pool.run(T, [&](int t) {
    const ptrdiff_t u0 = units * t / T * 8, u1 = std::min(units * (t + 1) / T * 8, byRows ? M : N);
    if (byRows) call(u1 - u0, N, tA ? A + u0 : A + u0 * K, B, C + u0 * N);
    else call(M, u1 - u0, A, tB ? B + u0 * K : B + u0, C + u0);
  });
}

// OpenBLAS's side of blockPass (fused.h), on the calling thread: Z rows by dgemm, G gathered as rows
// (the slice's Z is computed right in the gradient block when the caller does not want Z itself).
struct BlockKernel {
  // Larger slices than the built-in kernel's: dgemm packs Wᵀ again on every call.
  static constexpr size_t sliceKiB = 1024;
  static constexpr size_t gradRows = 256;
  const double* X;
  const double* W;
  size_t m, d;  // both ≥ 1
  void z(size_t i0, size_t n, double* Zs) const {
    const int M = static_cast<int>(m), D = static_cast<int>(d);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n), M, D, 1.0, X + i0 * d, D, W, D, 0.0, Zs, M);
  }
  double* gBuf(size_t kb) const {
    static thread_local gemm::Scratch g;
    return g.get(kb * m);
  }
  double* sliceZ(double* gb, size_t p0, size_t R, gemm::Scratch& zs) const { return gb ? gb + p0 * m : zs.get(R * m); }
  void putG(const double* Zs, size_t n, size_t p0, size_t, double* gb) const {
    if (Zs != gb + p0 * m) std::copy(Zs, Zs + n * m, gb + p0 * m);
  }
  void addGt(size_t b0, size_t kb, const double* gb, double* gWt, bool first) const {
    const int M = static_cast<int>(m), D = static_cast<int>(d);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, D, M, static_cast<int>(kb), 1.0, X + b0 * d, D, gb, M,
                first ? 0.0 : 1.0, gWt, M);
  }
};

}  // namespace blas
}  // namespace flatlab
#endif
