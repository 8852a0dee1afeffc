// The built-in GEMM, used when OpenBLAS is absent at build time (FLATLAB_NO_OPENBLAS) or when
// FLATLAB_GEMM=builtin asks for it at run time. Goto/BLIS structure: op(B) is packed into KC×NR
// panels and op(A) into MR×KC panels, so that the micro-kernel streams both contiguously; the
// micro-kernel keeps an MR×NR tile of C in vector registers (GCC/Clang vector extensions, so the
// same source gives AVX-512, AVX2 or SSE2 code under -march=native). Rows of C (or columns, when
// there are too few rows) are split over the thread pool; each thread packs its own panels.
// Every matrix is addressed through (row stride, column stride), so transposes cost nothing and a
// product with few columns can be computed as its transpose, which wastes less of the NR-wide tile.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "pool.h"

namespace flatlab {
namespace gemm {

#if defined(__AVX512F__)
constexpr int VW = 8;  // doubles per vector register
constexpr int MR = 8;
#elif defined(__AVX__)
constexpr int VW = 4;
constexpr int MR = 4;
#else
constexpr int VW = 2;
constexpr int MR = 4;
#endif
constexpr int NV = 3;  // vectors per tile row: MR·NV accumulators + NV loads + a broadcast fit the register file
constexpr int NR = NV * VW;
constexpr int KC = 256;
constexpr int MC = 96;  // MC×KC of packed A: 192 KiB, stays in L2
constexpr int NC = 1536;
// Row blocks of A for the products of few rows that blockPass runs (a slice of Z, or Xᵀ G with d
// rows): up to 256 rows packed at once (KC×256 doubles, 512 KiB, in L2), so that B, which is the
// bigger operand there, streams past once instead of once per MC rows.
constexpr int MCWIDE = 256;  // KC×NC of packed B: 3 MiB, streams from L3

typedef double vd __attribute__((vector_size(VW * sizeof(double))));
// The same vector type for loads and stores at any 8-byte-aligned address (rows of C).
typedef double vdu __attribute__((vector_size(VW * sizeof(double)), aligned(sizeof(double))));

// Strided view of a matrix: element (i, j) at p[i*rs + j*cs].
struct View {
  const double* p;
  ptrdiff_t rs, cs;
  double at(ptrdiff_t i, ptrdiff_t j) const { return p[i * rs + j * cs]; }
};

// A 64-byte-aligned scratch buffer per thread, grown on demand.
struct Scratch {
  double* p = nullptr;
  size_t cap = 0;
  double* get(size_t n) {
    if (n > cap) {
      std::free(p);
      cap = std::max(n, cap * 2);
      p = static_cast<double*>(std::aligned_alloc(64, ((cap * sizeof(double) + 63) / 64) * 64));
    }
    return p;
  }
  ~Scratch() { std::free(p); }
};

// Ap[panel][p][i] ← op(A)(i0+i, p0+p), zero rows beyond mc (panels of MR rows).
inline void packA(const View& A, ptrdiff_t i0, ptrdiff_t mc, ptrdiff_t p0, ptrdiff_t kc, double* Ap) {
  for (ptrdiff_t ib = 0; ib < mc; ib += MR) {
    const ptrdiff_t mr = std::min<ptrdiff_t>(MR, mc - ib);
    double* dst = Ap + ib * kc;
    if (A.cs == 1) {
      for (ptrdiff_t i = 0; i < mr; i++) {
        const double* src = A.p + (i0 + ib + i) * A.rs + p0;
        for (ptrdiff_t p = 0; p < kc; p++) dst[p * MR + i] = src[p];
      }
    } else {
      for (ptrdiff_t p = 0; p < kc; p++) {
        const double* src = A.p + (p0 + p) * A.cs + (i0 + ib) * A.rs;
        for (ptrdiff_t i = 0; i < mr; i++) dst[p * MR + i] = src[i * A.rs];
      }
    }
    if (mr < MR)
      for (ptrdiff_t p = 0; p < kc; p++)
        for (ptrdiff_t i = mr; i < MR; i++) dst[p * MR + i] = 0;
  }
}

// Bp[panel][p][j] ← op(B)(p0+p, j0+j), zero columns beyond nc (panels of NR columns).
inline void packB(const View& B, ptrdiff_t p0, ptrdiff_t kc, ptrdiff_t j0, ptrdiff_t nc, double* Bp) {
  for (ptrdiff_t jb = 0; jb < nc; jb += NR) {
    const ptrdiff_t nr = std::min<ptrdiff_t>(NR, nc - jb);
    double* dst = Bp + jb * kc;
    if (B.cs == 1) {
      for (ptrdiff_t p = 0; p < kc; p++) {
        const double* src = B.p + (p0 + p) * B.rs + j0 + jb;
        for (ptrdiff_t j = 0; j < nr; j++) dst[p * NR + j] = src[j];
      }
    } else {
      for (ptrdiff_t j = 0; j < nr; j++) {
        const double* src = B.p + (j0 + jb + j) * B.cs + p0 * B.rs;
        for (ptrdiff_t p = 0; p < kc; p++) dst[p * NR + j] = src[p * B.rs];
      }
    }
    if (nr < NR)
      for (ptrdiff_t p = 0; p < kc; p++)
        for (ptrdiff_t j = nr; j < NR; j++) dst[p * NR + j] = 0;
  }
}

// Σ_p Ap[p][·] ⊗ Bp[p][·], an MR×NR tile, delivered to `out` (row stride ors, unit column stride):
// Store: out ← alpha·tile; Add: out += alpha·tile. The accumulators are named vector variables so
// the compiler keeps all MR·NV of them in registers. Full tiles of a row-major C go straight to C;
// edge tiles go through a scratch tile.
enum class Out { Store, Add };
// ldb: the distance between consecutive rows of B's panel, NR when packed; a row-major B read in
// place has its own row length (then the loads are unaligned).
template <Out mode, bool packed = true>
inline void micro(ptrdiff_t kc, const double* __restrict Ap, const double* __restrict Bp, double* __restrict out,
                  ptrdiff_t ors, double alpha, ptrdiff_t ldb = NR) {
  vd c[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) c[i][v] = vd{};
  for (ptrdiff_t p = 0; p < kc; p++) {
    vd b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++)
      b[v] = packed ? *reinterpret_cast<const vd*>(Bp + p * NR + v * VW)
                    : static_cast<vd>(*reinterpret_cast<const vdu*>(Bp + p * ldb + v * VW));
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const double a = Ap[p * MR + i];
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) c[i][v] += a * b[v];
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
      vdu* o = reinterpret_cast<vdu*>(out + i * ors + v * VW);
      if (mode == Out::Store) *o = alpha * c[i][v];
      else *o += alpha * c[i][v];
    }
}

