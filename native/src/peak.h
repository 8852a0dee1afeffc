// The machine's floating-point peak as the bench reports it: every pool thread runs independent
// chains of fused multiply-adds on the widest vectors the build uses, all in registers (no memory
// traffic), so the rate is what the cores' FMA units can do, the ceiling any GEMM here is measured
// against. Twelve chains per thread cover the FMA latency times the number of FMA pipes.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

#include "gemm.h"
#include "pool.h"

namespace flatlab {

// GFLOP/s of `threads` threads each doing `iters` rounds of 12 vector FMAs; best of `reps` timings.
inline double peakGflops(int threads, long iters, int reps) {
  using gemm::vd;
  using gemm::VW;
  std::vector<double> sink(static_cast<size_t>(threads), 0.0);
  double best = 0;
  for (int r = 0; r < reps; r++) {
    const auto t0 = std::chrono::steady_clock::now();
    Pool::get().run(threads, [&](int t) {
      const vd a = vd{} + 0.999999, b = vd{} + 1e-7;
      vd c0 = vd{} + t, c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5, c6 = c0 + 6, c7 = c0 + 7,
         c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11;
      for (long k = 0; k < iters; k++) {
        c0 = c0 * a + b, c1 = c1 * a + b, c2 = c2 * a + b, c3 = c3 * a + b, c4 = c4 * a + b, c5 = c5 * a + b;
        c6 = c6 * a + b, c7 = c7 * a + b, c8 = c8 * a + b, c9 = c9 * a + b, c10 = c10 * a + b, c11 = c11 * a + b;
      }
      const vd s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
      double x = 0;
      for (int l = 0; l < VW; l++) x += s[l];
      sink[static_cast<size_t>(t)] = x;
    });
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, 24.0 * VW * static_cast<double>(iters) * threads / sec / 1e9);
  }
  // The sums feed the result's last bits only if they are not finite, so the loops cannot be dropped.
  double guard = 0;
  for (double x : sink) guard += x;
  return guard == guard ? best : best + guard;
}

}  // namespace flatlab
