package org.mednext.train.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Seeds}. */
class SeedsTest {

  @Test
  void childrenAreDeterministicAndDistinct() {
    assertEquals(Seeds.mix(7, 3), Seeds.mix(7, 3));
    assertEquals(Seeds.random(7, 3, 4).nextLong(), Seeds.random(Seeds.mix(Seeds.mix(7, 3), 4)).nextLong());
    Set<Long> seen = new HashSet<>();
    for (long s = 0; s < 100; s++) for (long i = 0; i < 100; i++) seen.add(Seeds.mix(s, i));
    assertEquals(10000, seen.size());
    assertNotEquals(Seeds.mix(1, 2), Seeds.mix(2, 1));
  }
}