// C(i0:i1, j0:j1) += alpha · op(A) op(B) on one thread (C already scaled by beta), or, when
// `overwrite` (beta = 0), C ← alpha · op(A) op(B) without reading C: the first K-slice stores its
// tile, which spares a separate zeroing pass over C (C is the biggest array when K = d is small).
// panelB(pc, kc, jc, nc) gives op(B)(pc:pc+kc, jc:jc+nc) packed as packB does (serial packs it
// there and then; rowsPacked hands out panels packed once for many row blocks).
// Rows of A are packed mcBlock at a time (MC by default: the packed rows stay in L2 while all of the
// B panel streams past them).
template <class PanelB>
inline void serialWith(const View& A, PanelB&& panelB, double* C, ptrdiff_t crs, ptrdiff_t ccs, ptrdiff_t i0,
                       ptrdiff_t i1, ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t K, double alpha, bool overwrite,
                       ptrdiff_t mcBlock = MC) {
  static thread_local Scratch sa;
  alignas(64) double tile[MR * NR];
  for (ptrdiff_t jc = j0; jc < j1; jc += NC) {
    const ptrdiff_t nc = std::min<ptrdiff_t>(NC, j1 - jc);
    for (ptrdiff_t pc = 0; pc < K; pc += KC) {
      const ptrdiff_t kc = std::min<ptrdiff_t>(KC, K - pc);
      const double* Bp = panelB(pc, kc, jc, nc);
      for (ptrdiff_t ic = i0; ic < i1; ic += mcBlock) {
        const ptrdiff_t mc = std::min<ptrdiff_t>(mcBlock, i1 - ic);
        double* Ap = sa.get(static_cast<size_t>((mc + MR - 1) / MR * MR * kc));
        packA(A, ic, mc, pc, kc, Ap);
        for (ptrdiff_t jr = 0; jr < nc; jr += NR) {
          const ptrdiff_t nr = std::min<ptrdiff_t>(NR, nc - jr);
          for (ptrdiff_t ir = 0; ir < mc; ir += MR) {
            const ptrdiff_t mr = std::min<ptrdiff_t>(MR, mc - ir);
            double* c = C + (ic + ir) * crs + (jc + jr) * ccs;
            const bool store = overwrite && pc == 0;
            if (mr == MR && nr == NR && ccs == 1) {
              if (store) micro<Out::Store>(kc, Ap + ir * kc, Bp + jr * kc, c, crs, alpha);
              else micro<Out::Add>(kc, Ap + ir * kc, Bp + jr * kc, c, crs, alpha);
              continue;
            }
            micro<Out::Store>(kc, Ap + ir * kc, Bp + jr * kc, tile, NR, 1.0);
            if (store) {
              for (ptrdiff_t i = 0; i < mr; i++)
                for (ptrdiff_t j = 0; j < nr; j++) c[i * crs + j * ccs] = alpha * tile[i * NR + j];
            } else if (ccs == 1) {
              for (ptrdiff_t i = 0; i < mr; i++)
                for (ptrdiff_t j = 0; j < nr; j++) c[i * crs + j] += alpha * tile[i * NR + j];
            } else {
              for (ptrdiff_t i = 0; i < mr; i++)
                for (ptrdiff_t j = 0; j < nr; j++) c[i * crs + j * ccs] += alpha * tile[i * NR + j];
            }
          }
        }
      }
    }
  }
}

