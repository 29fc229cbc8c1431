"""Both API descriptions as the server serves them — /api/openapi.json and
/ogc/api, with their placeholders filled — pass Spectral's OpenAPI rules
(spectral:oas, from npm) without an error or a warning."""
import json
import os
import subprocess
import unittest

from harness import SOURCE, ServerTest

RULESET = os.path.join(os.path.dirname(__file__), 'spectral.yaml')
SPECTRAL = os.path.join(SOURCE, 'tests', 'node_modules', '.bin', 'spectral')


class TestOpenApiLint(ServerTest):

    def lint(self, path):
        r = self.server.get(path)
        self.assertEqual(r.status, 200, r)
        doc = os.path.join(self.server.dir, path.strip('/').replace('/', '-') + '.json')
        with open(doc, 'wb') as f:
            f.write(r.body)
        report = doc + '.lint'
        out = subprocess.run([SPECTRAL, 'lint', '--ruleset', RULESET, '--format', 'json',
                              '--output', report, '--fail-severity', 'warn', doc],
                             capture_output=True, timeout=240, cwd=os.path.join(SOURCE, 'tests'))
        with open(report, encoding='utf-8') as f:
            found = json.load(f)
        # Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
        problems = [p for p in found if p['severity'] <= 1]
        self.assertEqual(problems, [], out.stderr.decode())
        self.assertEqual(out.returncode, 0, out.stdout.decode() + out.stderr.decode())
        return json.loads(r.body)

    def test_api_description(self):
        api = self.lint('/api/openapi.json')
        self.assertIn('name', api['info']['contact'])

    def test_ogc_definition(self):
        api = self.lint('/ogc/api')
        for path, item in api['paths'].items():
            self.assertTrue(item['get'].get('description'), path)


if __name__ == '__main__':
    unittest.main()
