// Fused passes over a row block of Z = X Wᵀ (rows × m, row-major), templated on the activation so
// that each activation's σ, σ′, σ″ inline into the loops. Semantics are exactly those documented in
// src/linalg/backend.ts and implemented by src/linalg/js-backend.ts (the reference); only the order
// of the sums differs (eight partial sums along a row, four rows at a time down a column), which
// changes results by a few ulps of the sum of absolute values.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace flatlab {

// Row reductions keep LANES partial sums (one per vector lane, so the compiler vectorizes them) and
// add them in a fixed tree at the end of the row.
constexpr size_t LANES = 8;

// LANES doubles as one value (GCC/Clang vector extension; the compiler splits it where vectors are
// narrower, with the same lane-by-lane results). The fused forward-and-trace pass is written on it,
// because the compiler does not vectorize that loop well from scalar code.
using Vec = double __attribute__((vector_size(LANES * sizeof(double))));
using VecBits = int64_t __attribute__((vector_size(LANES * sizeof(double))));
inline Vec vload(const double* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void vstore(double* p, const Vec& v) { std::memcpy(p, &v, sizeof v); }
inline Vec vsplat(double x) { return Vec{} + x; }

// Mirrors powPos in src/model/activations.ts: t > 0 here; exponent 0 gives exactly 1.
// Small positive integer exponents multiply out (p is usually 2 or 3); the result differs from
// pow() by at most a couple of ulps.
inline double powPos(double t, double e) {
  if (e == 0) return 1;
  if (e == 1) return t;
  if (e == 2) return t * t;
  if (e == 3) return t * t * t;
  return std::pow(t, e);
}

inline double signOf(double t) { return t > 0 ? 1.0 : t < 0 ? -1.0 : t; }

// Each activation says whether σ″ ≡ 0 (zeroD2: piecewise linear, so the trace part C is exactly zero
// and its pass is skipped) and whether it has σ and σ′ on a Vec (vec, and vecOK() for a parameter
// that decides it at run time); fv and d1v give lane by lane exactly what f and d1 give.
struct Relu {
  static constexpr bool zeroD2 = true, vec = true;
  explicit Relu(double) {}
  bool vecOK() const { return true; }
  double f(double t) const { return t > 0 ? t : 0; }
  double d1(double t) const { return t > 0 ? 1 : 0; }
  double d2(double) const { return 0; }
  Vec fv(Vec t) const { return t > 0 ? t : Vec{}; }
  Vec d1v(Vec t) const { return t > 0 ? vsplat(1) : Vec{}; }
};

struct LeakyRelu {
  static constexpr bool zeroD2 = true, vec = true;
  double alpha;
  explicit LeakyRelu(double a) : alpha(a) {}
  bool vecOK() const { return true; }
  double f(double t) const { return t > 0 ? t : alpha * t; }
  double d1(double t) const { return t > 0 ? 1 : alpha; }
  double d2(double) const { return 0; }
  Vec fv(Vec t) const { return t > 0 ? t : alpha * t; }
  Vec d1v(Vec t) const { return t > 0 ? vsplat(1) : vsplat(alpha); }
};

struct Abs {
  static constexpr bool zeroD2 = true, vec = true;
  explicit Abs(double) {}
  bool vecOK() const { return true; }
  double f(double t) const { return std::fabs(t); }
  double d1(double t) const { return t > 0 ? 1 : t < 0 ? -1 : 0; }
  double d2(double) const { return 0; }
  Vec fv(Vec t) const {  // fabs: the sign bit cleared (−0 → 0, as fabs)
    VecBits b;
    std::memcpy(&b, &t, sizeof b);
    b &= INT64_MAX;
    std::memcpy(&t, &b, sizeof t);
    return t;
  }
  Vec d1v(Vec t) const { return t > 0 ? vsplat(1) : t < 0 ? vsplat(-1) : Vec{}; }
};

// relu_pow: derivatives are exactly 0 for t <= 0 (a naive max(t,0)^0 would give 1).
struct ReluPow {
  static constexpr bool zeroD2 = false, vec = true;
  double p;
  explicit ReluPow(double p_) : p(p_) {}
  bool vecOK() const { return p == 2; }  // relu-pow:2, the studies' student; others take the scalar passes
  Vec fv(Vec t) const {  // powPos(t, 2) = t·t for t > 0, and 0·0 = 0 otherwise
    const Vec u = t > 0 ? t : Vec{};
    return u * u;
  }
  Vec d1v(Vec t) const { return t > 0 ? p * t : Vec{}; }  // p · powPos(t, 1) = p·t
  double f(double t) const { return t > 0 ? powPos(t, p) : 0; }
  double d1(double t) const { return t > 0 ? p * powPos(t, p - 1) : 0; }
  double d2(double t) const { return t > 0 ? p * (p - 1) * powPos(t, p - 2) : 0; }
};

// abs_pow: σ″ is taken as 0 at t = 0 (2 when p = 2), as in the JS definition.
struct AbsPow {
  static constexpr bool zeroD2 = false, vec = false;
  bool vecOK() const { return false; }
  double p;
  explicit AbsPow(double p_) : p(p_) {}
  double f(double t) const { return t == 0 ? 0 : powPos(std::fabs(t), p); }
  double d1(double t) const { return t == 0 ? 0 : p * powPos(std::fabs(t), p - 1) * signOf(t); }
  double d2(double t) const { return t == 0 ? (p == 2 ? 2 : 0) : p * (p - 1) * powPos(std::fabs(t), p - 2); }
};

struct Square {
  static constexpr bool zeroD2 = false, vec = true;
  explicit Square(double) {}
  bool vecOK() const { return true; }
  Vec fv(Vec t) const { return t * t; }
  Vec d1v(Vec t) const { return 2 * t; }
  double f(double t) const { return t * t; }
  double d1(double t) const { return 2 * t; }
  double d2(double) const { return 2; }
};

struct Tanh {
  static constexpr bool zeroD2 = false, vec = false;
  explicit Tanh(double) {}
  bool vecOK() const { return false; }
  double f(double t) const { return std::tanh(t); }
  double d1(double t) const {
    const double c = std::tanh(t);
    return 1 - c * c;
  }
  double d2(double t) const {
    const double c = std::tanh(t);
    return -2 * c * (1 - c * c);
  }
};

struct Softplus {
  static constexpr bool zeroD2 = false, vec = false;
  explicit Softplus(double) {}
  bool vecOK() const { return false; }
  double f(double t) const { return t > 30 ? t : std::log1p(std::exp(t)); }
  double d1(double t) const { return 1 / (1 + std::exp(-t)); }
  double d2(double t) const {
    const double s1 = 1 / (1 + std::exp(-t));
    return s1 * (1 - s1);
  }
};

inline double laneSum(const double* acc) {
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// The first `len` doubles at p as a Vec, the other lanes 0 (a row's last, partial block).
inline Vec vloadN(const double* p, size_t len) {
  Vec v{};
  std::memcpy(&v, p, len * sizeof(double));
  return v;
}

// One block of LANES columns (or the row's last `len` < LANES, padded with Z = 0 and a = 0, so the
// padded lanes add exactly zero to the row sums) of R ≤ 4 rows: the rows' lane sums f[k] += a σ, and
// the block's A += Σ_k σ², B += Σ_k σ′² q_k in the order of traceRows (pairs, then the two pairs).
template <int R, bool fwd, bool ab, class Act>
inline void vecBlock(const Act& s, const double* const* z, size_t j, size_t len, const double* a, const double* q,
                     Vec* f, double* A, double* B) {
  Vec v[R], d[R];
  for (int k = 0; k < R; k++) {
    const Vec t = len == LANES ? vload(z[k] + j) : vloadN(z[k] + j, len);
    v[k] = s.fv(t);
    if (ab) d[k] = s.d1v(t);
  }
  if constexpr (fwd) {
    const Vec aj = len == LANES ? vload(a + j) : vloadN(a + j, len);
    for (int k = 0; k < R; k++) f[k] += aj * v[k];
  }
  if constexpr (ab) {
    Vec sa, sb;
    if constexpr (R == 4) {
      sa = (v[0] * v[0] + v[1] * v[1]) + (v[2] * v[2] + v[3] * v[3]);
      sb = (d[0] * d[0] * q[0] + d[1] * d[1] * q[1]) + (d[2] * d[2] * q[2] + d[3] * d[3] * q[3]);
    } else {
      sa = v[0] * v[0];
      sb = d[0] * d[0] * q[0];
    }
    if (len == LANES) {
      vstore(A + j, vload(A + j) + sa);
      vstore(B + j, vload(B + j) + sb);
    } else {
      double ta[LANES], tb[LANES];
      vstore(ta, vloadN(A + j, len) + sa);
      vstore(tb, vloadN(B + j, len) + sb);
      std::memcpy(A + j, ta, len * sizeof(double));
      std::memcpy(B + j, tb, len * sizeof(double));
    }
  }
}

// R ≤ 4 rows starting at z[0] … z[R−1] over all m columns (vecBlock).
template <int R, bool fwd, bool ab, class Act>
inline void vecGroup(const Act& s, const double* const* z, size_t m, const double* a, const double* q, double* f,
                     double* A, double* B) {
  Vec acc[R] = {};
  size_t j = 0;
  for (; j + LANES <= m; j += LANES) vecBlock<R, fwd, ab>(s, z, j, LANES, a, q, acc, A, B);
  if (j < m) vecBlock<R, fwd, ab>(s, z, j, m - j, a, q, acc, A, B);
  if (fwd)
    for (int k = 0; k < R; k++) {
      double l[LANES];
      vstore(l, acc[k]);
      f[k] = laneSum(l);
    }
}

// The forward lane sums (fwd: f[i] = Σ_j a[j] σ(Z[i,j])) and the trace parts A and B (ab: A[j] += Σ σ²,
// B[j] += Σ σ′² q, four rows at a time, then the rows left one by one) on Vec lanes, for activations
// with vec and vecOK(). The separate passes (forwardRows, traceRows) and the fused one
// (forwardTraceRows: both in one read of Z, σ and σ′ evaluated once per entry) all run this one body,
// so they agree bit for bit; the compiler does not vectorize the fused loop well from scalar code.
template <bool fwd, bool ab, class Act>
void vecRows(const Act& s, const double* Z, size_t rows, size_t m, const double* a, double* f, const double* q,
             double* A, double* B) {
  size_t i = 0;
  for (; i + 4 <= rows; i += 4) {
    const double* z[4] = {Z + i * m, Z + (i + 1) * m, Z + (i + 2) * m, Z + (i + 3) * m};
    vecGroup<4, fwd, ab>(s, z, m, a, ab ? q + i : nullptr, fwd ? f + i : nullptr, A, B);
  }
  for (; i < rows; i++) {
    const double* z[1] = {Z + i * m};
    vecGroup<1, fwd, ab>(s, z, m, a, ab ? q + i : nullptr, fwd ? f + i : nullptr, A, B);
  }
}

// Whether the Vec body serves this activation (its σ and σ′ have Vec forms for its parameter).
template <class Act>
bool useVec(const Act& s) {
  if constexpr (Act::vec) return s.vecOK();
  else return false;
}

// forwardRows and the A, B part of traceSums in one read of Z (only where useVec(s)).
template <class Act>
void forwardTraceRows(const Act& s, const double* Z, size_t rows, size_t m, const double* a, double* f,
                      const double* q, double* A, double* B) {
  if constexpr (Act::vec) vecRows<true, true>(s, Z, rows, m, a, f, q, A, B);
}

// traceRows's scalar body for rows i0 … i1−1: A and B when withAB, C when withC, each entry's terms
// in one expression per part, so C alone (traceC) sums exactly as C beside A and B does.
template <bool withAB, bool withC, class Act>
void traceRowsScalar(const Act& s, const double* __restrict Z, size_t i0, size_t i1, size_t m, const double* r,
                     const double* q, double* __restrict A, double* __restrict B, double* __restrict C) {
  size_t i = i0;
  for (; i + 4 <= i1; i += 4) {
    const double* __restrict z0 = Z + i * m;
    const double* __restrict z1 = z0 + m;
    const double* __restrict z2 = z1 + m;
    const double* __restrict z3 = z2 + m;
    const double q0 = q[i], q1 = q[i + 1], q2 = q[i + 2], q3 = q[i + 3];
    const double c0 = withC ? r[i] * q0 : 0, c1 = withC ? r[i + 1] * q1 : 0, c2 = withC ? r[i + 2] * q2 : 0,
                 c3 = withC ? r[i + 3] * q3 : 0;
    for (size_t j = 0; j < m; j++) {
      const double t0 = z0[j], t1 = z1[j], t2 = z2[j], t3 = z3[j];
      const double v0 = s.f(t0), v1 = s.f(t1), v2 = s.f(t2), v3 = s.f(t3);
      const double d0 = s.d1(t0), d1 = s.d1(t1), d2 = s.d1(t2), d3 = s.d1(t3);
      if (withAB) {
        A[j] += (v0 * v0 + v1 * v1) + (v2 * v2 + v3 * v3);
        B[j] += (d0 * d0 * q0 + d1 * d1 * q1) + (d2 * d2 * q2 + d3 * d3 * q3);
      }
      if (withC) C[j] += (c0 * s.d2(t0) + c1 * s.d2(t1)) + (c2 * s.d2(t2) + c3 * s.d2(t3));
    }
  }
  for (; i < i1; i++) {
    const double qi = q[i];
    const double ci = withC ? r[i] * qi : 0;
    const double* __restrict z = Z + i * m;
    for (size_t j = 0; j < m; j++) {
      const double t = z[j];
      const double v = s.f(t), v1 = s.d1(t);
      if (withAB) {
        A[j] += v * v;
        B[j] += v1 * v1 * qi;
      }
      if (withC) C[j] += ci * s.d2(t);
    }
  }
}

// The C part of traceRows alone: C[j] += Σ r σ″ q, in traceRows's order.
template <class Act>
void traceC(const Act& s, const double* Z, size_t rows, size_t m, const double* r, const double* q, double* C) {
  traceRowsScalar<false, true>(s, Z, 0, rows, m, r, q, nullptr, nullptr, C);
}

// f[i] = Σ_j a[j] σ(Z[i,j]).
template <class Act>
void forwardRows(const Act& s, const double* __restrict Z, size_t rows, size_t m, const double* __restrict a,
                 double* __restrict f) {
  if constexpr (Act::vec)
    if (s.vecOK()) return vecRows<true, false>(s, Z, rows, m, a, f, nullptr, nullptr, nullptr);
  for (size_t i = 0; i < rows; i++) {
    const double* __restrict z = Z + i * m;
    double acc[LANES] = {};
    size_t j = 0;
    for (; j + LANES <= m; j += LANES)
#pragma GCC unroll 8
      for (size_t l = 0; l < LANES; l++) acc[l] += a[j + l] * s.f(z[j + l]);
    for (size_t l = 0; j + l < m; l++) acc[l] += a[j + l] * s.f(z[j + l]);
    f[i] = laneSum(acc);
  }
}

// The column sums below (ga, A, B, C) take four rows at a time: one read-modify-write of the sum per
// four entries instead of one per entry, which is what bounds these passes.

// ga[j] += Σ_i r[i] σ(Z[i,j]); then Z[i,j] ← r[i] a[j] σ′(Z[i,j]).
template <class Act>
void gradPass(const Act& s, double* __restrict Z, size_t rows, size_t m, const double* __restrict a,
              const double* __restrict r, double* __restrict ga) {
  size_t i = 0;
  for (; i + 4 <= rows; i += 4) {
    double* __restrict z0 = Z + i * m;
    double* __restrict z1 = z0 + m;
    double* __restrict z2 = z1 + m;
    double* __restrict z3 = z2 + m;
    const double r0 = r[i], r1 = r[i + 1], r2 = r[i + 2], r3 = r[i + 3];
    for (size_t j = 0; j < m; j++) {
      const double t0 = z0[j], t1 = z1[j], t2 = z2[j], t3 = z3[j];
      ga[j] += (r0 * s.f(t0) + r1 * s.f(t1)) + (r2 * s.f(t2) + r3 * s.f(t3));
      const double aj = a[j];
      z0[j] = r0 * aj * s.d1(t0);
      z1[j] = r1 * aj * s.d1(t1);
      z2[j] = r2 * aj * s.d1(t2);
      z3[j] = r3 * aj * s.d1(t3);
    }
  }
  for (; i < rows; i++) {
    const double ri = r[i];
    double* __restrict z = Z + i * m;
    for (size_t j = 0; j < m; j++) {
      const double t = z[j];
      ga[j] += ri * s.f(t);
      z[j] = ri * a[j] * s.d1(t);
    }
  }
}

// One entry's share of the trace parts: A_j += σ², B_j += σ′² q (penaltyPass).
inline void addParts(double* A, double* B, size_t j, double v, double v1, double qi) {
  A[j] += v * v;
  B[j] += v1 * v1 * qi;
}

// traceSums for rows i0 … i1−1, with C when withC.
template <bool withC, class Act>
void traceRows(const Act& s, const double* __restrict Z, size_t i0, size_t i1, size_t m, const double* r,
               const double* q, double* __restrict A, double* __restrict B, double* __restrict C) {
  if constexpr (Act::vec)
    if (s.vecOK()) {
      vecRows<false, true>(s, Z + i0 * m, i1 - i0, m, nullptr, nullptr, q + i0, A, B);
      if (withC && !Act::zeroD2) traceC(s, Z + i0 * m, i1 - i0, m, r + i0, q + i0, C);
      return;
    }
  traceRowsScalar<true, withC>(s, Z, i0, i1, m, r, q, A, B, C);
}

// A[j] += Σ σ², B[j] += Σ σ′² q, C[j] += Σ r σ″ q (C untouched when r is null).
template <class Act>
void traceSums(const Act& s, const double* Z, size_t rows, size_t m, const double* r, const double* q,
               double* A, double* B, double* C) {
  if (r) traceRows<true>(s, Z, 0, rows, m, r, q, A, B, C);
  else traceRows<false>(s, Z, 0, rows, m, r, q, A, B, C);
}

// u = Σ_j [va σ + a σ′ T] over one row.
template <class Act>
double hvpRowU(const Act& s, const double* __restrict z, const double* __restrict tt, size_t m,
               const double* __restrict a, const double* __restrict va) {
  double acc[LANES] = {};
  size_t j = 0;
  for (; j + LANES <= m; j += LANES)
#pragma GCC unroll 8
    for (size_t l = 0; l < LANES; l++) acc[l] += va[j + l] * s.f(z[j + l]) + a[j + l] * s.d1(z[j + l]) * tt[j + l];
  for (size_t l = 0; j + l < m; l++) acc[l] += va[j + l] * s.f(z[j + l]) + a[j + l] * s.d1(z[j + l]) * tt[j + l];
  return laneSum(acc);
}

// One entry of the HVP pass: its share of ha, and T's new value.
template <class Act>
inline double hvpEntry(const Act& s, double t, double* __restrict x, double ui, double ri, double aj, double vaj) {
  const double v = s.f(t), v1 = s.d1(t), x0 = *x;
  *x = ui * aj * v1 + ri * (vaj * v1 + aj * s.d2(t) * x0);
  return ui * v + ri * v1 * x0;
}

// u[i] = Σ_j [va σ + a σ′ T];  ha[j] += Σ_i [u σ + r σ′ T];  T ← u a σ′ + r (va σ′ + a σ″ T).
template <class Act>
void hvpPass(const Act& s, const double* __restrict Z, double* __restrict T, size_t rows, size_t m,
             const double* __restrict a, const double* __restrict va, const double* __restrict r,
             double* __restrict u, double* __restrict ha) {
  size_t i = 0;
  for (; i + 4 <= rows; i += 4) {
    const double* __restrict z0 = Z + i * m;
    const double* __restrict z1 = z0 + m;
    const double* __restrict z2 = z1 + m;
    const double* __restrict z3 = z2 + m;
    double* __restrict t0 = T + i * m;
    double* __restrict t1 = t0 + m;
    double* __restrict t2 = t1 + m;
    double* __restrict t3 = t2 + m;
    const double u0 = u[i] = hvpRowU(s, z0, t0, m, a, va), u1 = u[i + 1] = hvpRowU(s, z1, t1, m, a, va),
                 u2 = u[i + 2] = hvpRowU(s, z2, t2, m, a, va), u3 = u[i + 3] = hvpRowU(s, z3, t3, m, a, va);
    const double r0 = r[i], r1 = r[i + 1], r2 = r[i + 2], r3 = r[i + 3];
    for (size_t j = 0; j < m; j++) {
      const double aj = a[j], vaj = va[j];
      const double h0 = hvpEntry(s, z0[j], t0 + j, u0, r0, aj, vaj), h1 = hvpEntry(s, z1[j], t1 + j, u1, r1, aj, vaj),
                   h2 = hvpEntry(s, z2[j], t2 + j, u2, r2, aj, vaj), h3 = hvpEntry(s, z3[j], t3 + j, u3, r3, aj, vaj);
      ha[j] += (h0 + h1) + (h2 + h3);
    }
  }
  for (; i < rows; i++) {
    const double* __restrict z = Z + i * m;
    double* __restrict tt = T + i * m;
    const double ui = u[i] = hvpRowU(s, z, tt, m, a, va);
    const double ri = r[i];
    for (size_t j = 0; j < m; j++) ha[j] += hvpEntry(s, z[j], tt + j, ui, ri, a[j], va[j]);
  }
}

// A[j] += Σ σ², B[j] += Σ σ′² q, and with r: ga[j] += Σ r σ; then
// Z[i,j] ← [r a σ′] + wA σ σ′ + wB σ′ σ″ q (one pass for a flatness-penalized gradient step).
template <class Act>
void penaltyPass(const Act& s, double* Z, size_t rows, size_t m, const double* a, const double* r, const double* q,
                 const double* wA, const double* wB, double* ga, double* A, double* B) {
  for (size_t i = 0; i < rows; i++) {
    const double qi = q[i];
    double* z = Z + i * m;
    if (r) {
      const double ri = r[i];
      for (size_t j = 0; j < m; j++) {
        const double t = z[j];
        const double v = s.f(t), v1 = s.d1(t);
        addParts(A, B, j, v, v1, qi);
        ga[j] += ri * v;
        z[j] = ri * a[j] * v1 + (wA[j] * v * v1 + wB[j] * v1 * s.d2(t) * qi);
      }
    } else {
      for (size_t j = 0; j < m; j++) {
        const double t = z[j];
        const double v = s.f(t), v1 = s.d1(t);
        addParts(A, B, j, v, v1, qi);
        z[j] = wA[j] * v * v1 + wB[j] * v1 * s.d2(t) * qi;
      }
    }
  }
}

template <class Act>
void activate(const Act& s, const double* Z, size_t len, int order, double* out) {
  if (order == 0) for (size_t i = 0; i < len; i++) out[i] = s.f(Z[i]);
  else if (order == 1) for (size_t i = 0; i < len; i++) out[i] = s.d1(Z[i]);
  else for (size_t i = 0; i < len; i++) out[i] = s.d2(Z[i]);
}

// Calls fn(activation object) for the activation with this code (ACTIVATION_CODES in
// src/model/activations.ts); returns false for an unknown code.
template <class Fn>
bool dispatch(int code, double param, Fn&& fn) {
  switch (code) {
    case 0: fn(Relu(param)); return true;
    case 1: fn(LeakyRelu(param)); return true;
    case 2: fn(Abs(param)); return true;
    case 3: fn(ReluPow(param)); return true;
    case 4: fn(AbsPow(param)); return true;
    case 5: fn(Square(param)); return true;
    case 6: fn(Tanh(param)); return true;
    case 7: fn(Softplus(param)); return true;
    default: return false;
  }
}

}  // namespace flatlab
