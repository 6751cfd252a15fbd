package dev.flowvi.codegen.flow;

/**
 * The error a compiled flow raises where the interpreted ElementwiseMap's inverse does: a value
 * beyond the closure of the map's image, or NaN (on the edge the inverse gives ±∞, which training
 * drops as non-finite).
 */
public final class MapDomain {
  private MapDomain() {}

  public static IllegalArgumentException outside(String map, int coordinate, int point, double value, String image) {
    return new IllegalArgumentException("y (coordinate " + coordinate + " of point " + point + ") is " + value
        + ", expected a value in " + image + ", the image of " + map);
  }
}
