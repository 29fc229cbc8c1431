// api.js — talking to geopart's HTTP API: JSON in, JSON out, and RFC 9457
// problem details turned into one shape the pages can show.

export class ApiError extends Error {
  // status: HTTP status (0 when the server could not be reached);
  // problem: the problem+json body, or {} when there was none.
  constructor(status, problem, retryAfter) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.field = problem.field || null;
    this.retryAfter = retryAfter;
  }
}

async function answer(res) {
  const type = res.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await res.json().catch(() => ({})) : {};
  if (!res.ok) {
    throw new ApiError(res.status, body, Number(res.headers.get('Retry-After')) || null);
  }
  return { status: res.status, body };
}

async function request(url, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, {}, null);
  }
  return answer(res);
}

export async function getJSON(url, { signal } = {}) {
  return (await request(url, { signal, headers: { Accept: 'application/json' } })).body;
}

export function postJSON(url, payload) {
  return request(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(payload ?? {})
  });
}

// "?a=1&b=2" from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
