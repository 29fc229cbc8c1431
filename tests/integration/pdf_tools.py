"""What poppler's command line tools (Debian poppler-utils, installed by
tools/setup --test) read from a PDF: its info fields and its text."""
import html
import os
import re
import subprocess
import tempfile


def _with_file(body, fn):
    with tempfile.TemporaryDirectory(prefix='geopart-pdf-') as d:
        path = os.path.join(d, 'doc.pdf')
        with open(path, 'wb') as f:
            f.write(body)
        return fn(path)


def pdf_info(body):
    """pdfinfo's fields as a dict (raises when poppler cannot open the file)."""
    def run(path):
        out = subprocess.run(['pdfinfo', path], capture_output=True, check=True, timeout=60)
        fields = {}
        for line in out.stdout.decode('utf-8', 'replace').splitlines():
            k, _, v = line.partition(':')
            fields[k.strip()] = v.strip()
        return fields
    return _with_file(body, run)


def pdf_pages(body, layout=False):
    """The text of every page (pdftotext separates pages with form feeds);
    with layout, each table row on one line, its cells in order."""
    def run(path):
        out = subprocess.run(['pdftotext', '-enc', 'UTF-8'] + (['-layout'] if layout else [])
                             + [path, '-'], capture_output=True, check=True, timeout=60)
        return out.stdout.decode('utf-8').split('\f')
    return _with_file(body, run)


def pdf_words(body):
    """Every page's words with where they stand: (yMin, yMax, text) in points
    from the page's top (pdftotext -bbox)."""
    def run(path):
        out = subprocess.run(['pdftotext', '-bbox', '-enc', 'UTF-8', path, '-'],
                             capture_output=True, check=True, timeout=60)
        pages = []
        for page in out.stdout.decode('utf-8').split('<page ')[1:]:
            pages.append([(float(a), float(b), html.unescape(w)) for a, b, w in re.findall(
                r'<word xMin="[^"]*" yMin="([^"]*)" xMax="[^"]*" yMax="([^"]*)">([^<]*)</word>',
                page)])
        return pages
    return _with_file(body, run)


def flat(text):
    """Text with every run of white space one space: a comment wrapped over
    lines or table cells reads as one line again."""
    return re.sub(r'\s+', ' ', text).strip()


def pdf_text(body):
    """The whole document's text, flattened."""
    return flat(' '.join(pdf_pages(body)))
