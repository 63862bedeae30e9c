package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Resampling}: the three supported names, defaults of missing kwargs and the error paths. */
class ResamplingTest {

  private final TestResources.Warnings warnings = new TestResources.Warnings();

  @Test
  void missingKwargsTakeTheFunctionsDefaultsNotNull() throws ModelFormatException {
    // resample_data_or_seg_to_shape(..., is_seg=False, order=3, order_z=0, force_separate_z=False, threshold=3)
    assertEquals(new Resampling.Spline(false, 3, 0, Optional.of(false), 3.0), parse("resample_data_or_seg_to_shape", "{}"));
    assertEquals(new Resampling.Spline(true, 0, 1, Optional.empty(), 2.5), parse("resample_data_or_seg_to_shape",
        "{\"is_seg\": true, \"order\": 0, \"order_z\": 1, \"force_separate_z\": null, \"separate_z_anisotropy_threshold\": 2.5}"));
    assertEquals(Optional.of(true), ((Resampling.Spline) parse("resample_data_or_seg_to_shape",
        "{\"force_separate_z\": true}")).forceSeparateZ());
  }

  @Test
  void parsesNoResamplingAndWarnsAboutItsArguments() throws ModelFormatException {
    Resampling r = parse("no_resampling_hack", "{}");
    assertEquals(new Resampling.NoResampling(), r);
    assertTrue(r.isSupported());
    assertEquals(List.of(), warnings.messages);
    parse("no_resampling_hack", "{\"order\": 1}");
    assertEquals(List.of("plans.json: configurations.3d_fullres.resampling_fn_data_kwargs: ignored, no_resampling_hack"
        + " takes no arguments"), warnings.messages);
  }

  @Test
  void parsesTorchResamplingWithItsOwnDefaults() throws ModelFormatException {
    // nnUNetPlannerResEncL_torchres writes these three
    Resampling r = parse("resample_torch_fornnunet",
        "{\"is_seg\": false, \"force_separate_z\": false, \"memefficient_seg_resampling\": true}");
    assertEquals(new Resampling.Torch(false, Optional.of(false), 3.0, true, "linear", "nearest-exact"), r);
    assertTrue(r.isSupported());
    // missing force_separate_z is the function's default None (decide from the spacings), unlike the spline's False
    assertEquals(new Resampling.Torch(true, Optional.empty(), 2.5, false, "linear", "linear"),
        parse("resample_torch_fornnunet", "{\"is_seg\": true, \"separate_z_anisotropy_threshold\": 2.5,"
            + " \"aniso_axis_mode\": \"linear\", \"num_threads\": 8}"));
  }

  @Test
  void describesWhatShapesTheResult() throws ModelFormatException {
    assertEquals("resample_torch_fornnunet (torch linear, nearest-exact along a separate axis, no separate z)",
        parse("resample_torch_fornnunet", "{\"force_separate_z\": false}").describe());
    assertEquals("resample_data_or_seg_to_shape (spline order 3, order_z 0, separate z when spacing max/min > 2.5)",
        parse("resample_data_or_seg_to_shape", "{\"force_separate_z\": null, \"separate_z_anisotropy_threshold\": 2.5}")
            .describe());
    assertEquals("resample_data_or_seg_to_shape (spline order 1, order_z 1, separate z forced)",
        parse("resample_data_or_seg_to_shape", "{\"order\": 1, \"order_z\": 1, \"force_separate_z\": true}").describe());
    assertEquals("no_resampling_hack (the image's own grid)", parse("no_resampling_hack", "{}").describe());
  }

  @Test
  void torchModesOtherThanNnUNetsAreParsedButUnsupported() throws ModelFormatException {
    Resampling.Torch t = (Resampling.Torch) parse("resample_torch_fornnunet", "{\"mode\": \"bicubic\"}");
    assertFalse(t.isSupported());
    assertEquals("mode \"bicubic\" is not supported (supported: linear)", t.unsupported());
    t = (Resampling.Torch) parse("resample_torch_fornnunet", "{\"aniso_axis_mode\": \"area\"}");
    assertEquals("aniso_axis_mode \"area\" is not supported (supported: nearest-exact, linear, trilinear)",
        t.unsupported());
    // without separate z nnU-Net never passes either mode on
    t = (Resampling.Torch) parse("resample_torch_fornnunet", "{\"mode\": \"bicubic\", \"force_separate_z\": false}");
    assertTrue(t.isSupported());
    assertEquals("", t.unsupported());
    assertEquals("plans.json: configurations.3d_fullres.resampling_fn_data_kwargs.order: not an argument of"
        + " resample_torch_fornnunet (nnU-Net would fail too); expected one of is_seg, num_threads, device,"
        + " memefficient_seg_resampling, force_separate_z, separate_z_anisotropy_threshold, mode, aniso_axis_mode",
        error("resample_torch_fornnunet", "{\"order\": 1}"));
  }

  @Test
  void rejectsUnknownFunctionsAndArguments() {
    assertEquals("plans.json: configurations.3d_fullres.resampling_fn_data: unknown resampling function \"my_fn\"; known:"
        + " resample_data_or_seg_to_shape, no_resampling_hack, resample_torch_fornnunet", error("my_fn", "{}"));
    assertEquals("plans.json: configurations.3d_fullres.resampling_fn_data_kwargs.mode: not an argument of"
        + " resample_data_or_seg_to_shape (nnU-Net would fail too); expected one of is_seg, order, order_z,"
        + " force_separate_z, separate_z_anisotropy_threshold", error("resample_data_or_seg_to_shape", "{\"mode\": 1}"));
    assertEquals("plans.json: configurations.3d_fullres.resampling_fn_data_kwargs.order: spline order must be 0..5, got 7",
        error("resample_data_or_seg_to_shape", "{\"order\": 7}"));
    assertEquals("plans.json: configurations.3d_fullres.resampling_fn_data_kwargs.force_separate_z: expected true or"
        + " false, got \"auto\"", error("resample_data_or_seg_to_shape", "{\"force_separate_z\": \"auto\"}"));
    assertEquals("plans.json: configurations.3d_fullres.resampling_fn_data_kwargs.separate_z_anisotropy_threshold: must"
        + " be a finite number > 0, got 0.0", error("resample_data_or_seg_to_shape", "{\"separate_z_anisotropy_threshold\": 0}"));
    assertEquals("plans.json: configurations.3d_fullres.resampling_fn_data_kwargs: expected an object, got null",
        error("resample_data_or_seg_to_shape", "null"));
  }

  private Resampling parse(String fn, String kwargs) throws ModelFormatException {
    JsonObject o = TestResources.json("plans_base.json");
    ConfigurationTest.config(o).addProperty("resampling_fn_data", fn);
    ConfigurationTest.config(o).add("resampling_fn_data_kwargs", TestResources.parse(kwargs));
    return Plans.parse(o.toString(), "plans.json", warnings).configuration("3d_fullres").resamplingData();
  }

  private String error(String fn, String kwargs) {
    return assertThrows(ModelFormatException.class, () -> parse(fn, kwargs)).getMessage();
  }
}
