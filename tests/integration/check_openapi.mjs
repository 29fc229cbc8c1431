// Validates an OpenAPI 3.0 document with @apidevtools/swagger-parser, an
// independent validator from the npm registry: the OpenAPI JSON schema plus
// its own checks (references resolve, path parameters are declared,
// operation ids are unique).  Prints one JSON line; exits 1 when invalid.
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';

const file = process.argv[2];
const doc = JSON.parse(readFileSync(file, 'utf8'));
try {
  const api = await SwaggerParser.validate(doc);
  console.log(JSON.stringify({ file, valid: true, openapi: api.openapi,
                               paths: Object.keys(api.paths).length }));
} catch (e) {
  console.log(JSON.stringify({ file, valid: false, error: String(e.message) }));
  process.exit(1);
}
