"""The OpenAPI description of the JSON API (GET /api/openapi.json) against
the server that serves it.

Paths, methods, parameters, their example values, security and response
schemas all come from the document (only the writes and errors provoked at
the end are written down here), and the server's own answers are the other
side.  The document
is valid (swagger-parser from npm); each documented path's Allow header
(from the router) lists exactly the documented methods; each operation's
query parameters are exactly the ones the server accepts (a 400 for an
unknown parameter lists the allowed ones); every documented parameter of
every GET, with its example, is accepted (200) and a missing required one
is refused; security is as documented (401 without a token, 403 for a
planner on an admin route); and every answer collected on the way — also
the writes and the errors — has a documented status, media type and
required headers, and a body valid against the documented schema (Ajv from
npm, check_responses.mjs).  tests/unit/api checks the same document
against the route tables in C.
"""
import http.client
import json
import os
import re
import subprocess
import time
import unittest
import urllib.parse

from harness import SOURCE, Response, ServerTest
from test_ogc_gdal import populate

HERE = os.path.dirname(os.path.abspath(__file__))
OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0'
METHODS = ('get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace')
PROBE = 'zz_probe'


def token(server, name, role):
    secret = server.geopart('token', 'create', '--name', name, '--role', role).stdout
    return {'Authorization': 'Bearer ' + secret.decode().strip()}


def matches(template, path):
    """Whether a documented path template matches a concrete path, as the
    router matches its patterns ({x} is one non-empty segment)."""
    t, p = template.strip('/').split('/'), path.strip('/').split('/')
    return len(t) == len(p) and all(
        (a.startswith('{') and a.endswith('}') and b) or a == b for a, b in zip(t, p))


def value(example):
    return ('true' if example else 'false') if isinstance(example, bool) else str(example)


