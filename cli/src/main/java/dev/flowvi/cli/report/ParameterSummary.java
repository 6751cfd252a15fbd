package dev.flowvi.cli.report;

import dev.flowvi.engine.diagnostics.PosteriorSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of {@code summary.csv}: the posterior mean, standard deviation and the 5%, 50% and 95%
 * quantiles of one named parameter.
 */
public record ParameterSummary(String parameter, double mean, double sd, double q05, double q50, double q95) {
  /** The quantile levels a row reports. */
  public static final double[] LEVELS = {0.05, 0.5, 0.95};

  /** The row of an engine summary computed at (at least) the {@link #LEVELS}. */
  public static ParameterSummary of(PosteriorSummary s) {
    return new ParameterSummary(s.name(), s.mean(), s.sd(), s.quantile(0.05), s.quantile(0.5), s.quantile(0.95));
  }

  public static List<ParameterSummary> of(List<PosteriorSummary> summaries) {
    List<ParameterSummary> rows = new ArrayList<>(summaries.size());
    for (PosteriorSummary s : summaries) {
      rows.add(of(s));
    }
    return rows;
  }

  /** Rows for equally weighted draws. */
  public static List<ParameterSummary> of(Draws draws) {
    return of(PosteriorSummary.ofBatch(draws.names().toArray(new String[0]), draws.values(), draws.dim(), draws.count(), null, LEVELS));
  }
}
