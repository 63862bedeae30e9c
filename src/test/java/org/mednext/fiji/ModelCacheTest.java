package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {

  /** A stand-in model that records whether it was closed. */
  static final class FakeModel implements AutoCloseable {
    final String key;
    boolean closed;
    boolean broken;

    FakeModel(String key) {
      this.key = key;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @TempDir Path tmp;
  private final List<FakeModel> loaded = new ArrayList<>();
  private ModelCache<String, FakeModel> cache;
  private Path model;

  @BeforeEach
  void setUp() throws Exception {
    cache = new ModelCache<>((folder, key) -> {
      FakeModel m = new FakeModel(key);
      loaded.add(m);
      return m;
    }, m -> !m.broken);
    model = Files.createDirectories(tmp.resolve("model"));
    Files.createDirectories(model.resolve("fold_0"));
    Files.writeString(model.resolve("fold_0/checkpoint_final.pth"), "weights");
  }

  @Test
  void reusesTheModelForTheSameFolderAndOptions() throws Exception {
    try (var a = cache.acquire(model, "step 0.5")) {
      try (var b = cache.acquire(model.resolve("fold_0/.."), "step 0.5")) {
        assertSame(a.model(), b.model());
      }
    }
    assertEquals(1, loaded.size());
    assertFalse(loaded.get(0).closed, "kept open for the next run");
  }

  @Test
  void otherOptionsCloseThePreviousModelOnceItsUsersAreDone() throws Exception {
    var first = cache.acquire(model, "step 0.5");
    try (var second = cache.acquire(model, "step 1")) {
      assertNotSame(first.model(), second.model());
      assertFalse(loaded.get(0).closed, "still in use by the first lease");
      first.close();
      assertTrue(loaded.get(0).closed);
      assertFalse(second.model().closed);
    }
  }

  @Test
  void reloadsWhenACheckpointChangesOnDisk() throws Exception {
    try (var a = cache.acquire(model, "k")) {
      a.model();
    }
    Path ckpt = model.resolve("fold_0/checkpoint_final.pth");
    Files.setLastModifiedTime(ckpt, FileTime.fromMillis(Files.getLastModifiedTime(ckpt).toMillis() + 60_000));
    try (var b = cache.acquire(model, "k")) {
      assertSame(loaded.get(1), b.model());
    }
    assertTrue(loaded.get(0).closed);
  }

  @Test
  void loadsAgainWhenTheCachedModelBecameUnusable() throws Exception {
    try (var a = cache.acquire(model, "k")) {
      a.model().broken = true; // e.g. its networks could not be built: the engine failed
    }
    try (var b = cache.acquire(model, "k")) {
      assertSame(loaded.get(1), b.model());
    }
    assertTrue(loaded.get(0).closed);
  }

  @Test
  void clearClosesAnIdleModel() throws Exception {
    cache.acquire(model, "k").close();
    cache.clear();
    assertTrue(loaded.get(0).closed);
  }

  @Test
  void closingALeaseTwiceReleasesItOnce() throws Exception {
    var a = cache.acquire(model, "k");
    var b = cache.acquire(model, "k");
    a.close();
    a.close();
    cache.clear();
    assertFalse(loaded.get(0).closed, "b still uses it");
    b.close();
    assertTrue(loaded.get(0).closed);
  }
}
