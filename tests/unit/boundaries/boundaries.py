#!/usr/bin/env python3
"""The module boundaries of src/README.md, checked on the sources: each
third-party header below may be included only by the files of its one
module (or, for qrencode.h, its one file).  The build links each library
only into its module (src/meson.build); this test catches an #include that
the compiler would find on the system path anyway."""
import pathlib
import re
import sys

SRC = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else 'src')

# header (as written between <>) -> the only place allowed to include it
OWNERS = {
    'sqlite3.h': 'store/',
    'spatialite.h': 'store/',
    'proj.h': 'geo/',
    'geos_c.h': 'geo/',
    'civetweb.h': 'http/',
    'jansson.h': 'json/',
    'qrencode.h': 'page/qr.c',
}

INCLUDE = re.compile(r'^\s*#\s*include\s*<([^>]+)>', re.M)


def main() -> int:
    bad = []
    seen = set()
    for path in sorted(SRC.rglob('*.[ch]')):
        rel = path.relative_to(SRC).as_posix()
        for header in INCLUDE.findall(path.read_text(encoding='utf-8')):
            owner = OWNERS.get(header)
            if owner is None:
                continue
            seen.add(header)
            if not rel.startswith(owner):
                bad.append(f'{rel} includes <{header}>, which only {owner} may')
    # the check must look at real sources: every owner includes its header
    missing = [h for h in OWNERS if h not in seen]
    for h in missing:
        bad.append(f'no file of {OWNERS[h]} includes <{h}>: is {SRC} the source tree?')
    for line in bad:
        print(line)
    print(f'{len(OWNERS)} headers checked, {len(bad)} violations')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
