package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mednext.volume.Geometry;

/**
 * {@link ItkNiftiGeometry} against what ITK's own NIfTI reader made of the same files
 * ({@code tools/fixtures/make_itk_nifti_fixtures.py}: nibabel writes them, itk::NiftiImageIO of ITK 5.4.3, the ITK
 * of SimpleITK 2.5, reads them through itk-wasm): which of sform and qform it takes, where it refuses, and the unit it
 * applies.
 */
class ItkNiftiGeometryTest {

  @Test
  void placesEachFileWhereItkDoes() throws IOException, URISyntaxException {
    Path dir = Path.of(ItkNiftiGeometryTest.class.getResource("itk/itk_geometry.txt").toURI()).getParent();
    List<String> lines = Files.readAllLines(dir.resolve("itk_geometry.txt")).stream()
        .filter(l -> !l.startsWith("#")).toList();
    assertEquals(13, lines.size());
    for (String line : lines) {
      String[] f = line.split(" ");
      String name = f[0];
      Optional<Geometry> ours = ItkNiftiGeometry.of(NiftiReader.readHeader(dir.resolve(name)));
      if (f[1].equals("refused")) {
        assertTrue(ours.isEmpty(), name + ": ITK refuses it");
        continue;
      }
      assertTrue(ours.isPresent(), name);
      double[] s = ours.get().spacing();
      double[] a = ours.get().affine();
      double[] sign = {-1, -1, 1};
      double[] spacing = {parse(f, 2), parse(f, 3), parse(f, 4)};
      double[] origin = {parse(f, 6), parse(f, 7), parse(f, 8)};
      for (int d = 0; d < 3; d++) {
        assertEquals(spacing[d], s[d], 1e-9 * spacing[d], name + " spacing " + d);
        assertEquals(origin[d], sign[d] * a[4 * d + 3], 1e-5 * Math.max(1, Math.abs(origin[d])), name + " origin " + d);
      }
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(parse(f, 10 + 3 * i + j), sign[i] * a[4 * i + j] / s[j], 1e-6, name + " direction " + i + "," + j);
        }
      }
    }
  }

  /** nifti1_io reads a transform code of 0 or below as unknown; a transform with NaN in it places nothing. */
  @Test
  void negativeCodesAreUnknownAndANonFiniteTransformGivesNoPlacement() {
    NiftiHeader h = new NiftiHeader();
    h.version = 1;
    h.pixdim = new double[] {1, 2, 3, 4, 1, 1, 1, 1};
    h.srow = new double[] {2, 0, 0, 10, 0, 3, 0, 20, 0, 0, 4, 30};
    h.quaternD = 1; // 180 degrees about z
    h.qoffset = new double[] {5, 6, 7};
    for (int[] codes : new int[][] {{-1, 0}, {0, -1}, {-2, -3}}) {
      h.qformCode = codes[0];
      h.sformCode = codes[1];
      double[] a = ItkNiftiGeometry.of(h).orElseThrow().affine();
      assertEquals(List.of(-2.0, -3.0, 4.0, 0.0, 0.0, 0.0), List.of(a[0], a[5], a[10], a[3], a[7], a[11]),
          "codes " + codes[0] + ", " + codes[1] + ": as with neither code, the identity at the origin");
    }
    h.qformCode = 1;
    h.sformCode = 2;
    assertEquals(5.0, ItkNiftiGeometry.of(h).orElseThrow().affine()[3], 1e-12, "the qform, as ITK takes it here");
    h.qoffset = new double[] {Double.NaN, 6, 7};
    assertTrue(ItkNiftiGeometry.of(h).isEmpty());
  }

  private static double parse(String[] f, int i) {
    return Double.parseDouble(f[i]);
  }
}
