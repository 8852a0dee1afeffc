/* openblas-c peer of `npm run bench`: Z = X Wᵀ through cblas_dgemm (row-major), timed with the same
 * rule as bench/timing.ts. Compiled by bench/run.mjs into a temporary folder.
 * Usage: openblas_gemm n d m budget_ms  → prints "medianMs reps". */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

int main(int argc, char **argv) {
  if (argc < 5) return 2;
  int n = atoi(argv[1]), d = atoi(argv[2]), m = atoi(argv[3]);
  double budget = atof(argv[4]);
  double *X = malloc(sizeof(double) * n * d), *W = malloc(sizeof(double) * m * d), *Z = malloc(sizeof(double) * n * m);
  srand(1);
  for (long i = 0; i < (long)n * d; i++) X[i] = rand() / (double)RAND_MAX - 0.5;
  for (long i = 0; i < (long)m * d; i++) W[i] = rand() / (double)RAND_MAX - 0.5;
  double t = now_ms();
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, d, 1.0, X, d, W, d, 0.0, Z, m);
  double first = now_ms() - t; /* warm-up: never a sample (first-touch page faults, thread start-up) */
  int reps = (int)(budget / (first > 1e-3 ? first : 1e-3));
  if (reps > 15) reps = 15;
  if (reps < 1) reps = 1;
  double s[15];
  for (int r = 0; r < reps; r++) {
    t = now_ms();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, d, 1.0, X, d, W, d, 0.0, Z, m);
    s[r] = now_ms() - t;
  }
  qsort(s, reps, sizeof(double), cmp);
  printf("%f %d\n", reps % 2 ? s[reps / 2] : (s[reps / 2 - 1] + s[reps / 2]) / 2, reps);
  return 0;
}
