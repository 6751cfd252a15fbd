package dev.flowvi.cli.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.distribution.Cauchy;
import dev.flowvi.engine.distribution.Laplace;
import dev.flowvi.engine.distribution.Logistic;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.StudentT;
import dev.flowvi.engine.flow.BaseSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaseChoiceTest {

  @Test
  void namesParseToTheirBasesAndBack() {
    assertEquals(StandardNormal.class, BaseChoice.parse("normal").build(2).getClass());
    assertEquals(StudentT.class, BaseChoice.parse("Student-T:5").build(2).getClass());
    assertEquals(5.0, ((StudentT) BaseChoice.parse("student-t:5").build(2)).df());
    assertEquals(Laplace.class, BaseChoice.parse("laplace").build(2).getClass());
    assertEquals(Logistic.class, BaseChoice.parse(" logistic ").build(2).getClass());
    assertEquals(Cauchy.class, BaseChoice.parse("cauchy").build(2).getClass());
    for (String name : List.of("normal", "student-t:5", "student-t:2.5", "laplace", "logistic", "cauchy")) {
      assertEquals(name, BaseChoice.parse(name).toString());
      assertEquals(BaseChoice.parse(name), BaseChoice.parse(BaseChoice.parse(name).toString()));
    }
    assertEquals(BaseSpec.studentT(3, 2.5, 0.0, 1.0), BaseChoice.parse("student-t:2.5").spec(3));
    assertEquals(BaseChoice.NORMAL, BaseChoice.parse("normal"));
  }

  @Test
  void badNamesSayWhatIsExpected() {
    assertMessage("weibull", "base is 'weibull', expected normal, student-t:DF (DF > 0), laplace, logistic or cauchy");
    assertMessage("gumbel", "base is 'gumbel'");
    assertMessage("student-t", "expected student-t:DF with the degrees of freedom");
    assertMessage("student-t:five", "expected student-t:DF with a number DF > 0");
    assertMessage("student-t:0", "expected degrees of freedom DF > 0");
    assertMessage("student-t:NaN", "expected student-t:DF with a number DF > 0");
    assertMessage("student-t:1e400", "expected degrees of freedom DF > 0");
  }

  private static void assertMessage(String name, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BaseChoice.parse(name));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
