package dev.flowvi.engine.model;

/** The scalar reference for the transcendental row loops: java.lang.Math, one row at a time. */
final class ScalarRowKernels extends RowKernels {

  @Override
  void exp(double[] a, int ao, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = Math.exp(a[ao + i]);
    }
  }

  @Override
  void log(double[] a, int ao, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = Math.log(a[ao + i]);
    }
  }

  @Override
  void log1p(double[] a, int ao, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = Math.log1p(a[ao + i]);
    }
  }

  @Override
  void expm1(double[] a, int ao, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = Math.expm1(a[ao + i]);
    }
  }

  @Override
  void logistic(double[] a, int ao, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = Op.logistic(a[ao + i]);
    }
  }

  @Override
  void log1pExp(double[] a, int ao, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = Op.log1pExp(a[ao + i]);
    }
  }

  @Override
  void log1pExpBackward(double[] a, int ao, double[] g, double[] adj, int len) {
    for (int i = 0; i < len; i++) {
      adj[i] += g[i] * Op.logistic(a[ao + i]);
    }
  }

  @Override
  void logSumExp(double[][] a, int[] ao, int k, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = logSumExpAt(a, ao, k, i);
    }
  }

  /** log Σ_c exp(a_c[ao_c + i]) at one row, shifted by the maximum. */
  static double logSumExpAt(double[][] a, int[] ao, int k, int i) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      max = Math.max(max, a[c][ao[c] + i]);
    }
    if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
      return max;
    }
    double s = 0;
    for (int c = 0; c < k; c++) {
      s += Math.exp(a[c][ao[c] + i] - max);
    }
    return max + Math.log(s);
  }

  @Override
  void logSumExpBackward(double[][] a, int[] ao, int k, double[] out, double[] g, double[][] adj, int len) {
    for (int c = 0; c < k; c++) {
      double[] t = adj[c];
      if (t == null) {
        continue;
      }
      double[] ac = a[c];
      int o = ao[c];
      for (int i = 0; i < len; i++) {
        t[i] += g[i] * Math.exp(ac[o + i] - out[i]);
      }
    }
  }
}
