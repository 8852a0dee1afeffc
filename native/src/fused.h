// The forward pass of one row block fused with the passes that read its Z = X Wᵀ and with the
// gradient's product (Backend.blockPass in src/linalg/backend.ts). The block's rows are split over
// the pool as the fused passes of parallel.h split them; each thread computes its rows of Z a slice
// of a few dozen rows at a time (half a MiB of Z or less, so the slice stays in L2) and runs
// forwardRows, the residuals, traceSums and gradPass on the slice before computing the next. The
// slice's Z is computed right in the thread's gradient block (a few hundred rows, row-major), where
// gradPass leaves G = r a σ′; the thread then adds Xᵀ G to its own gWᵀ (the built-in GEMM reads G in
// place, unpacked), and transposes it when its share is done; the parts are added to gW at the end,
// scaled by gradScale (the 1/n of the loss). Z leaves the cache only
// where the caller asks for it. Slices and gradient blocks are whole multiples of four rows, so the
// column sums (A, B, C, ga) add their rows in exactly the order of the unfused passes at the same
// thread count; per-thread sums are added in thread order, so a result depends on the thread count,
// never on timing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "gemm.h"
#include "kernels.h"
#include "parallel.h"

namespace flatlab {

// Rows per slice: about `kib` KiB of Z, a multiple of 8 (the GEMM's row tile), at least 8.
inline size_t sliceRows(size_t m, size_t kib) {
  const size_t rows = (kib * 128 / std::max<size_t>(m, 1)) / 8 * 8;
  return std::max<size_t>(rows, 8);
}

// out (cols×rows, row-major) ← in (rows×cols, row-major)ᵀ, in 32×32 tiles (both sides' cache lines
// are used whole).
inline void transposeInto(const double* __restrict in, size_t rows, size_t cols, double* __restrict out) {
  constexpr size_t TB = 32;
  for (size_t j0 = 0; j0 < cols; j0 += TB) {
    const size_t j1 = std::min(cols, j0 + TB);
    for (size_t k0 = 0; k0 < rows; k0 += TB) {
      const size_t k1 = std::min(rows, k0 + TB);
      for (size_t j = j0; j < j1; j++)
        for (size_t k = k0; k < k1; k++) out[j * rows + k] = in[k * cols + j];
    }
  }
}

// What blockPass computes besides the residuals; a null pointer leaves that part out.
struct BlockOut {
  double* Z;  // receives the block's Z (rows×m), or the gradient factor r a σ′ when ga is given
  const double* q;  // trace sums (A, B, C) when given: ‖x_i‖² of the block's rows
  double *A, *B, *C;
  double* ga;  // gradient pass when given
  double* gW;  // gW (m×d) += Gᵀ X when given (needs ga)
  double gradScale = 1;  // ga and gW multiplied by it once their sums are complete
};

// The passes over one slice of Z (n rows): the forward pass, with the trace parts A and B in the
// same read of Z where the activation allows (forwardTraceRows); the residuals; then what needs the
// residuals: the rest of the trace parts (C alone after the fused pass, skipped when σ″ ≡ 0 since it
// would add zeros) and the gradient pass. Every sum keeps the order of the separate passes over the
// slice, so the results are bit-identical to them.
template <class Act>
void slicePasses(const Act& s, double* Z, size_t n, size_t m, const double* a, const double* y, double* r,
                 const double* q, double* A, double* B, double* C, double* ga) {
  const bool fused = q && useVec(s);
  if (fused) forwardTraceRows(s, Z, n, m, a, r, q, A, B);
  else forwardRows(s, Z, n, m, a, r);
  if (y)
    for (size_t i = 0; i < n; i++) r[i] = r[i] - y[i];
  if (q && !fused) traceSums(s, Z, n, m, r, q, A, B, C);
  else if (q && !Act::zeroD2) traceC(s, Z, n, m, r, q, C);
  if (ga) gradPass(s, Z, n, m, a, r, ga);
}

// How a GEMM kernel serves blockPass (Kern, one per kernel below and in blas.h):
//   sliceKiB: the size of a slice of Z; gradRows: the most rows of G per product Xᵀ G;
//   z(i0, n, Zs): rows i0 … i0+n−1 of Z = X Wᵀ into Zs (leading dimension m);
//   gBuf(kb): the thread's buffer for a gradient block of kb rows;
//   sliceZ(gb, p0, R, zs): where the slice starting at row p0 of the block computes its Z;
//   putG(Zs, n, p0, kb, gb): the slice's n rows of G into the block; addGt(b0, kb, gb, gWt): gWᵀ += X(b0:b0+kb)ᵀ G
//   (gWᵀ d×m, row-major).
template <class Act, class Kern>
void blockPass(const Act& s, Kern& k, size_t rows, size_t m, size_t d, const double* a, const double* y, double* r,
               const BlockOut& o) {
  const size_t R = sliceRows(m, Kern::sliceKiB);
  double* outs[4];
  int arrays = 0;
  if (o.q) {
    outs[arrays++] = o.A;
    outs[arrays++] = o.B;
    outs[arrays++] = o.C;
  }
  if (o.ga) outs[arrays++] = o.ga;
  const int T = chunksFor(rows, m);
  // Per extra thread: its column sums. Per thread: its gWᵀ (d×m, the orientation whose N = m fills
  // the GEMM's wide tile), added to gW in thread order at the end. Kept between calls (no fresh pages).
  std::vector<double> scratch(static_cast<size_t>(T - 1) * arrays * m, 0.0);
  static thread_local gemm::Scratch gts;
  const size_t dm = o.gW ? d * m : 0;
  double* gWts = gts.get(2 * T * dm);  // each thread's first product stores, the rest add
  double* gWs = gWts + T * dm;         // each thread's gWᵀ transposed (m×d), by that thread
  const auto work = [&](int t) {
    const size_t r0 = chunkStart(rows, t, T), r1 = chunkStart(rows, t + 1, T);
    double* acc[4];
    for (int j = 0; j < arrays; j++) acc[j] = t == 0 ? outs[j] : scratch.data() + (static_cast<size_t>(t - 1) * arrays + j) * m;
    double* gWt = gWts + t * dm;
    static thread_local gemm::Scratch zs;
    // Gradient blocks: as even as possible, at most gradRows rows, multiples of four.
    const size_t len = r1 - r0;
    const size_t nb = (len + Kern::gradRows - 1) / Kern::gradRows;
    const size_t kb0 = o.gW && nb > 0 ? std::min<size_t>(Kern::gradRows, ((len + nb - 1) / nb + 3) / 4 * 4) : len;
    if (o.gW && r1 == r0) std::fill(gWt, gWt + dm, 0.0);
    for (size_t b0 = r0; b0 < r1; b0 += std::max<size_t>(kb0, 1)) {
      const size_t kb = std::min(kb0, r1 - b0);
      double* gb = o.gW ? k.gBuf(kb) : nullptr;
      for (size_t i0 = b0; i0 < b0 + kb; i0 += R) {
        const size_t n = std::min(R, b0 + kb - i0);
        double* Z = o.Z ? o.Z + i0 * m : k.sliceZ(gb, i0 - b0, R, zs);
        k.z(i0, n, Z);
        slicePasses(s, Z, n, m, a, y ? y + i0 : nullptr, r + i0, o.q ? o.q + i0 : nullptr, acc[0], acc[1], acc[2],
                    o.ga ? acc[o.q ? 3 : 0] : nullptr);
        if (gb) k.putG(Z, n, i0 - b0, kb, gb);
      }
      if (gb) k.addGt(b0, kb, gb, gWt, b0 == r0);
    }
    if (o.gW) transposeInto(gWt, d, m, gWs + t * dm);
  };
  Pool::get().run(T, work);
  for (int t = 1; t < T; t++)
    for (int j = 0; j < arrays; j++) {
      const double* sb = scratch.data() + (static_cast<size_t>(t - 1) * arrays + j) * m;
      for (size_t i = 0; i < m; i++) outs[j][i] += sb[i];
    }
  // Multiplying by gradScale = 1 changes no bit, so the scale is applied unconditionally.
  const double gs = o.gradScale;
  if (o.ga)
    for (size_t i = 0; i < m; i++) o.ga[i] *= gs;
  if (!o.gW) return;
  // gW += Σ_t gW_t, each entry adding the threads' parts in thread order. The transposes ran on the
  // threads, in parallel; what is left here is one contiguous, vectorized pass (at (2000, 100, 500)
  // the serial transposing sum it replaces took 35–95 µs of a 2.5 ms step).
  // The last thread's part carries the scale, (Σ) · gradScale as a separate pass would round it.
  double* __restrict gW = o.gW;
  for (int t = 0; t + 1 < T; t++) {
    const double* __restrict g = gWs + t * dm;
    for (size_t i = 0; i < dm; i++) gW[i] += g[i];
  }
  const double* __restrict g = gWs + (T - 1) * dm;
  for (size_t i = 0; i < dm; i++) gW[i] = (gW[i] + g[i]) * gs;
}

// An empty product (m = 0 or d = 0): Z = 0, nothing to add to gWᵀ.
struct ZeroBlockKernel {
  static constexpr size_t sliceKiB = 256, gradRows = 256;
  size_t m;
  void z(size_t, size_t n, double* Zs) const { std::fill(Zs, Zs + n * m, 0.0); }
  double* gBuf(size_t) const { return nullptr; }
  double* sliceZ(double*, size_t, size_t R, gemm::Scratch& zs) const { return zs.get(R * m); }
  void putG(const double*, size_t, size_t, size_t, double*) const {}
  void addGt(size_t, size_t, const double*, double*, bool) const {}
};

// The built-in GEMM's side: Wᵀ packed once for every slice; the slice's Z computed right in the
// gradient block (row-major, kb×m), which the product Xᵀ G then reads in place.
struct BuiltinBlockKernel {
  // Half of L2 here: a slice of 64 rows at m = 1000 (smaller slices stream the packed Wᵀ from L3
  // more often per flop; measured 5–10 % slower at 256 KiB).
  static constexpr size_t sliceKiB = 512;
  static constexpr size_t gradRows = gemm::KC;  // one K-slice of the product
  const double* X;
  size_t m, d;
  gemm::PackedB& w;
  void z(size_t i0, size_t n, double* Zs) const {
    gemm::rowsPacked(gemm::View{X, static_cast<ptrdiff_t>(d), 1}, static_cast<ptrdiff_t>(i0),
                     static_cast<ptrdiff_t>(n), w, Zs, static_cast<ptrdiff_t>(m));
  }
  double* gBuf(size_t kb) const {
    // NR entries of zeros past the block: the product's last panel loads run over its last row.
    static thread_local gemm::Scratch g;
    double* p = g.get(kb * m + gemm::NR);
    std::fill(p + kb * m, p + kb * m + gemm::NR, 0.0);
    return p;
  }
  double* sliceZ(double* gb, size_t p0, size_t R, gemm::Scratch& zs) const { return gb ? gb + p0 * m : zs.get(R * m); }
  void putG(const double* Zs, size_t n, size_t p0, size_t, double* gb) const {
    if (Zs != gb + p0 * m) std::copy(Zs, Zs + n * m, gb + p0 * m);
  }
  void addGt(size_t b0, size_t kb, const double* gb, double* gWt, bool first) const {
    // op(A) = Xᵀ: (feature i, row p) at X[(b0 + p) d + i].
    const auto M = static_cast<ptrdiff_t>(m);
    gemm::addRowMajorB(gemm::View{X + b0 * d, 1, static_cast<ptrdiff_t>(d)}, static_cast<ptrdiff_t>(d),
                       static_cast<ptrdiff_t>(kb), gb, M, M, gWt, M, first);
  }
};

}  // namespace flatlab
