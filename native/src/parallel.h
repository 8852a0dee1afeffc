// The fused passes of kernels.h split over row chunks of the block on the thread pool. Per-row
// outputs (f, u, Z or T rewritten in place) need nothing more; the per-neuron sums (ga, A, B, C, ha)
// get one private accumulator per extra chunk, added to the output in chunk order afterwards, so a
// result depends on the chunk count only (never on timing).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "kernels.h"
#include "pool.h"

namespace flatlab {

// Chunks for a pass over rows×m entries: one per pool thread, but at least 16k entries each so the
// wake-up of a thread (tens of µs) stays small against its share.
inline int chunksFor(size_t rows, size_t m) {
  const size_t work = rows * m;
  const size_t byWork = work / 16384;
  const size_t n = std::min<size_t>({static_cast<size_t>(Pool::get().size()), byWork, rows});
  return n < 1 ? 1 : static_cast<int>(n);
}

inline size_t chunkStart(size_t rows, int t, int T) { return rows * static_cast<size_t>(t) / static_cast<size_t>(T); }

// Runs f(r0, r1, acc) over the row chunks, acc = `arrays` per-neuron outputs of length m: chunk 0
// accumulates into `outs` directly, the others into zeroed scratch added afterwards in order.
template <class F>
void rowsWithSums(size_t rows, size_t m, int arrays, double* const* outs, F&& f) {
  const int T = chunksFor(rows, m);
  if (T == 1) {
    f(size_t{0}, rows, outs);
    return;
  }
  std::vector<double> scratch(static_cast<size_t>(T - 1) * arrays * m, 0.0);
  Pool::get().run(T, [&](int t) {
    double* acc[4];
    for (int k = 0; k < arrays; k++)
      acc[k] = t == 0 ? outs[k] : scratch.data() + (static_cast<size_t>(t - 1) * arrays + k) * m;
    f(chunkStart(rows, t, T), chunkStart(rows, t + 1, T), acc);
  });
  for (int t = 1; t < T; t++)
    for (int k = 0; k < arrays; k++) {
      const double* s = scratch.data() + (static_cast<size_t>(t - 1) * arrays + k) * m;
      double* o = outs[k];
      for (size_t j = 0; j < m; j++) o[j] += s[j];
    }
}

template <class F>
void rowsOnly(size_t rows, size_t m, F&& f) {
  const int T = chunksFor(rows, m);
  if (T == 1) {
    f(size_t{0}, rows);
    return;
  }
  Pool::get().run(T, [&](int t) { f(chunkStart(rows, t, T), chunkStart(rows, t + 1, T)); });
}

template <class Act>
void forwardRowsPar(const Act& s, const double* Z, size_t rows, size_t m, const double* a, double* f) {
  rowsOnly(rows, m, [&](size_t r0, size_t r1) { forwardRows(s, Z + r0 * m, r1 - r0, m, a, f + r0); });
}

template <class Act>
void gradPassPar(const Act& s, double* Z, size_t rows, size_t m, const double* a, const double* r, double* ga) {
  double* outs[1] = {ga};
  rowsWithSums(rows, m, 1, outs, [&](size_t r0, size_t r1, double* const* acc) {
    gradPass(s, Z + r0 * m, r1 - r0, m, a, r + r0, acc[0]);
  });
}

template <class Act>
void traceSumsPar(const Act& s, const double* Z, size_t rows, size_t m, const double* r, const double* q, double* A,
                  double* B, double* C) {
  // Without r, C is left untouched (not even by adding zeros, which would turn −0 into +0).
  double* outs[3] = {A, B, C};
  rowsWithSums(rows, m, r ? 3 : 2, outs, [&](size_t r0, size_t r1, double* const* acc) {
    traceSums(s, Z + r0 * m, r1 - r0, m, r ? r + r0 : nullptr, q + r0, acc[0], acc[1], r ? acc[2] : C);
  });
}

template <class Act>
void hvpPassPar(const Act& s, const double* Z, double* T, size_t rows, size_t m, const double* a, const double* va,
                const double* r, double* u, double* ha) {
  double* outs[1] = {ha};
  rowsWithSums(rows, m, 1, outs, [&](size_t r0, size_t r1, double* const* acc) {
    hvpPass(s, Z + r0 * m, T + r0 * m, r1 - r0, m, a, va, r + r0, u + r0, acc[0]);
  });
}

template <class Act>
void penaltyPassPar(const Act& s, double* Z, size_t rows, size_t m, const double* a, const double* r, const double* q,
                    const double* wA, const double* wB, double* ga, double* A, double* B) {
  // ga only with r (the loss part); the sums' order over chunks is fixed, as everywhere here.
  double* outs[3] = {A, B, ga};
  rowsWithSums(rows, m, r ? 3 : 2, outs, [&](size_t r0, size_t r1, double* const* acc) {
    penaltyPass(s, Z + r0 * m, r1 - r0, m, a, r ? r + r0 : nullptr, q + r0, wA, wB, r ? acc[2] : nullptr, acc[0],
                acc[1]);
  });
}

}  // namespace flatlab
