package org.mednext.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mednext.task.Progress;

class TrainingLoopTest {

  @Test
  void divergenceMessageSaysWhereItHappenedAndWhatToChange() {
    String m = TrainingLoop.diverged(2, 7, Double.NaN, Double.POSITIVE_INFINITY, 0.01);
    assertTrue(m.contains("epoch 3, iteration 8") && m.contains("loss NaN") && m.contains("gradient norm Infinity"), m);
    assertTrue(m.contains("--lr, now 0.0100") && m.contains("--warmup") && m.contains("not updated"), m);
  }

  private static Progress recording(List<String> messages) {
    return new Progress() {
      @Override
      public void start(String stage, long total) {}

      @Override
      public void update(long done) {}

      @Override
      public void message(String text) {
        messages.add(text);
      }

      @Override
      public boolean isCancelled() {
        return false;
      }
    };
  }

  /** Seen on a GPU machine: the JRE's font library needed a libharfbuzz that was not there, and the training died. */
  @Test
  void aJavaThatCannotDrawTextSkipsTheProgressPictureWithAMessageInsteadOfEndingTheTraining() throws IOException {
    List<String> messages = new ArrayList<>();
    boolean drawn = TrainingLoop.drawProgress(() -> {
      throw new UnsatisfiedLinkError("libfontmanager.so: libharfbuzz.so.0: cannot open shared object file");
    }, recording(messages));
    assertFalse(drawn);
    assertEquals(1, messages.size());
    assertTrue(messages.get(0).startsWith("progress.png is not drawn (java.lang.UnsatisfiedLinkError: ")
        && messages.get(0).contains("libharfbuzz.so.0") && messages.get(0).contains("the training goes on"), messages.get(0));
    assertTrue(TrainingLoop.drawProgress(() -> {}, recording(messages)));
    assertEquals(1, messages.size(), "a drawn picture says nothing");
  }

  @Test
  void aFailureToWriteTheProgressPictureStillStopsTheTraining() {
    assertThrows(IOException.class, () -> TrainingLoop.drawProgress(() -> {
      throw new IOException("disk full");
    }, recording(new ArrayList<>())));
  }
}
