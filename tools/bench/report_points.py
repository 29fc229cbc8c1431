#!/usr/bin/env python3
"""tools/bench/report_points.py N [--district ob-N] [--seed S] > points.geojson

Writes N test points with German comments and topics as a GeoJSON
FeatureCollection for `geopart import-points`: spread over the bundled
Ortsbezirke (or all inside one, with --district), a third of them gathered
around a few spots so that reports have hotspots.  Deterministic for a seed.
"""
import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', '..', 'data', 'kaiserslautern-ortsbezirke.geojson')

TOPICS = ['housing', 'mobility', 'green_space', 'climate', 'retail', 'culture', 'social', 'other']
PLACES = ['Der Platz', 'Die Kreuzung', 'Der Spielplatz', 'Die Haltestelle', 'Der Park',
          'Der Radweg', 'Die Unterführung', 'Der Marktplatz', 'Die Grünfläche', 'Der Schulweg',
          'Die Bushaltestelle', 'Das Bachufer', 'Der Fußweg', 'Die Parkbucht']
GOOD = ['ist ein wunderbarer Treffpunkt für die Nachbarschaft',
        'lädt mit seinen schattigen Bäumen im Sommer zum Verweilen ein',
        'ist gut erreichbar und immer belebt',
        'gehört zu den schönsten Ecken im Stadtteil',
        'bietet Kindern und Jugendlichen viel Platz zum Spielen']
BAD = ['ist abends schlecht beleuchtet und wirkt unsicher',
       'braucht dringend eine sichere Querungsmöglichkeit für Fußgängerinnen und Fußgänger',
       'ist zugeparkt, Kinderwagen und Rollstühle kommen nicht durch',
       'hat kaputte Bänke und überfüllte Mülleimer',
       'sollte barrierefrei umgebaut werden, die Bordsteine sind zu hoch',
       'wäre mit mehr Grün und Verschattung viel angenehmer']


def rings_of(geom):
    polys = geom['coordinates'] if geom['type'] == 'MultiPolygon' else [geom['coordinates']]
    return [p[0] for p in polys]


def inside(ring, x, y):
    c = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            c = not c
        j = i
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('n', type=int)
    ap.add_argument('--district')
    ap.add_argument('--seed', type=int, default=14)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    feats = json.load(open(DATA))['features']
    if a.district:
        feats = [f for f in feats if f'ob-{f["properties"]["id"]}' == a.district]
        if not feats:
            sys.exit(f'no Ortsbezirk {a.district}')
    areas = []
    for f in feats:
        for ring in rings_of(f['geometry']):
            xs = [p[0] for p in ring]
            ys = [p[1] for p in ring]
            areas.append((ring, min(xs), min(ys), max(xs), max(ys)))

    def random_point():
        ring, x0, y0, x1, y1 = rnd.choice(areas)
        while True:
            x, y = rnd.uniform(x0, x1), rnd.uniform(y0, y1)
            if inside(ring, x, y):
                return ring, x, y

    spots = [random_point() for _ in range(max(2, len(areas)))]
    out = []
    for i in range(a.n):
        if i % 3 == 0:
            ring, sx, sy = spots[i // 3 % len(spots)]
            for _ in range(50):
                x, y = sx + rnd.gauss(0, 0.0009), sy + rnd.gauss(0, 0.0006)
                if inside(ring, x, y):
                    break
            else:
                x, y = sx, sy
        else:
            ring, x, y = random_point()
        fav = rnd.random() < 0.4
        text = f'{rnd.choice(PLACES)} {rnd.choice(GOOD if fav else BAD)} (Beitrag {i + 1}).'
        out.append({'type': 'Feature',
                    'geometry': {'type': 'Point', 'coordinates': [round(x, 7), round(y, 7)]},
                    'properties': {'category': 'favourite' if fav else 'improvement',
                                   'comment': text, 'topic': rnd.choice(TOPICS)}})
    json.dump({'type': 'FeatureCollection', 'features': out}, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main()
