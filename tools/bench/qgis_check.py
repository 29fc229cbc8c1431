"""QGIS 3.22 (python3-qgis) against a real geopart, as a city's GIS staff
use it: the OGC API layers points (paged with a small page size, filtered
by date as QGIS writes it and by bbox) and ortsbezirke, the GeoPackage
export and a copy of the database file.  Counts, ids, field types and
coordinates are checked against what the check itself put in: the fixture
spots of tests/fixtures/kaiserslautern-testpunkte.geojson.  Prints each
check and its time; exits 1 when one fails.  Run through tools/bench/qgis-check."""
import datetime
import os
import sys
import tempfile
import time
import zoneinfo

# QGIS compares a date-time written without a zone in the local zone, the
# server in its time_zone: the same zone for both.
ZONE = 'Europe/Berlin'
os.environ['TZ'] = ZONE
time.tzset()

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'integration'))
from harness import Server, load_fixture  # noqa: E402

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem,  # noqa: E402
                       QgsCoordinateTransform, QgsFeatureRequest, QgsProject, QgsRectangle,
                       QgsVectorLayer)

failed = []
passed = 0


def check(name, ok, detail=''):
    global passed
    if ok:
        passed += 1
        print(f'  ok   {name}')
    else:
        failed.append(name)
        print(f'  FAIL {name} {detail}')


def types(layer):
    return {f.name(): f.typeName() for f in layer.fields()}