inline void serial(const View& A, const View& B, double* C, ptrdiff_t crs, ptrdiff_t ccs, ptrdiff_t i0,
                   ptrdiff_t i1, ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t K, double alpha, bool overwrite) {
  static thread_local Scratch sb;
  const auto panelB = [&](ptrdiff_t pc, ptrdiff_t kc, ptrdiff_t jc, ptrdiff_t nc) {
    double* Bp = sb.get(static_cast<size_t>((nc + NR - 1) / NR * NR * kc));
    packB(B, pc, kc, jc, nc, Bp);
    return static_cast<const double*>(Bp);
  };
  serialWith(A, panelB, C, crs, ccs, i0, i1, j0, j1, K, alpha, overwrite);
}

// All of op(B) (K×N) packed once, for products of many row blocks of A with the same B: the panels
// of serialWith's (jc, pc) loop, each NC-column block's K-slices one after the other.
struct PackedB {
  Scratch buf;
  ptrdiff_t K = 0, N = 0;
  void pack(const View& B, ptrdiff_t K_, ptrdiff_t N_) {
    K = K_;
    N = N_;
    double* p = buf.get(static_cast<size_t>((N + NR - 1) / NR * NR * K));
    for (ptrdiff_t jc = 0; jc < N; jc += NC)
      for (ptrdiff_t pc = 0; pc < K; pc += KC) packB(B, pc, std::min<ptrdiff_t>(KC, K - pc), jc,
                                                     std::min<ptrdiff_t>(NC, N - jc), p + panel(jc, pc));
  }
  // Offset of the panel at (jc, pc): the NC blocks before jc are full (NC is a multiple of NR).
  ptrdiff_t panel(ptrdiff_t jc, ptrdiff_t pc) const {
    const ptrdiff_t nc = std::min<ptrdiff_t>(NC, N - jc);
    return jc * K + (nc + NR - 1) / NR * NR * pc;
  }
};

// C (M×N, row-major, leading dimension ldc) += op(A) · B (or = when overwrite) on one thread, op(A) M×kc (kc ≤ KC) and B
// kc×N row-major with leading dimension ldb, read in place: the micro-kernel loads its rows of B
// straight from B instead of a packed copy. B must be readable NR − 1 entries past its last row
// (the last panel's loads run over the row's end; those columns are discarded). Each entry of C
// sums over p in order, as the packed GEMM does.
inline void addRowMajorB(const View& A, ptrdiff_t M, ptrdiff_t kc, const double* B, ptrdiff_t ldb, ptrdiff_t N,
                         double* C, ptrdiff_t ldc, bool overwrite) {
  static thread_local Scratch sa;
  alignas(64) double tile[MR * NR];
  for (ptrdiff_t ic = 0; ic < M; ic += MCWIDE) {
    const ptrdiff_t mc = std::min<ptrdiff_t>(MCWIDE, M - ic);
    double* Ap = sa.get(static_cast<size_t>((mc + MR - 1) / MR * MR * kc));
    packA(A, ic, mc, 0, kc, Ap);
    for (ptrdiff_t jr = 0; jr < N; jr += NR) {
      const ptrdiff_t nr = std::min<ptrdiff_t>(NR, N - jr);
      for (ptrdiff_t ir = 0; ir < mc; ir += MR) {
        const ptrdiff_t mr = std::min<ptrdiff_t>(MR, mc - ir);
        double* c = C + (ic + ir) * ldc + jr;
        if (mr == MR && nr == NR) {
          if (overwrite) micro<Out::Store, false>(kc, Ap + ir * kc, B + jr, c, ldc, 1.0, ldb);
          else micro<Out::Add, false>(kc, Ap + ir * kc, B + jr, c, ldc, 1.0, ldb);
          continue;
        }
        micro<Out::Store, false>(kc, Ap + ir * kc, B + jr, tile, NR, 1.0, ldb);
        for (ptrdiff_t i = 0; i < mr; i++)
          for (ptrdiff_t j = 0; j < nr; j++) c[i * ldc + j] = (overwrite ? 0.0 : c[i * ldc + j]) + tile[i * NR + j];
      }
    }
  }
}

