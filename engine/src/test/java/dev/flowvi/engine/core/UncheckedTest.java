package dev.flowvi.engine.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class UncheckedTest {
  @Test
  void aRuntimeExceptionComesBackAsItself() {
    IllegalArgumentException e = new IllegalArgumentException("bad");
    assertSame(e, Unchecked.of(e, "x"));
  }

  @Test
  void anErrorIsThrownAsItself() {
    AssertionError error = new AssertionError("boom");
    assertSame(error, assertThrows(AssertionError.class, () -> Unchecked.of(error, "x")));
  }

  @Test
  void aCheckedExceptionIsWrappedWithWhatFailed() {
    IOException io = new IOException("disk");
    RuntimeException wrapped = Unchecked.of(io, "writing the plot failed");
    assertInstanceOf(IllegalStateException.class, wrapped);
    assertSame(io, wrapped.getCause());
    assertEquals("writing the plot failed: java.io.IOException: disk", wrapped.getMessage());
  }
}
