package dev.flowvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The bench command's wiring; its runs take a minute and measure time, so they belong to CI's
 * guard step and to users, not to unit tests (the table's code is QuickBench's, whose benchmark
 * states are each checked by their own tests in jmh-benchmarks).
 */
class BenchCommandTest {

  @Test
  void helpNamesTheModes() {
    CliRun r = CliRun.flowvi("bench", "--help");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("--quick") && r.out().contains("--guard"), r.out());
  }

  @Test
  void quickAndGuardTogetherIsOneLineBadInput() {
    CliRun r = CliRun.flowvi("bench", "--quick", "--guard");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--quick and --guard are separate runs"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void theBenchmarkListTravelsWithTheCommand() {
    // JMH finds benchmarks through this resource; without it on the class path, bench finds nothing.
    assertTrue(BenchCommand.class.getClassLoader().getResource("META-INF/BenchmarkList") != null);
  }
}