class TestApiOpenApi(ServerTest):
    # Tokens are checked on many requests here; failed logins must not run out.
    # The example questionnaire, so that every /survey operation answers.
    config = {'auth_burst': '1000', 'auth_per_minute': '1000',
              'survey': os.path.join(SOURCE, 'data', 'umfrage.json'),
              'survey_results_public': 'on'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = [p['id'] for p in populate(cls.server, n_extra=30)]
        cls.admin = token(cls.server, 'openapi-admin', 'admin')
        cls.planner = token(cls.server, 'openapi-planner', 'planner')
        # event 1, the example of the event parameters
        r = cls.server.request('POST', '/api/admin/events', headers=cls.admin,
                               body={'name': 'Ortsbegehung', 'channel': 'walk',
                                     'date': '2026-10-12', 'district': 'ob-6'})
        assert r.status == 201 and r.json()['id'] == 1, r
        cls.base = f'http://127.0.0.1:{cls.server.port}/api'
        cls.response = cls.server.get('/api/openapi.json')
        cls.doc = cls.response.json()
        # A cluster id of the index that holds every point: ids of an older
        # index expire a minute after the points changed.
        total = cls.server.get('/api/points?limit=1').json()['numberMatched']
        deadline = time.time() + 20
        while True:
            clusters = cls.server.get('/api/clusters?zoom=0').json()['features']
            counted = sum(f['properties'].get('point_count', 1) for f in clusters)
            if counted == total or time.time() > deadline:
                break
            time.sleep(0.2)
        cls.cluster_id = next(f['id'] for f in clusters if f['properties'].get('cluster'))

    def headers_only(self, method, path, headers):
        """A request that announces a body and sends none (for 411 and 413,
        which the server answers before reading)."""
        conn = http.client.HTTPConnection('127.0.0.1', self.server.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.endheaders()
            r = conn.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()

    # ---- reading the document --------------------------------------------------

    def resolve(self, obj):
        while '$ref' in obj:
            node = self.doc
            for part in obj['$ref'].lstrip('#/').split('/'):
                node = node[part]
            obj = node
        return obj

    def operations(self):
        """(path, method, operation, parameters) for every documented operation;
        parameters resolved, the path's own included."""
        for path, item in self.doc['paths'].items():
            for method in METHODS:
                if method in item:
                    params = [self.resolve(p) for p in item.get('parameters', []) +
                              item[method].get('parameters', [])]
                    yield path, method, item[method], params

    def concrete(self, path, params):
        """A path with real values: the points and cluster this test made,
        else the parameter's example."""
        def fill(m):
            name = m.group(1)
            if name == 'cluster_id':
                return str(self.cluster_id)
            if name == 'id' and re.match(r'^/(admin/)?points/', path):
                return str(self.ids[0])
            p = next(p for p in params if p['in'] == 'path' and p['name'] == name)
            return urllib.parse.quote(value(p['example']), safe='')
        return '/api' + re.sub(r'\{([^}]+)\}', fill, path)

    def get(self, op, url, **kw):
        """GET url, or HEAD for an event stream (text/event-stream), whose
        body does not end while the client listens."""
        ok = op.get('responses', {}).get('200', {}).get('content', {})
        if 'text/event-stream' in ok:
            return self.server.request('HEAD', url, **kw)
        return self.server.get(url, **kw)

    def auth(self, op):
        """The admin token for operations that take one, else nothing."""
        return dict(self.admin) if op.get('security') else {}

    # ---- collecting answers for check_responses.mjs ------------------------------

    samples = []

    def keep(self, path, method, r):
        type_ = r.header('Content-Type') or ''
        body = None
        if r.body and ('json' in type_):
            body = r.json()
        self.samples.append({'path': path, 'method': method, 'status': r.status, 'type': type_,
                             'headers': {k.lower(): v for k, v in r.headers},
                             'length': len(r.body), 'body': body,
                             'what': f'{method.upper()} {path} → {r.status}'})
        return r

    def check_samples(self, samples):
        work = self.server.dir
        doc_path = os.path.join(work, 'api-openapi.json')
        samples_path = os.path.join(work, 'api-samples.json')
        with open(doc_path, 'wb') as f:
            f.write(self.response.body)
        with open(samples_path, 'w', encoding='utf-8') as f:
            json.dump(samples, f)
        out = subprocess.run(['node', os.path.join(HERE, 'check_responses.mjs'), doc_path,
                              samples_path], capture_output=True, cwd=os.path.join(SOURCE, 'tests'))
        results = [json.loads(line) for line in out.stdout.decode().splitlines()]
        self.assertEqual(len(results), len(samples), out.stderr.decode())
        bad = [f"{samples[r['i']]['what']}: {p}" for r in results for p in r['problems'][:3]]
        if bad:
            self.fail(f'{len(bad)} problems with documented responses:\n' + '\n'.join(bad[:40]))
        self.assertEqual(out.returncode, 0, out.stderr.decode())

    # ---- the document itself -------------------------------------------------------

    def test_served_with_this_servers_url(self):
        r = self.response
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header('Content-Type'), OPENAPI_TYPE)
        self.assertTrue(self.doc['openapi'].startswith('3.0'))
        self.assertEqual(self.doc['servers'], [{'url': self.base}])
        other = self.server.get('/api/openapi.json', headers={'Host': 'gis.example.org'}).json()
        self.assertEqual(other['servers'], [{'url': 'http://gis.example.org/api'}])
        # /api/config points to it (RFC 8631 service-desc), as the README says
        link = self.server.get('/api/config').header('Link')
        self.assertEqual(link, f'<{self.base}/openapi.json>; rel="service-desc"; '
                               f'type="{OPENAPI_TYPE}"')

    def test_valid_openapi(self):
        path = os.path.join(self.server.dir, 'api-openapi.json')
        with open(path, 'wb') as f:
            f.write(self.response.body)
        out = subprocess.run(['node', os.path.join(HERE, 'check_openapi.mjs'), path],
                             capture_output=True, cwd=os.path.join(SOURCE, 'tests'))
        self.assertEqual(out.returncode, 0, out.stdout.decode() + out.stderr.decode())
        self.assertTrue(json.loads(out.stdout)['valid'])

    def test_values_this_server_has(self):
        params = self.doc['components']['parameters']
        config = self.server.get('/api/config').json()
        self.assertEqual(params['topic']['schema']['enum'], [t['id'] for t in config['topics']])
        districts = [f['id'] for f in self.server.get('/api/districts').json()['features']]
        self.assertEqual(sorted(params['district']['schema']['enum']), sorted(districts))
        self.assertEqual(self.resolve({'$ref': '#/components/schemas/FlagReason'})['enum'],
                         config['flag_reasons'])
        comment = self.doc['components']['schemas']['NewPoint']['properties']['properties']
        self.assertEqual(comment['properties']['comment']['maxLength'], config['comment_max_chars'])
        # the documented defaults are the ones the server applies
        hot = next(p for p in self.doc['paths']['/hotspots']['get']['parameters']
                   if p.get('name') == 'eps')
        used = self.server.get('/api/hotspots').json()
        self.assertEqual(hot['schema']['default'], used['eps'])
        limit = params['limit']['schema']
        r = self.server.get('/api/points').json()
        self.assertEqual(r['numberReturned'], min(limit['default'], r['numberMatched']))
        self.assertEqual(self.server.get(f"/api/points?limit={limit['maximum']}").status, 200)
        self.assertEqual(self.server.get(f"/api/points?limit={limit['maximum'] + 1}").status, 400)

    # ---- paths and methods ---------------------------------------------------------

    def test_allowed_methods_are_the_documented_ones(self):
        """The router's Allow header for each documented path (with real
        values) names the methods of every documented path it matches."""
        for path, item in self.doc['paths'].items():
            params = [self.resolve(p) for p in item.get('parameters', [])]
            for m in METHODS:
                params += [self.resolve(p) for p in item.get(m, {}).get('parameters', [])]
            url = self.concrete(path, params)
            with self.subTest(path=path):
                expected = {'OPTIONS'}
                for other, other_item in self.doc['paths'].items():
                    if matches('/api' + other, url):
                        expected |= {m.upper() for m in METHODS if m in other_item}
                if 'GET' in expected:
                    expected.add('HEAD')
                r = self.server.request('OPTIONS', url)
                self.assertEqual(r.status, 204, r)
                self.assertEqual({m.strip() for m in r.header('Allow').split(',')}, expected)

    def test_unknown_paths_are_404(self):
        # the router's answer for what the description does not know
        self.assertEqual(self.server.get('/api/nothing').status, 404)
        self.assertEqual(self.server.get('/api/points/1/nothing').status, 404)

    # ---- query parameters ------------------------------------------------------------

    def test_query_parameters_are_the_ones_the_server_takes(self):
        """An unknown parameter is refused with the route's allowed list:
        that list must be the documented one, for every operation."""
        start = len(self.samples)
        for path, method, op, params in self.operations():
            with self.subTest(op=f'{method.upper()} {path}'):
                r = self.server.request(method.upper(),
                                        self.concrete(path, params) + f'?{PROBE}=1')
                self.keep(path, method, r)
                p = self.assertProblem(r, 400, field=PROBE)
                m = re.search(r'; allowed: (.*)$|; this resource takes none$', p['detail'])
                self.assertTrue(m, p['detail'])
                allowed = set(m.group(1).split()) if m.group(1) else set()
                documented = {q['name'] for q in params if q['in'] == 'query'}
                self.assertEqual(documented, allowed)
        self.check_samples(self.samples[start:])

    def test_every_documented_get_parameter_is_accepted(self):
        """Each documented query parameter of each GET, with its documented
        example and the required ones, answers 200; leaving out a required
        one answers 400 naming it."""
        start, accepted = len(self.samples), 0
        for path, method, op, params in self.operations():
            if method != 'get':
                continue
            url = self.concrete(path, params)
            query = [q for q in params if q['in'] == 'query']
            required = {q['name']: value(q['example']) for q in query if q.get('required')}
            headers = self.auth(op)
            for q in query:
                with self.subTest(op=path, parameter=q['name']):
                    self.assertIn('example', q, 'every parameter needs an example')
                    args = dict(required, **{q['name']: value(q['example'])})
                    r = self.get(op, url + '?' + urllib.parse.urlencode(args),
                                 headers=headers)
                    self.assertEqual(r.status, 200, (args, r))
                    accepted += 1
                    self.keep(path, method, r)
            for name in required:
                with self.subTest(op=path, without=name):
                    args = {k: v for k, v in required.items() if k != name}
                    r = self.get(op, url + ('?' + urllib.parse.urlencode(args) if args else ''),
                                 headers=headers)
                    self.assertProblem(r, 400, field=name)
            with self.subTest(op=path):
                r = self.get(op, url + ('?' + urllib.parse.urlencode(required)
                                        if required else ''), headers=headers)
                self.assertEqual(r.status, 200, r)
                self.keep(path, method, r)
        self.assertGreater(accepted, 40)
        self.check_samples(self.samples[start:])

    # ---- security --------------------------------------------------------------------

    def test_security_is_as_documented(self):
        """Staff-only operations answer 401 without a token (and an admin's
        403 to a planner); public GETs answer without one."""
        start = len(self.samples)
        schemes = self.doc['components']['securitySchemes']
        self.assertEqual(schemes['staffToken'], dict(schemes['staffToken'], type='http',
                                                     scheme='bearer'))
        for path, method, op, params in self.operations():
            security = op.get('security', self.doc.get('security', []))
            url = self.concrete(path, params)
            body = {'status': 'published'} if method == 'patch' else (
                {} if 'requestBody' in op else None)
            with self.subTest(op=f'{method.upper()} {path}'):
                if security and {} not in security:
                    r = self.keep(path, method, self.server.request(method.upper(), url, body=body))
                    self.assertProblem(r, 401, field='Authorization')
                    self.assertEqual(r.header('WWW-Authenticate'), 'Bearer realm="geopart"')
                    self.assertIn(op['x-geopart-role'], ('planner', 'admin'))
                    if op['x-geopart-role'] == 'admin':
                        r = self.server.request(method.upper(), url, body=body,
                                                headers=self.planner)
                        self.assertProblem(self.keep(path, method, r), 403)
                    elif method == 'get':
                        r = self.server.get(url, headers=self.planner)
                        self.assertEqual(r.status, 200, r)
                elif method == 'get':
                    required = {q['name']: value(q['example']) for q in params
                                if q['in'] == 'query' and q.get('required')}
                    r = self.get(op, url + ('?' + urllib.parse.urlencode(required)
                                            if required else ''))
                    self.assertEqual(r.status, 200, r)
                if security and {} in security:
                    # an optional token must still be a valid one
                    body = {'/points': {'type': 'Feature', 'properties': {},
                                        'geometry': {'type': 'Point', 'coordinates': [7.7, 49.4]}},
                            '/points/{id}/flag': {'reason': 'spam'}}.get(path)
                    r = self.server.request(method.upper(), url, body=body,
                                            headers={'Authorization': 'Bearer gpt_wrong'})
                    self.assertProblem(self.keep(path, method, r), 401, field='Authorization')
        self.check_samples(self.samples[start:])

    # ---- writes and errors, against their documented responses --------------------------

    def test_writes_and_errors_as_documented(self):
        s = self.server
        staff = dict(self.planner, **{'Content-Type': 'application/json'})
        keep = self.keep
        start = len(self.samples)
        # a citizen's point, a staff point in another CRS, a bot's
        r = keep('/points', 'post', s.post_point(7.7689, 49.4447, comment='OpenAPI 1'))
        self.assertEqual(r.status, 201, r)
        pid = r.json()['id']
        x, y = s.get(f'/api/points/{self.ids[1]}?crs=EPSG:25832').json()['geometry']['coordinates']
        r = keep('/points', 'post', s.post_point(
            x + 3, y - 4, comment='OpenAPI Werkstatt', query='?crs=EPSG:25832',
            headers=staff, extra={'channel': 'workshop', 'note': 'Tisch 3'}))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()['properties']['note'], 'Tisch 3')
        r = keep('/points', 'post', s.post_point(7.7689, 49.4447, comment='Bot',
                                                 extra={'website': 'http://spam.example'}))
        self.assertEqual(r.status, 202, r)
        # field errors, media type, size, framing
        self.assertProblem(keep('/points', 'post', s.post_point(8.5, 50.0, comment='Frankfurt')),
                           422, field='geometry')
        self.assertProblem(keep('/points', 'post', s.post_point(7.7689, 49.4447, comment='x',
                                                                extra={'mood': 'good'})),
                           422, field='properties.mood')
        self.assertProblem(keep('/points', 'post', s.request(
            'POST', '/api/points', body='{"type":', headers={'Content-Type': 'application/json'})),
            400, field='body')
        self.assertProblem(keep('/points', 'post', s.request(
            'POST', '/api/points', body='x', headers={'Content-Type': 'text/plain'})), 415)
        self.assertProblem(keep('/points', 'post', self.headers_only(
            'POST', '/api/points', {'Content-Type': 'application/json',
                                    'Content-Length': '50000'})), 413, field='body')
        self.assertProblem(keep('/points/{id}/flag', 'post', self.headers_only(
            'POST', f'/api/points/{self.ids[0]}/flag', {'Content-Type': 'application/json'})),
            411, field='body')
        # reactions
        r = keep('/points/{id}/support', 'post', s.request('POST', f'/api/points/{pid}/support'))
        self.assertEqual(r.status, 200, r)
        r = keep('/points/{id}/support', 'post', s.request('POST', '/api/points/999999/support'))
        self.assertProblem(r, 404)
        r = keep('/points/{id}/flag', 'post', s.request('POST', f'/api/points/{pid}/flag',
                                                        body={'reason': 'duplicate'}))
        self.assertEqual(r.status, 202, r)
        r = keep('/points/{id}/flag', 'post', s.request('POST', f'/api/points/{pid}/flag',
                                                        body={'reason': 'boring'}))
        self.assertProblem(r, 422, field='reason')
        # moderation
        r = keep('/points/{id}', 'patch', s.request('PATCH', f'/api/points/{pid}', headers=staff,
                                                    body={'topic': 'mobility', 'status': 'hidden'}))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()['properties']['status'], 'hidden')
        self.assertProblem(keep('/points/{id}', 'get', s.get(f'/api/points/{pid}')), 404)
        r = keep('/admin/points/{id}', 'get', s.get(f'/api/admin/points/{pid}', headers=staff))
        self.assertEqual(r.status, 200, r)
        r = keep('/points/{id}', 'patch', s.request('PATCH', f'/api/points/{pid}', headers=staff,
                                                    body={'comment': None}))
        self.assertProblem(r, 422, field='comment')
        r = keep('/points/{id}', 'delete', s.request('DELETE', f'/api/points/{pid}',
                                                     headers=self.admin))
        self.assertEqual(r.status, 204, r)
        r = keep('/points/{id}', 'delete', s.request('DELETE', f'/api/points/{pid}',
                                                     headers=self.admin))
        self.assertProblem(r, 404)
        r = keep('/admin/log', 'get', s.get('/api/admin/log?limit=5', headers=self.admin))
        self.assertEqual([e['action'] for e in r.json()['entries'][:2]], ['delete', 'update'])
        # a questionnaire's free text: the queue, moderation, the staff's results
        r = keep('/survey/responses', 'post', s.request('POST', '/api/survey/responses', body={
            'answers': {'relation': ['work'], 'priority': 'housing', 'wish': 'OpenAPI-Wunsch'},
            'form_token': s.form_token(), 'website': ''}))
        self.assertEqual(r.status, 201, r)
        r = keep('/admin/survey/texts', 'get',
                 s.get('/api/admin/survey/texts?status=pending', headers=self.admin))
        tid = [t['id'] for t in r.json()['texts'] if t['text'] == 'OpenAPI-Wunsch'][0]
        r = keep('/admin/survey/texts/{id}', 'patch', s.request(
            'PATCH', f'/api/admin/survey/texts/{tid}', headers=self.admin,
            body={'status': 'approved'}))
        self.assertEqual(r.json()['texts'][0]['status'], 'approved')
        self.assertProblem(keep('/admin/survey/texts/{id}', 'patch', s.request(
            'PATCH', f'/api/admin/survey/texts/{tid}', headers=self.admin,
            body={'status': 'published'})), 422, field='status')
        self.assertProblem(keep('/admin/survey/texts/{id}', 'patch', s.request(
            'PATCH', '/api/admin/survey/texts/999999', headers=self.admin,
            body={'status': 'hidden'})), 404, field='id')
        r = keep('/survey/results', 'get', s.get('/api/survey/results', headers=self.admin))
        self.assertIn('OpenAPI-Wunsch', [t['text'] for t in r.json()['texts']['wish']])
        # parameters out of range, unknown resources
        for path, url, field in (('/clusters', '/api/clusters?zoom=99', 'zoom'),
                                 ('/hotspots', '/api/hotspots?eps=0', 'eps'),
                                 ('/points/nearby', '/api/points/nearby?lon=7&lat=49&radius=501',
                                  'radius'),
                                 ('/points', '/api/points?limit=0', 'limit'),
                                 ('/points', '/api/points?district=ob-99', 'district'),
                                 ('/export', '/api/export?format=csv&excel=maybe', 'excel'),
                                 ('/export', '/api/export?format=xlsx', 'format')):
            self.assertProblem(keep(path, 'get', s.get(url)), 400, field=field)
        self.assertProblem(keep('/districts/{id}', 'get', s.get('/api/districts/ob-99')), 404)
        self.assertProblem(keep('/clusters/{cluster_id}/leaves', 'get',
                                s.get('/api/clusters/1/leaves')), 404)
        self.assertProblem(keep('/export', 'get', s.get('/api/export?format=csv&status=all')), 401)
        # downloads
        for fmt in ('geojson', 'gpkg'):
            r = keep('/export', 'get', s.get(f'/api/export?format={fmt}'))
            self.assertEqual(r.status, 200, r)
        self.check_samples(self.samples[start:])


if __name__ == '__main__':
    unittest.main()
