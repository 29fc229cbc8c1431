// Checks answers a server really gave against the OpenAPI 3.0 document that
// describes them: the status is one the operation documents, the media type
// one that response documents, every header it marks required is there, and
// a JSON body is valid against the response's schema (Ajv, an independent
// JSON Schema validator from npm; OpenAPI's `nullable` is Ajv's too).
//
// usage: node check_responses.mjs OPENAPI.json SAMPLES.json
// SAMPLES.json is a list of {path, method, status, type, headers, length,
// body}: path is the documented path template, headers an object with
// lower-case names, length the body's size, body the parsed JSON or null
// (CSV, GeoPackage).  Prints one JSON line per sample,
// {"i", "problems": [...]}; exits 1 when any sample has problems.
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';

const [docFile, samplesFile] = process.argv.slice(2);
const api = await SwaggerParser.dereference(JSON.parse(readFileSync(docFile, 'utf8')));
const samples = JSON.parse(readFileSync(samplesFile, 'utf8'));
// Formats (date-time, uri) are documentation here, not checked; unknown
// OpenAPI keywords such as `example` are not errors.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
const compiled = new Map();

const base = (type) => (type || '').split(';')[0].trim().toLowerCase();

let failed = false;
samples.forEach((s, i) => {
  const problems = [];
  const op = (api.paths[s.path] || {})[s.method];
  const resp = op && op.responses[String(s.status)];
  if (!op) {
    problems.push(`${s.method} ${s.path} is not documented`);
  } else if (!resp) {
    problems.push(`status ${s.status} is not documented for ${s.method} ${s.path}`);
  } else {
    for (const [name, h] of Object.entries(resp.headers || {})) {
      if (h.required && !(name.toLowerCase() in s.headers)) {
        problems.push(`required header ${name} is missing`);
      }
    }
    if (!resp.content) {
      if (s.length) problems.push('a body where none is documented');
    } else {
      const key = Object.keys(resp.content).find((k) => base(k) === base(s.type));
      if (!key) {
        problems.push(`media type ${s.type} is not documented (${Object.keys(resp.content)})`);
      } else if (s.body !== null) {
        const schema = resp.content[key].schema;
        if (!compiled.has(schema)) compiled.set(schema, ajv.compile(schema));
        const validate = compiled.get(schema);
        if (!validate(s.body)) {
          for (const e of validate.errors.slice(0, 8)) {
            problems.push(`body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
          }
        }
      }
    }
  }
  if (problems.length) failed = true;
  console.log(JSON.stringify({ i, problems }));
});
process.exit(failed ? 1 : 0);
