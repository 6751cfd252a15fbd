package dev.flowvi.engine.train;

/**
 * Running sums of one chunk of a loss: the summed per-unit loss, how many units (samples, groups
 * or data rows) were kept, and how many samples were dropped for a non-finite value. The mean loss
 * is {@code lossSum / kept}. Mutable and reused: one per chunk.
 */
public final class LossTotals {
  private double lossSum;
  private int kept;
  private int dropped;

  public void reset() {
    lossSum = 0.0;
    kept = 0;
    dropped = 0;
  }

  public void add(double loss, int keptUnits, int droppedSamples) {
    lossSum += loss;
    kept += keptUnits;
    dropped += droppedSamples;
  }

  public double lossSum() {
    return lossSum;
  }

  public int kept() {
    return kept;
  }

  public int dropped() {
    return dropped;
  }

  /** The mean loss over kept units; NaN when nothing was kept. */
  public double mean() {
    return kept == 0 ? Double.NaN : lossSum / kept;
  }
}
