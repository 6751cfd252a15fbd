package dev.flowvi.cli.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the report files say about one fit: the settings it ran with (in the order given),
 * the training run, the evidence diagnostics (null when they were not computed), the
 * per-parameter summaries and the provenance.
 */
public record FitReport(
    String title, Map<String, String> settings, TrainingSummary training, Evidence evidence,
    List<ParameterSummary> summaries, Provenance provenance) {

  public FitReport {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    summaries = List.copyOf(summaries);
  }
}