// C(0:rows, 0:N) ← op(A)(i0:i0+rows, ·) · op(B) on one thread, op(B) packed in `pb`; C row-major
// with leading dimension ldc. Every entry is summed in the same order as dgemm sums it.
inline void rowsPacked(const View& A, ptrdiff_t i0, ptrdiff_t rows, const PackedB& pb, double* C, ptrdiff_t ldc) {
  const View a{A.p + i0 * A.rs, A.rs, A.cs};
  const auto panelB = [&](ptrdiff_t pc, ptrdiff_t, ptrdiff_t jc, ptrdiff_t) { return pb.buf.p + pb.panel(jc, pc); };
  serialWith(a, panelB, C, ldc, 1, 0, rows, 0, pb.N, pb.K, 1.0, true, std::max<ptrdiff_t>(MC, std::min<ptrdiff_t>(rows, MCWIDE)));
}

// Share of a tile dimension actually used (1 = no padding).
inline double fill(ptrdiff_t n, int r) { return static_cast<double>(n) / (((n + r - 1) / r) * r); }

// C ← alpha op(A) op(B) + beta C, row-major, op(A) M×K, op(B) K×N, C M×N with leading dimension N.
inline void dgemm(bool tA, bool tB, ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, double alpha, const double* A,
                  const double* B, double beta, double* C) {
  if (M == 0 || N == 0) return;
  const bool overwrite = beta == 0 && K > 0 && alpha != 0;
  if (beta != 1 && !overwrite) {
    if (beta == 0) std::memset(C, 0, static_cast<size_t>(M * N) * sizeof(double));
    else
      for (ptrdiff_t i = 0; i < M * N; i++) C[i] *= beta;
  }
  if (K == 0 || alpha == 0) return;
  View a{A, tA ? 1 : K, tA ? M : 1};
  View b{B, tB ? 1 : N, tB ? K : 1};
  ptrdiff_t crs = N, ccs = 1;
  // Few columns (e.g. the gradient's m×d with d = 50): compute Cᵀ = op(B)ᵀ op(A)ᵀ instead when
  // that wastes less of the register tile.
  // The swapped C is written with a column stride, through the edge path (a scalar scatter per
  // tile), which costs about as much as K/4 multiply-adds per entry: swap only when K is long
  // enough to pay for it and the tile waste drops by more than 10%.
  if (K >= 64 && 1.1 * fill(N, NR) * fill(M, MR) < fill(M, NR) * fill(N, MR)) {
    std::swap(M, N);
    View t{b.p, b.cs, b.rs};
    b = View{a.p, a.cs, a.rs};
    a = t;
    std::swap(crs, ccs);
  }
  Pool& pool = Pool::get();
  const double flops = 2.0 * M * N * K;
  int T = flops < 4e5 ? 1 : pool.size();
  // Split the longer side of C in whole tiles; each thread packs its own panels.
  const bool byRows = M / MR >= N / NR;
  const ptrdiff_t units = byRows ? (M + MR - 1) / MR : (N + NR - 1) / NR;
  T = static_cast<int>(std::min<ptrdiff_t>(T, units));
  pool.run(T, [&](int t) {
    const ptrdiff_t u0 = units * t / T, u1 = units * (t + 1) / T;
    if (byRows) serial(a, b, C, crs, ccs, u0 * MR, std::min(M, u1 * MR), 0, N, K, alpha, overwrite);
    else serial(a, b, C, crs, ccs, 0, M, u0 * NR, std::min(N, u1 * NR), K, alpha, overwrite);
  });
}

}  // namespace gemm
}  // namespace flatlab
