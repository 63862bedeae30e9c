package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;

/**
 * Macros must run the same in Fiji (SciJava commands, keys = field names) and plain ImageJ 1.x (plugins.config
 * entries, keys = dialog labels): same command names, same keys, same order.
 */
class MacroKeysTest {

  private static Context context;

  @BeforeAll
  static void start() {
    context = new Context(CommandService.class);
  }

  @AfterAll
  static void stop() {
    context.dispose();
  }

  @Test
  void imageJ1EntriesReadTheSameKeysAsTheCommands() {
    assertEquals(keys(SegmentImageCommand.class), ImageJ1Commands.segmentImageForm().keys());
    assertEquals(keys(SegmentFilesCommand.class), ImageJ1Commands.segmentFilesForm().keys());
    assertEquals(keys(ModelInfoCommand.class), ImageJ1Commands.modelInfoForm().keys());
    assertEquals(keys(LabelStatisticsCommand.class), ImageJ1Commands.labelStatisticsForm().keys());
    assertEquals(keys(ShowPreviewCommand.class), ImageJ1Commands.showPreviewForm().keys());
  }

  @Test
  void pluginsConfigRegistersEveryCommandUnderItsMenuName() throws Exception {
    Map<String, String> entries = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("plugins.config"))) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] parts = line.split(",", 3);
      entries.put(parts[0].trim() + ">" + parts[1].trim().replace("\"", ""), parts[2].trim());
    }
    Map<String, String> expected = new TreeMap<>();
    String entry = ImageJ1Commands.class.getName();
    expected.put(MenuPaths.SEGMENT_IMAGE, entry + "(\"segment\")");
    expected.put(MenuPaths.SEGMENT_FILES, entry + "(\"files\")");
    expected.put(MenuPaths.MODEL_INFO, entry + "(\"info\")");
    expected.put(MenuPaths.LABEL_STATISTICS, entry + "(\"statistics\")");
    expected.put(MenuPaths.SHOW_PREVIEW, entry + "(\"preview\")");
    assertEquals(expected, entries);
    for (Class<? extends Command> c : List.of(SegmentImageCommand.class, SegmentFilesCommand.class,
        ModelInfoCommand.class, LabelStatisticsCommand.class, ShowPreviewCommand.class)) {
      CommandInfo info = context.service(CommandService.class).getCommand(c);
      String path = info.getMenuPath().getMenuString().replace(" > ", ">");
      assertEquals(true, expected.containsKey(path), path + " has an ImageJ 1.x entry");
    }
  }

  /** The macro keys of a command: its inputs except services and the active image. */
  private static List<String> keys(Class<? extends Command> command) {
    CommandInfo info = context.service(CommandService.class).getCommand(command);
    List<String> out = new ArrayList<>();
    for (ModuleItem<?> item : info.inputs()) {
      Class<?> type = item.getType();
      if (Service.class.isAssignableFrom(type) || type == Context.class || type == ImagePlus.class) continue;
      out.add(item.getName());
    }
    return out;
  }
}