def main():
    t0 = time.time()
    spots = [f['geometry']['coordinates'] for f in
             load_fixture('kaiserslautern-testpunkte.geojson')['features']
             if f['properties']['expected_in_city']]
    server = Server(config={'data_licence': 'dl-de/by-2-0', 'time_zone': ZONE})
    server.start()
    app = QgsApplication([], False)
    app.initQgis()
    try:
        # What goes in: every fixture spot twice, both categories, some topics.
        put = {}
        for i in range(2 * len(spots)):
            lon, lat = spots[i % len(spots)]
            r = server.post_point(lon, lat, category=('favourite', 'improvement')[i % 2],
                                  topic=('mobility', None)[i % 2], comment=f'QGIS {i}')
            assert r.status == 201, r
            p = r.json()
            put[p['id']] = (lon, lat, p['properties']['created'])
        print(f'qgis-check: QGIS with {len(put)} points ({time.time() - t0:.1f} s to start)')
        base = f'http://127.0.0.1:{server.port}/ogc'

        # ---- OGC API: points, paged by 7 --------------------------------------------
        t = time.time()
        points = QgsVectorLayer(f"pageSize='7' pagingEnabled='true' typename='points' "
                                f"url='{base}'", 'points', 'OAPIF')
        check('OGC API points layer loads', points.isValid())
        feats = list(points.getFeatures())
        ids = [f['id'] for f in feats]
        check('every point once, over pages of 7', sorted(ids) == sorted(put),
              f'{len(ids)} features')
        ft = types(points)
        check('id is an integer attribute, created a date-time',
              ft.get('id') in ('Integer', 'Integer64') and ft.get('created') == 'DateTime', ft)
        worst = max(max(abs(f.geometry().asPoint().x() - put[f['id']][0]),
                        abs(f.geometry().asPoint().y() - put[f['id']][1])) for f in feats)
        check('coordinates are the ones put in (CRS84)', worst < 1e-9, worst)
        # A layer filter (Filter… in QGIS) goes to the server: QGIS sends
        # "created < x" as datetime=0000-01-01T00:00:00Z/x and a time
        # without a zone as it is.  t lies between two creation times, so
        # the closed interval OGC API answers and "<" agree.
        times = sorted(c for _, _, c in put.values())
        t_utc = between(times[len(times) // 2 - 1], times[len(times) // 2])

        def filtered(expression):
            layer = QgsVectorLayer(f"pageSize='7' pagingEnabled='true' typename='points' "
                                   f"url='{base}'", 'points', 'OAPIF')
            layer.setSubsetString(expression)
            return sorted(f['id'] for f in layer.getFeatures())

        got = filtered(f"created < '{t_utc}'")
        want = sorted(i for i, (_, _, c) in put.items() if c < t_utc)
        check('date filter created < t (UTC)', got == want and want, f'{len(got)} != {len(want)}')
        local = datetime.datetime.strptime(t_utc, '%Y-%m-%dT%H:%M:%S.%fZ').replace(
            tzinfo=datetime.timezone.utc).astimezone(zoneinfo.ZoneInfo(ZONE))
        local = local.strftime('%Y-%m-%dT%H:%M:%S.') + f'{local.microsecond // 1000:03d}'
        got = filtered(f"created >= '{local}'")
        want = sorted(i for i, (_, _, c) in put.items() if c >= t_utc)
        check('date filter created >= t, local time without a zone', got == want and want,
              f'{len(got)} != {len(want)}')
        box = (7.74, 49.42, 7.80, 49.46)
        req = QgsFeatureRequest().setFilterRect(QgsRectangle(*box))
        got = sorted(f['id'] for f in points.getFeatures(req))
        want = sorted(i for i, (x, y, _) in put.items()
                      if box[0] <= x <= box[2] and box[1] <= y <= box[3])
        check('bbox filter', got == want and 0 < len(want) < len(put), f'{got} != {want}')
        obz = QgsVectorLayer(f"typename='ortsbezirke' url='{base}'", 'ortsbezirke', 'OAPIF')
        dfeats = list(obz.getFeatures())
        check('OGC API ortsbezirke: 10 districts counting every point',
              len(dfeats) == 10 and sum(f['total'] for f in dfeats) == len(put))
        print(f'  ({time.time() - t:.1f} s for the OGC API)')

        # ---- the GeoPackage --------------------------------------------------------------
        t = time.time()
        tmp = tempfile.mkdtemp(prefix='qgis-check-')
        path = os.path.join(tmp, 'points.gpkg')
        with open(path, 'wb') as f:
            f.write(server.get('/api/export?format=gpkg').body)
        gp = QgsVectorLayer(f'{path}|layername=points', 'points', 'ogr')
        check('GeoPackage points in EPSG:25832',
              gp.isValid() and gp.crs().authid() == 'EPSG:25832', gp.crs().authid())
        gfeats = list(gp.getFeatures())
        check('GeoPackage ids', sorted(f['id'] for f in gfeats) == sorted(put))
        gt = types(gp)
        check('GeoPackage types: id Integer64, created DateTime',
              gt.get('id') == 'Integer64' and gt.get('created') == 'DateTime', gt)
        to84 = QgsCoordinateTransform(gp.crs(), QgsCoordinateReferenceSystem('EPSG:4326'),
                                      QgsProject.instance())
        worst = 0
        for f in gfeats:
            p = to84.transform(f.geometry().asPoint())
            worst = max(worst, abs(p.x() - put[f['id']][0]), abs(p.y() - put[f['id']][1]))
        check('GeoPackage coordinates back in CRS84 within 1e-7°', worst < 1e-7, worst)
        dl = QgsVectorLayer(f'{path}|layername=districts', 'districts', 'ogr')
        check('GeoPackage districts: 28', dl.isValid() and dl.featureCount() == 28)
        lb = QgsVectorLayer(f'{path}|layername=labels', 'labels', 'ogr')
        labels = {(f['field'], f['code']): f['label_de'] for f in lb.getFeatures()}
        check('GeoPackage labels', labels.get(('category', 'favourite')) == 'Lieblingsort')
        md = gp.metadata()  # what the layer properties' Metadata page shows
        check('GeoPackage metadata: title, licence, attribution',
              md.title() == 'Beteiligungspunkte Kaiserslautern' and
              md.licenses() == ['dl-de/by-2-0'] and 'Kaiserslautern' in ' '.join(md.rights()),
              (md.title(), md.licenses(), md.rights()))
        dmd = dl.metadata()
        check('GeoPackage districts metadata: the boundaries\' attribution',
              'Stadtverwaltung Kaiserslautern' in ' '.join(dmd.rights()), dmd.rights())
        print(f'  ({time.time() - t:.1f} s for the GeoPackage)')

        # ---- a copy of the database ---------------------------------------------------------
        t = time.time()
        copy = os.path.join(tmp, 'copy.db')
        server.geopart('backup', copy)
        db = QgsVectorLayer(f'{copy}|layername=points_gis', 'points_gis', 'ogr')
        check('database copy: points_gis loads in EPSG:25832',
              db.isValid() and db.crs().authid() == 'EPSG:25832')
        check('database copy: every point with its id',
              sorted(f['id'] for f in db.getFeatures()) == sorted(put))
        dt = types(db)
        check('database copy types: id Integer64, created DateTime',
              dt.get('id') == 'Integer64' and dt.get('created') == 'DateTime', dt)
        raw = QgsVectorLayer(f'{copy}|layername=points', 'points', 'ogr')
        cells = [f['cell'] for f in raw.getFeatures()]
        check('database copy: cell read as 64-bit',
              types(raw).get('cell') == 'Integer64' and all(c > 2 ** 31 for c in cells))
        print(f'  ({time.time() - t:.1f} s for the database copy)')
    finally:
        app.exitQgis()
        server.stop()
        server.cleanup()
    print(f'qgis-check: {passed} passed, {len(failed)} failed in {time.time() - t0:.1f} s')
    return 1 if failed else 0


def between(a, b):
    """A canonical time after a and not after b: b minus a millisecond when
    that is still after a, else b."""
    tb = datetime.datetime.strptime(b, '%Y-%m-%dT%H:%M:%S.%fZ')
    t = (tb - datetime.timedelta(milliseconds=1)).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'
    return t if t > a else b


if __name__ == '__main__':
    sys.exit(main())
