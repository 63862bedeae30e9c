package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mednext.task.CancelledException;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.task.TaskService;

class TaskProgressTest {

  private static Context context;

  @BeforeAll
  static void start() {
    context = new Context(TaskService.class, StatusService.class);
  }

  @AfterAll
  static void stop() {
    context.dispose();
  }

  @Test
  void reportsStagesAndStepsToTheTask() {
    try (TaskProgress p = progress()) {
      p.start("predicting 8 tiles", 8);
      p.update(3);
      assertEquals(8, p.task().getProgressMaximum());
      assertEquals(3, p.task().getProgressValue());
      assertEquals("predicting 8 tiles", p.task().getStatusMessage());
      p.message("exporting");
      assertEquals("exporting", p.task().getStatusMessage());
    }
  }

  @Test
  void cancellingTheTaskCancelsTheWork() {
    try (TaskProgress p = progress()) {
      assertFalse(p.isCancelled());
      p.task().cancel("the user pressed cancel in the task monitor");
      assertTrue(p.isCancelled());
      CancelledException e = assertThrows(CancelledException.class, p::checkCancelled);
      assertEquals("cancelled by the user", e.getMessage());
    }
  }

  @Test
  void anInterruptedWorkerCountsAsCancelled() {
    try (TaskProgress p = progress()) {
      Thread.currentThread().interrupt();
      assertTrue(p.isCancelled());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void closingFinishesTheTask() {
    TaskProgress p = progress();
    p.close();
    assertTrue(p.task().isDone());
  }

  @Test
  void bothReportsToEachAndCancelsWithEither() {
    try (TaskProgress a = progress(); TaskProgress b = progress()) {
      var both = ImageJProgress.both(a, b);
      both.start("s", 4);
      both.update(2);
      assertEquals(2, a.task().getProgressValue());
      assertEquals(2, b.task().getProgressValue());
      b.task().cancel("stop");
      assertTrue(both.isCancelled());
    }
  }

  private static TaskProgress progress() {
    return new TaskProgress(context.service(TaskService.class), context.service(StatusService.class), "test");
  }
}
