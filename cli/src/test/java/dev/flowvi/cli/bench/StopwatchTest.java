package dev.flowvi.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StopwatchTest {

  @Test
  void timesAtLeastTheRequestedCallsAfterTheWarmUp() {
    AtomicInteger runs = new AtomicInteger();
    Stopwatch.Timing t = Stopwatch.time(runs::incrementAndGet, 0, 0, 25);
    assertEquals(25, t.calls());
    assertEquals(26, runs.get(), "one warm-up call, then the timed ones");
    assertTrue(t.minNanos() <= t.medianNanos() && t.minNanos() >= 0, t.toString());
  }
}
