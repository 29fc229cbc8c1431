#!/usr/bin/env python3
"""tools/web-hash.py WEB_ROOT — content-hashed copies of the page's files.

For every script, style sheet and icon the pages load (js/*.js, the
style sheets and favicon at the top, web/vendor/leaflet/leaflet.{js,css})
it writes a copy named NAME.HASH.EXT beside it, HASH being the first 10
hex digits of the copy's SHA-256.  A module's copy imports its modules by
their hashed names (`from './api.js'` becomes `from './api.0123456789.js'`),
so a copy's name changes whenever it or anything it imports changes, and
a browser may keep it for good (geopart and nginx send such names with
`Cache-Control: immutable`).  Writes WEB_ROOT/.assets, one line per file
("js/api.js js/api.0123456789.js"): geopart puts the hashed names into the
HTML pages it serves.  Copies of earlier contents are removed.  Cheap when
nothing changed; tools/web-assets runs it.

Also writes WEB_ROOT/.inline: the style sheets a page may take inline
(`<!--inline:style.css-->`, src/http/static.c), each as a line
"REL sha256-BASE64 LENGTH" followed by LENGTH bytes of the sheet's text
and a newline.  Relative url()s in that text are made absolute (the page
is not in the sheet's folder) and line ends are LF; BASE64 is the text's
SHA-256, what the page's Content-Security-Policy names to admit it.
"""
import base64
import hashlib
import os
import re
import sys

INLINE = ('vendor/leaflet/leaflet.css', 'style.css')
URL = re.compile(r'''url\((['"]?)(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^)'"]+)\1\)''')
HASHED = re.compile(r'\.[0-9a-f]{10}(\.[a-z0-9]+)$')
IMPORT = re.compile(r'''((?:\bfrom|\bimport)\s*\(?\s*)(['"])(\./[A-Za-z0-9_-]+\.js)\2''')


def assets(root):
    out = []
    for name in sorted(os.listdir(os.path.join(root, 'js'))):
        if name.endswith('.js') and not HASHED.search(name):
            out.append('js/' + name)
    for name in sorted(os.listdir(root)):
        if (name.endswith('.css') or name == 'favicon.svg') and not HASHED.search(name):
            out.append(name)
    for rel in ('vendor/leaflet/leaflet.js', 'vendor/leaflet/leaflet.css'):
        if os.path.isfile(os.path.join(root, rel)):
            out.append(rel)
    return out


def inline_text(rel, body):
    folder = os.path.dirname(rel)
    # Line ends as the HTML parser leaves them (CRLF and CR become LF):
    # the browser hashes the text it parsed.
    text = body.decode('utf-8').replace('\r\n', '\n').replace('\r', '\n')
    return URL.sub(lambda m: f'url({m.group(1)}/{os.path.normpath(os.path.join(folder, m.group(2)))}{m.group(1)})',
                   text).encode('utf-8')


def write_if_changed(path, data):
    old = open(path, 'rb').read() if os.path.isfile(path) else None
    if old != data:
        with open(path + '.tmp', 'wb') as f:
            f.write(data)
        os.replace(path + '.tmp', path)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else 'web'
    names = assets(root)
    text = {}
    deps = {}
    for rel in names:
        with open(os.path.join(root, rel), 'rb') as f:
            text[rel] = f.read()
        deps[rel] = []
        if rel.startswith('js/'):
            for m in IMPORT.finditer(text[rel].decode('utf-8')):
                dep = 'js/' + m.group(3)[2:]
                if dep not in text and not os.path.isfile(os.path.join(root, dep)):
                    sys.exit(f'web-hash: {rel} imports {m.group(3)}, which does not exist')
                deps[rel].append(dep)
    hashed = {}

    def visit(rel, path):
        if rel in hashed:
            return hashed[rel]
        if rel in path:
            sys.exit('web-hash: modules import each other in a circle: ' + ' → '.join(path + [rel]))
        body = text[rel]
        if deps[rel]:
            for dep in deps[rel]:
                visit(dep, path + [rel])

            def swap(m):
                dep = hashed['js/' + m.group(3)[2:]]
                return f'{m.group(1)}{m.group(2)}./{os.path.basename(dep)}{m.group(2)}'
            body = IMPORT.sub(swap, body.decode('utf-8')).encode('utf-8')
        digest = hashlib.sha256(body).hexdigest()[:10]
        stem, ext = os.path.splitext(rel)
        hashed[rel] = f'{stem}.{digest}{ext}'
        target = os.path.join(root, hashed[rel])
        if not os.path.isfile(target):
            tmp = target + '.tmp'
            with open(tmp, 'wb') as f:
                f.write(body)
            os.replace(tmp, target)
        # Earlier copies of this file go.
        folder, base = os.path.split(os.path.join(root, rel))
        b_stem, b_ext = os.path.splitext(base)
        for other in os.listdir(folder):
            m = re.fullmatch(re.escape(b_stem) + r'\.([0-9a-f]{10})' + re.escape(b_ext) + r'(\.gz)?', other)
            if m and m.group(1) != digest:
                os.remove(os.path.join(folder, other))
        return hashed[rel]

    for rel in names:
        visit(rel, [])
    manifest = ''.join(f'{rel} {hashed[rel]}\n' for rel in names)
    write_if_changed(os.path.join(root, '.assets'), manifest.encode('utf-8'))
    sheets = b''
    for rel in INLINE:
        if rel in text:
            body = inline_text(rel, text[rel])
            if b'</style' in body.lower():
                sys.exit(f'web-hash: {rel} cannot go inline: it contains "</style"')
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode('ascii')
            sheets += f'{rel} sha256-{digest} {len(body)}\n'.encode('ascii') + body + b'\n'
    write_if_changed(os.path.join(root, '.inline'), sheets)


if __name__ == '__main__':
    main()
