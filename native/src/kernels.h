// Fused passes over a row block of Z = X Wᵀ (rows × m, row-major), templated on the activation so
// that each activation's σ, σ′, σ″ inline into the loops. Semantics are exactly those documented in
// src/linalg/backend.ts and implemented by src/linalg/js-backend.ts (the reference); only the order
// of the row reductions differs (four partial sums, so the adds pipeline instead of waiting on each
// other), which changes results by a few ulps of the sum of absolute values.
#pragma once

#include <cmath>
#include <cstddef>

namespace flatlab {

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

struct Relu {
  explicit Relu(double) {}
  double f(double t) const { return t > 0 ? t : 0; }
  double d1(double t) const { return t > 0 ? 1 : 0; }
  double d2(double) const { return 0; }
};

struct LeakyRelu {
  double alpha;
  explicit LeakyRelu(double a) : alpha(a) {}
  double f(double t) const { return t > 0 ? t : alpha * t; }
  double d1(double t) const { return t > 0 ? 1 : alpha; }
  double d2(double) const { return 0; }
};

struct Abs {
  explicit Abs(double) {}
  double f(double t) const { return std::fabs(t); }
  double d1(double t) const { return t > 0 ? 1 : t < 0 ? -1 : 0; }
  double d2(double) const { return 0; }
};

// relu_pow: derivatives are exactly 0 for t <= 0 (a naive max(t,0)^0 would give 1).
struct ReluPow {
  double p;
  explicit ReluPow(double p_) : p(p_) {}
  double f(double t) const { return t > 0 ? powPos(t, p) : 0; }
  double d1(double t) const { return t > 0 ? p * powPos(t, p - 1) : 0; }
  double d2(double t) const { return t > 0 ? p * (p - 1) * powPos(t, p - 2) : 0; }
};

// abs_pow: σ″ is taken as 0 at t = 0 (2 when p = 2), as in the JS definition.
struct AbsPow {
  double p;
  explicit AbsPow(double p_) : p(p_) {}
  double f(double t) const { return t == 0 ? 0 : powPos(std::fabs(t), p); }
  double d1(double t) const { return t == 0 ? 0 : p * powPos(std::fabs(t), p - 1) * signOf(t); }
  double d2(double t) const { return t == 0 ? (p == 2 ? 2 : 0) : p * (p - 1) * powPos(std::fabs(t), p - 2); }
};

struct Square {
  explicit Square(double) {}
  double f(double t) const { return t * t; }
  double d1(double t) const { return 2 * t; }
  double d2(double) const { return 2; }
};

struct Tanh {
  explicit Tanh(double) {}
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
  explicit Softplus(double) {}
  double f(double t) const { return t > 30 ? t : std::log1p(std::exp(t)); }
  double d1(double t) const { return 1 / (1 + std::exp(-t)); }
  double d2(double t) const {
    const double s1 = 1 / (1 + std::exp(-t));
    return s1 * (1 - s1);
  }
};

// f[i] = Σ_j a[j] σ(Z[i,j]).
template <class Act>
void forwardRows(const Act& s, const double* Z, size_t rows, size_t m, const double* a, double* f) {
  for (size_t i = 0; i < rows; i++) {
    const double* z = Z + i * m;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t j = 0;
    for (; j + 4 <= m; j += 4) {
      s0 += a[j] * s.f(z[j]);
      s1 += a[j + 1] * s.f(z[j + 1]);
      s2 += a[j + 2] * s.f(z[j + 2]);
      s3 += a[j + 3] * s.f(z[j + 3]);
    }
    for (; j < m; j++) s0 += a[j] * s.f(z[j]);
    f[i] = (s0 + s1) + (s2 + s3);
  }
}

// ga[j] += Σ_i r[i] σ(Z[i,j]); then Z[i,j] ← r[i] a[j] σ′(Z[i,j]).
template <class Act>
void gradPass(const Act& s, double* Z, size_t rows, size_t m, const double* a, const double* r, double* ga) {
  for (size_t i = 0; i < rows; i++) {
    const double ri = r[i];
    double* z = Z + i * m;
    for (size_t j = 0; j < m; j++) {
      const double t = z[j];
      ga[j] += ri * s.f(t);
      z[j] = ri * a[j] * s.d1(t);
    }
  }
}

// One entry's share of the trace parts: A_j += σ², B_j += σ′² q (traceSums and penaltyPass).
inline void addParts(double* A, double* B, size_t j, double v, double v1, double qi) {
  A[j] += v * v;
  B[j] += v1 * v1 * qi;
}

// A[j] += Σ σ², B[j] += Σ σ′² q, C[j] += Σ r σ″ q (C untouched when r is null).
template <class Act>
void traceSums(const Act& s, const double* Z, size_t rows, size_t m, const double* r, const double* q,
               double* A, double* B, double* C) {
  for (size_t i = 0; i < rows; i++) {
    const double qi = q[i];
    const double* z = Z + i * m;
    if (r) {
      const double rq = r[i] * qi;
      for (size_t j = 0; j < m; j++) {
        const double t = z[j];
        const double v = s.f(t), v1 = s.d1(t);
        addParts(A, B, j, v, v1, qi);
        C[j] += rq * s.d2(t);
      }
    } else {
      for (size_t j = 0; j < m; j++) {
        const double t = z[j];
        const double v = s.f(t), v1 = s.d1(t);
        addParts(A, B, j, v, v1, qi);
      }
    }
  }
}

// u[i] = Σ_j [va σ + a σ′ T];  ha[j] += Σ_i [u σ + r σ′ T];  T ← u a σ′ + r (va σ′ + a σ″ T).
template <class Act>
void hvpPass(const Act& s, const double* Z, double* T, size_t rows, size_t m, const double* a,
             const double* va, const double* r, double* u, double* ha) {
  for (size_t i = 0; i < rows; i++) {
    const double* z = Z + i * m;
    double* tt = T + i * m;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t j = 0;
    for (; j + 4 <= m; j += 4) {
      s0 += va[j] * s.f(z[j]) + a[j] * s.d1(z[j]) * tt[j];
      s1 += va[j + 1] * s.f(z[j + 1]) + a[j + 1] * s.d1(z[j + 1]) * tt[j + 1];
      s2 += va[j + 2] * s.f(z[j + 2]) + a[j + 2] * s.d1(z[j + 2]) * tt[j + 2];
      s3 += va[j + 3] * s.f(z[j + 3]) + a[j + 3] * s.d1(z[j + 3]) * tt[j + 3];
    }
    for (; j < m; j++) s0 += va[j] * s.f(z[j]) + a[j] * s.d1(z[j]) * tt[j];
    const double ui = (s0 + s1) + (s2 + s3);
    u[i] = ui;
    const double ri = r[i];
    for (j = 0; j < m; j++) {
      const double t = z[j];
      const double v = s.f(t), v1 = s.d1(t), x = tt[j];
      ha[j] += ui * v + ri * v1 * x;
      tt[j] = ui * a[j] * v1 + ri * (va[j] * v1 + a[j] * s.d2(t) * x);
    }
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
