"""The live room end to end through the real server: the event stream
GET /api/live (Server-Sent Events framing, heartbeats, resuming with
Last-Event-ID without loss, a snapshot when the id is too old, hidden
points withdrawn, +1 and replies, filters by event and district,
pre-moderation), an event's live entry that staff open and close (a
citizen's point with a closed event refused, naming the field), the cap
of open streams (503), and streams that hold no database worker and no
request deadline (300 streams open, normal requests still answered)."""
import json
import re
import socket
import time
import unittest

from harness import Server, ServerTest, staff_token

CENTRE = (7.768889, 49.444722)       # Innenstadt, ob-0
MORLAUTERN = (7.760636, 49.467408)   # ob-6


class Stream:
    """A client of GET /api/live on a raw socket: reads the chunked body as
    it arrives and splits it into Server-Sent Events messages."""

    def __init__(self, server, path='/api/live', headers=None, source=None, timeout=10):
        self.sock = socket.create_connection(('127.0.0.1', server.port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        lines = [f'GET {path} HTTP/1.1', f'Host: 127.0.0.1:{server.port}',
                 'Accept: text/event-stream']
        lines += [f'{k}: {v}' for k, v in (headers or {}).items()]
        self.sock.sendall(('\r\n'.join(lines) + '\r\n\r\n').encode())
        self.raw = b''
        self.text = ''
        self.closed = False
        while b'\r\n\r\n' not in self.raw:
            self._recv(time.time() + timeout)
            if self.closed:
                raise AssertionError(f'no answer: {self.raw!r}')
        head, self.raw = self.raw.split(b'\r\n\r\n', 1)
        status_line, *header_lines = head.decode('latin-1').split('\r\n')
        self.status = int(status_line.split()[1])
        self.headers = {}
        for line in header_lines:
            k, _, v = line.partition(':')
            self.headers[k.strip().lower()] = v.strip()
        self.chunked = self.headers.get('transfer-encoding') == 'chunked'
        self.body = b''

    def _recv(self, deadline):
        self.sock.settimeout(max(0.01, deadline - time.time()))
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        except OSError:
            data = b''
        if not data:
            self.closed = True
        self.raw += data

    def _dechunk(self):
        if not self.chunked:
            self.text += self.raw.decode('utf-8')
            self.raw = b''
            return
        while b'\r\n' in self.raw:
            size_line, rest = self.raw.split(b'\r\n', 1)
            size = int(size_line, 16)
            if len(rest) < size + 2:
                return
            self.text += rest[:size].decode('utf-8')
            self.raw = rest[size + 2:]
            if size == 0:
                self.closed = True
                return

    def next(self, timeout=5):
        """The next message as a dict (event, id, data, retry; comment for a
        comment line), or None when none came within timeout."""
        deadline = time.time() + timeout
        while True:
            self._dechunk()
            if '\n\n' in self.text:
                block, self.text = self.text.split('\n\n', 1)
                msg = {}
                for line in block.split('\n'):
                    if line.startswith(':'):
                        msg['comment'] = line[1:].strip()
                        continue
                    k, _, v = line.partition(':')
                    msg[k] = v[1:] if v.startswith(' ') else v
                return msg
            if self.closed or time.time() >= deadline:
                return None
            self._recv(deadline)

    def until(self, pred, timeout=5):
        """Messages up to and including the first that pred accepts (which
        must come within timeout)."""
        seen = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.next(deadline - time.time())
            if msg is None:
                break
            seen.append(msg)
            if pred(msg):
                return seen
        raise AssertionError(f'no such message within {timeout} s; got {seen}')

    def events(self, timeout):
        """Every event message (comments left out) until none comes for timeout."""
        out = []
        while True:
            msg = self.next(timeout)
            if msg is None:
                return out
            if 'event' in msg:
                out.append(msg)

    def close(self):
        self.sock.close()


def kind(name):
    return lambda m: m.get('event') == name


def point_with(comment):
    return lambda m: m.get('event') == 'point' and json.loads(m['data'])['properties'][
        'comment'] == comment


class TestStream(ServerTest):
    config = {'live_heartbeat_s': '1', 'threads': '64'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.planner = staff_token(cls.server, 'Planung Live', 'planner')

    def open(self, path='/api/live', **kw):
        st = Stream(self.server, path, **kw)
        self.addCleanup(st.close)
        return st

    def test_framing_snapshot_point_and_heartbeat(self):
        s = self.server
        before = s.post_point(*CENTRE, comment='Schon vorher da')
        self.assertEqual(before.status, 201, before)
        st = self.open()
        self.assertEqual(st.status, 200)
        self.assertEqual(st.headers['content-type'], 'text/event-stream; charset=utf-8')
        self.assertEqual(st.headers['x-accel-buffering'], 'no')
        self.assertEqual(st.headers['cache-control'], 'no-store')
        self.assertEqual(st.headers['connection'], 'close')
        first = st.next()
        self.assertEqual(first, {'retry': '2000'})
        snap = st.next()
        self.assertEqual(snap['event'], 'snapshot')
        self.assertRegex(snap['id'], r'^[0-9a-f]+-[0-9]+$')
        fc = json.loads(snap['data'])
        self.assertEqual(fc['type'], 'FeatureCollection')
        self.assertIn('Schon vorher da', [f['properties']['comment'] for f in fc['features']])

        r = s.post_point(*CENTRE, comment='Frisch im Raum', topic='mobility')
        self.assertEqual(r.status, 201, r)
        msgs = st.until(point_with('Frisch im Raum'))
        msg = msgs[-1]
        feature = json.loads(msg['data'])
        self.assertEqual(feature['id'], r.json()['id'])
        self.assertEqual(feature['properties']['topic'], 'mobility')
        self.assertEqual(feature['properties']['ortsbezirk_id'], 'ob-0')
        # the public's view: no staff fields
        self.assertNotIn('note', feature['properties'])
        epoch, seq = msg['id'].split('-')
        self.assertEqual(epoch, snap['id'].split('-')[0])
        self.assertGreater(int(seq), int(snap['id'].split('-')[1]))
        # a quiet stream gets comment lines
        beat = st.until(lambda m: m.get('comment') == 'heartbeat', timeout=4)[-1]
        self.assertNotIn('event', beat)

    def test_resume_with_last_event_id_loses_nothing(self):
        s = self.server
        st = self.open()
        st.until(kind('snapshot'))
        s.post_point(*CENTRE, comment='Resume eins')
        last = st.until(point_with('Resume eins'))[-1]['id']
        st.close()
        # made while nobody listened
        ids = [s.post_point(*CENTRE, comment=f'Resume {w}').json()['id']
               for w in ('zwei', 'drei', 'vier')]
        back = self.open(headers={'Last-Event-ID': last})
        self.assertEqual(back.next(), {'retry': '2000'})
        got = back.until(point_with('Resume vier'))
        events = [m for m in got if 'event' in m]
        self.assertEqual([m['event'] for m in events], ['point'] * 3, events)
        self.assertEqual([json.loads(m['data'])['id'] for m in events], ids)
        seqs = [int(m['id'].split('-')[1]) for m in events]
        self.assertEqual(seqs, sorted(seqs))
        self.assertGreater(seqs[0], int(last.split('-')[1]))

    def test_an_unknown_last_event_id_starts_from_a_snapshot(self):
        s = self.server
        s.post_point(*CENTRE, comment='Im Schnappschuss')
        for last in ('1-1', 'garbage', '', '0-99999999'):
            st = self.open(headers={'Last-Event-ID': last})
            st.next()
            snap = st.next()
            self.assertEqual(snap['event'], 'snapshot', last)
            comments = [f['properties']['comment'] for f in json.loads(snap['data'])['features']]
            self.assertIn('Im Schnappschuss', comments)
            st.close()

    def test_hidden_point_is_withdrawn_and_support_and_reply_are_sent(self):
        s = self.server
        st = self.open()
        st.until(kind('snapshot'))
        pid = s.post_point(*CENTRE, comment='Wird versteckt').json()['id']
        st.until(point_with('Wird versteckt'))
        r = s.request('POST', f'/api/points/{pid}/support')
        self.assertIn(r.status, (200, 201), r)
        sup = st.until(kind('support'))[-1]
        self.assertEqual(json.loads(sup['data'])['properties']['supporters'], 1)
        r = s.request('PATCH', f'/api/points/{pid}', body={'reply': 'Wir prüfen das.'},
                      headers=self.planner)
        self.assertEqual(r.status, 200, r)
        rep = st.until(kind('reply'))[-1]
        self.assertEqual(json.loads(rep['data'])['properties']['reply'], 'Wir prüfen das.')
        r = s.request('PATCH', f'/api/points/{pid}', body={'status': 'hidden'},
                      headers=self.planner)
        self.assertEqual(r.status, 200, r)
        gone = st.until(kind('withdrawn'))[-1]
        self.assertEqual(json.loads(gone['data']), {'id': pid})
        # and back when published again
        s.request('PATCH', f'/api/points/{pid}', body={'status': 'published'}, headers=self.planner)
        self.assertEqual(json.loads(st.until(kind('point'))[-1]['data'])['id'], pid)
        r = s.request('DELETE', f'/api/points/{pid}', headers=staff_token(s, 'Admin L', 'admin'))
        self.assertIn(r.status, (200, 204), r)
        self.assertEqual(json.loads(st.until(kind('withdrawn'))[-1]['data']), {'id': pid})

    def test_filters_by_event_and_district(self):
        s = self.server
        r = s.request('POST', '/api/admin/events', headers=self.planner,
                      body={'name': 'Werkstatt Filter', 'channel': 'workshop',
                            'date': '2026-12-06', 'district': 'ob-0'})
        self.assertEqual(r.status, 201, r)
        ev = r.json()['id']
        by_event = self.open(f'/api/live?event={ev}')
        by_event.until(kind('snapshot'))
        by_district = self.open('/api/live?district=ob-6')
        by_district.until(kind('snapshot'))
        elsewhere = s.post_point(*CENTRE, comment='Nicht in der Werkstatt').json()['id']
        inside = s.post_point(*CENTRE, comment='In der Werkstatt', headers=self.planner,
                              extra={'event': ev}).json()['id']
        morlautern = s.post_point(*MORLAUTERN, comment='In Morlautern').json()['id']
        # Only this test's points: a change of an earlier test's point that
        # the hub sends after this stream's snapshot is no concern here.
        ours = {elsewhere, inside, morlautern}
        got = by_event.until(lambda m: m.get('event') and json.loads(m['data'])['id'] == morlautern)
        shown = {json.loads(m['data'])['id']: m['event'] for m in got
                 if 'event' in m and json.loads(m['data']).get('id') in ours}
        self.assertEqual(shown, {elsewhere: 'withdrawn', inside: 'point', morlautern: 'withdrawn'})
        got = by_district.until(lambda m: m.get('event') and json.loads(m['data'])['id'] == morlautern)
        shown = {json.loads(m['data'])['id']: m['event'] for m in got
                 if 'event' in m and json.loads(m['data']).get('id') in ours}
        self.assertEqual(shown, {elsewhere: 'withdrawn', inside: 'withdrawn', morlautern: 'point'})

    def test_bad_parameters_are_problems(self):
        s = self.server
        self.assertProblem(s.get('/api/live?event=999999'), 400, 'event')
        self.assertProblem(s.get('/api/live?event=abc'), 400, 'event')
        self.assertProblem(s.get('/api/live?district=nowhere'), 400, 'district')
        self.assertProblem(s.get('/api/live?bbox=1,2,3,4'), 400, 'bbox')


class TestPreModeration(ServerTest):
    config = {'moderation': 'pre', 'threads': '16'}

    def test_the_room_sees_a_point_when_a_planner_publishes_it(self):
        s = self.server
        planner = staff_token(s, 'Planung Vorab', 'planner')
        st = Stream(s)
        self.addCleanup(st.close)
        st.until(kind('snapshot'))
        r = s.post_point(*CENTRE, comment='Wartet auf Freigabe')
        self.assertEqual(r.status, 201, r)
        pid = r.json()['id']
        self.assertEqual(r.json()['properties']['status'], 'pending')
        # pending: nothing of it is shown
        events = st.events(timeout=1.5)
        self.assertEqual([m for m in events if m['event'] == 'point'], [], events)
        r = s.request('PATCH', f'/api/points/{pid}', body={'status': 'published'}, headers=planner)
        self.assertEqual(r.status, 200, r)
        shown = json.loads(st.until(kind('point'))[-1]['data'])
        self.assertEqual(shown['id'], pid)
        self.assertEqual(shown['properties']['comment'], 'Wartet auf Freigabe')


class TestLiveEntry(ServerTest):
    config = {'threads': '16'}

    def test_citizens_post_with_an_event_only_while_its_live_entry_is_open(self):
        s = self.server
        planner = staff_token(s, 'Planung Eintrag', 'planner')
        r = s.request('POST', '/api/admin/events', headers=planner,
                      body={'name': 'Akteurswerkstatt', 'channel': 'workshop', 'date': '2026-12-06'})
        self.assertEqual(r.status, 201, r)
        ev = r.json()['id']
        self.assertIs(r.json()['live'], False)
        closed = s.post_point(*CENTRE, comment='Zu früh', extra={'event': ev})
        self.assertProblem(closed, 422, 'properties.event', 'closed')
        self.assertEqual(s.db_count("comment = 'Zu früh'"), 0)

        r = s.request('PATCH', f'/api/admin/events/{ev}', body={'live': True}, headers=planner)
        self.assertEqual(r.status, 204, r)
        self.assertIs(s.get(f'/api/events/{ev}').json()['live'], True)
        r = s.post_point(*CENTRE, comment='Aus dem Raum', extra={'event': ev})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()['properties']['event'], ev)
        self.assertEqual(r.json()['properties']['channel'], 'workshop')

        r = s.request('PATCH', f'/api/admin/events/{ev}', body={'live': False}, headers=planner)
        self.assertEqual(r.status, 204, r)
        self.assertIs(s.get(f'/api/events/{ev}').json()['live'], False)
        self.assertProblem(s.post_point(*CENTRE, comment='Zu spät', extra={'event': ev}),
                           422, 'properties.event')
        self.assertProblem(s.post_point(*CENTRE, comment='Gibt es nicht', extra={'event': 999}),
                           422, 'properties.event')

    def test_only_staff_open_it_and_bad_values_name_their_field(self):
        s = self.server
        planner = staff_token(s, 'Planung Werte', 'planner')
        ev = s.request('POST', '/api/admin/events', headers=planner,
                       body={'name': 'Begehung', 'channel': 'walk',
                             'date': '2026-12-07'}).json()['id']
        self.assertProblem(s.request('PATCH', f'/api/admin/events/{ev}', body={'live': True}), 401)
        self.assertProblem(s.request('PATCH', f'/api/admin/events/{ev}', body={'live': 'yes'},
                                     headers=planner), 422, 'live')
        self.assertProblem(s.request('PATCH', f'/api/admin/events/{ev}', body={},
                                     headers=planner), 422, 'live')
        self.assertProblem(s.request('PATCH', f'/api/admin/events/{ev}', body={'open': True},
                                     headers=planner), 422, 'open')
        self.assertProblem(s.request('PATCH', '/api/admin/events/99999', body={'live': True},
                                     headers=planner), 404, 'id')
        self.assertIs(s.get(f'/api/events/{ev}').json()['live'], False)


class TestCap(ServerTest):
    config = {'threads': '32', 'live_streams_max': '2', 'live_heartbeat_s': '1'}

    def test_streams_beyond_the_cap_get_503_and_a_closed_one_frees_its_slot(self):
        s = self.server
        a, b = Stream(s), Stream(s)
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        self.assertEqual((a.status, b.status), (200, 200))
        r = s.get('/api/live')
        p = self.assertProblem(r, 503)
        self.assertIn('live', p['detail'])
        self.assertTrue(r.header('Retry-After'))
        # normal requests are answered meanwhile
        self.assertEqual(s.get('/api/points?limit=1').status, 200)
        a.close()
        # the server notices the client gone at its next heartbeat
        deadline = time.time() + 10
        while time.time() < deadline:
            c = Stream(s)
            if c.status == 200:
                c.close()
                break
            c.close()
            time.sleep(0.2)
        else:
            self.fail('the slot of a closed stream never came free')

    def test_the_cap_is_at_most_half_the_threads(self):
        s = Server(config={'threads': '8', 'live_streams_max': '100'})
        self.addCleanup(s.cleanup)
        s.start()
        streams = [Stream(s) for _ in range(4)]
        self.addCleanup(lambda: [x.close() for x in streams])
        self.assertEqual([x.status for x in streams], [200] * 4)
        self.assertProblem(s.get('/api/live'), 503)


class TestStreamsHoldNoWorker(unittest.TestCase):
    """300 streams open on a server with 4 database workers and tight
    request deadlines: normal requests are still answered, streams outlive
    the deadlines, and every stream gets every new point."""

    def test_300_streams_and_normal_requests(self):
        s = Server(config={'db_connections': '4', 'exports_max': '1', 'conns_per_client': '0',
                           'threads': '1024', 'body_deadline_ms': '500',
                           'request_timeout_ms': '1000', 'live_heartbeat_s': '1'})
        self.addCleanup(s.cleanup)
        s.start()
        streams = []
        self.addCleanup(lambda: [x.close() for x in streams])
        for i in range(300):
            st = Stream(s)
            self.assertEqual(st.status, 200, i)
            streams.append(st)
        for st in streams:
            st.until(kind('snapshot'))
        body = s.get('/metrics').body.decode()
        self.assertRegex(body, r'(?m)^geopart_live_streams 300$')
        self.assertRegex(body, r'(?m)^geopart_db_workers_busy [01]$')
        # three heartbeats a second apart: the stream outlived request_timeout_ms
        # and body_deadline_ms
        for _ in range(3):
            streams[0].until(lambda m: m.get('comment') == 'heartbeat', timeout=4)
        self.assertFalse(streams[0].closed)
        started = time.time()
        for i in range(20):
            r = s.get('/api/points?limit=5')
            self.assertEqual(r.status, 200, r)
        pids = []
        for i in range(5):
            r = s.post_point(*CENTRE, comment=f'Mit 300 Zuhörern {i}')
            self.assertEqual(r.status, 201, r)
            pids.append(r.json()['id'])
        self.assertLess(time.time() - started, 20)
        for st in streams:
            got = st.until(point_with('Mit 300 Zuhörern 4'), timeout=10)
            ids = [json.loads(m['data'])['id'] for m in got if m.get('event') == 'point']
            self.assertEqual(ids, pids)


if __name__ == '__main__':
    unittest.main()
