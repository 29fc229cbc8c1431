"""Where a point lies, computed here without the server: pure-Python ray
casting on the bundled boundary files (data/*.geojson) and distances in a
local metric plane.  Tests take their expected districts from this and from
the fixtures, never from the server's other routes.

The boundaries are in CRS84; a point is tested against every ring of a
district (holes included).  Distances use an equirectangular plane centred
on the point (error well under 1 % at the city's size), which is only ever
used to confirm a nearest district that the fixture states with a margin
of tens of metres or more.
"""
import json
import math
import os

from harness import DATA

LAYERS = {
    'ortsbezirk': ('kaiserslautern-ortsbezirke.geojson', 'ob-'),
    'stadtteil': ('kaiserslautern-stadtteile.geojson', 'st-'),
}

_cache = {}


def districts(layer):
    """[(id, name, [polygon, …])] of a layer, each polygon a list of rings
    of (lon, lat), as in the bundled file."""
    if layer not in _cache:
        name, prefix = LAYERS[layer]
        with open(os.path.join(DATA, name), encoding='utf-8') as f:
            fc = json.load(f)
        out = []
        for feat in fc['features']:
            geom = feat['geometry']
            polys = [geom['coordinates']] if geom['type'] == 'Polygon' else geom['coordinates']
            out.append((f'{prefix}{feat["properties"]["id"]}', feat['properties']['name'], polys))
        _cache[layer] = out
    return _cache[layer]


def _in_ring(lon, lat, ring):
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _in_polygon(lon, lat, rings):
    if not _in_ring(lon, lat, rings[0]):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in rings[1:])


def covering(layer, lon, lat):
    """The ids of the layer's districts that contain the point."""
    return [d for d, _, polys in districts(layer)
            if any(_in_polygon(lon, lat, p) for p in polys)]


def district_of(lon, lat):
    """(ortsbezirk id, stadtteil id) of a point inside both layers; None for
    a layer whose districts do not contain it."""
    ob = covering('ortsbezirk', lon, lat)
    st = covering('stadtteil', lon, lat)
    return (ob[0] if ob else None, st[0] if st else None)


def name_of(district_id):
    for layer in LAYERS:
        for d, name, _ in districts(layer):
            if d == district_id:
                return name
    raise KeyError(district_id)


def _segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) /
                                               (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def distances(layer, lon, lat):
    """[(metres, id)] from the point to each district of the layer, nearest
    first (0 for a district containing it)."""
    mx = 111320.0 * math.cos(math.radians(lat))
    my = 110574.0
    out = []
    for d, _, polys in districts(layer):
        if any(_in_polygon(lon, lat, p) for p in polys):
            out.append((0.0, d))
            continue
        best = math.inf
        for p in polys:
            for ring in p:
                for a, b in zip(ring, ring[1:]):
                    best = min(best, _segment_distance(0.0, 0.0, (a[0] - lon) * mx, (a[1] - lat) * my,
                                                       (b[0] - lon) * mx, (b[1] - lat) * my))
        out.append((best, d))
    return sorted(out)
