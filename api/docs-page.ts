import { Router } from 'express';
import { buildOpenApiDocument } from './openapi';
import { REFERENCE_PATH, referencePageRouter } from './reference-page';

/**
 * A readable API reference rendered on the server from the OpenAPI document: no client-side script, no CDN, no
 * dependency, so it works offline and under a strict Content-Security-Policy.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** HTML-escapes text for element content and quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObject = (v: Json | undefined): JsonObject => (isObject(v) ? v : {});

/** An anchor id from free text: ids end up in attributes and URLs, so only a safe alphabet survives. */
const anchor = (...parts: string[]): string => parts.join('-').replace(/[^A-Za-z0-9_-]+/g, '-');

const REF_PREFIX = '#/components/schemas/';

function refLink(ref: string): string {
  const name = ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
  return `<a href="#${escapeHtml(anchor('schema', name))}">${escapeHtml(name)}</a>`;
}

function typeLabel(schema: JsonObject): string {
  if (typeof schema.$ref === 'string') return refLink(schema.$ref);
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : '';
  if (type === 'array') {
    const items = asObject(schema.items);
    return `array of ${Object.keys(items).length > 0 ? typeLabel(items) : 'anything'}`;
  }
  if (type !== undefined) return `<code>${escapeHtml(type)}</code>${escapeHtml(format)}`;
  if ('const' in schema) return `constant <code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  if (schema.anyOf || schema.oneOf) return 'one of';
  if (schema.allOf) return 'all of';
  return 'anything';
}

/** The facts about a schema that fit on one line: description, enum values, bounds, default, example. */
function facts(schema: JsonObject): string {
  const out: string[] = [];
  if (schema.nullable === true) out.push('nullable');
  if (typeof schema.description === 'string') out.push(escapeHtml(schema.description));
  if (Array.isArray(schema.enum)) {
    out.push(`one of ${schema.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(', ')}`);
  }
  for (const key of [
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minLength',
    'maxLength',
    'pattern',
  ]) {
    if (schema[key] !== undefined) out.push(`${key} <code>${escapeHtml(JSON.stringify(schema[key]))}</code>`);
  }
  if (schema.default !== undefined) out.push(`default <code>${escapeHtml(JSON.stringify(schema.default))}</code>`);
  if (schema.example !== undefined) out.push(`e.g. <code>${escapeHtml(JSON.stringify(schema.example))}</code>`);
  return out.length > 0 ? ` — ${out.join('; ')}` : '';
}

/** The nested parts of a schema, as a list; depth-limited because inline schemas may nest deeply. */
function children(schema: JsonObject, depth: number): string {
  if (depth > 12) return '';
  const items: string[] = [];
  const properties = asObject(schema.properties);
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  for (const [name, sub] of Object.entries(properties)) {
    const flag = required.has(name) ? ' <span class="req">required</span>' : '';
    items.push(
      `<li><code class="prop">${escapeHtml(name)}</code>${flag}: ${schemaLine(asObject(sub), depth + 1)}</li>`,
    );
  }
  if (isObject(schema.additionalProperties)) {
    items.push(`<li><em>any other key</em>: ${schemaLine(schema.additionalProperties, depth + 1)}</li>`);
  }
  const type = schema.type;
  if (type === 'array' && isObject(schema.items)) {
    const nested = children(schema.items, depth + 1);
    if (nested) items.push(`<li><em>each item</em>${facts(schema.items)}${nested}</li>`);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const alternatives = schema[key];
    if (Array.isArray(alternatives)) {
      for (const alt of alternatives) items.push(`<li>${schemaLine(asObject(alt), depth + 1)}</li>`);
    }
  }
  return items.length > 0 ? `<ul>${items.join('')}</ul>` : '';
}

function schemaLine(schema: JsonObject, depth: number): string {
  return `${typeLabel(schema)}${facts(schema)}${children(schema, depth)}`;
}

/** A schema as a nested list. */
function renderSchema(schema: Json | undefined): string {
  const s = asObject(schema);
  return `<div class="schema">${schemaLine(s, 0)}</div>`;
}

function renderContent(content: Json | undefined): string {
  return Object.entries(asObject(content))
    .map(([mediaType, media]) => `<p><code>${escapeHtml(mediaType)}</code></p>${renderSchema(asObject(media).schema)}`)
    .join('');
}

function renderSecurity(operation: JsonObject, document: JsonObject): string {
  const requirements = Array.isArray(operation.security) ? operation.security : document.security;
  if (!Array.isArray(requirements) || requirements.length === 0) return 'none';
  const schemes = asObject(asObject(document.components).securitySchemes);
  return requirements
    .map((req) =>
      Object.keys(asObject(req))
        .map((name) => {
          const scheme = asObject(schemes[name]);
          const how = [scheme.type, scheme.scheme].filter((p) => typeof p === 'string').join(' ');
          return `<code>${escapeHtml(name)}</code>${how ? ` (${escapeHtml(how)})` : ''}`;
        })
        .join(' and '),
    )
    .join(' or ');
}

function renderParameters(parameters: Json | undefined): string {
  if (!Array.isArray(parameters) || parameters.length === 0) return '';
  const rows = parameters.map((p) => {
    const param = asObject(p);
    const schema = asObject(param.schema);
    // zod-to-openapi copies a description to both places; show it once.
    const extra =
      typeof param.description === 'string' && param.description !== schema.description ? param.description : '';
    return (
      `<tr><td><code>${escapeHtml(param.name)}</code></td><td>${escapeHtml(param.in)}</td>` +
      `<td>${param.required === true ? 'yes' : 'no'}</td>` +
      `<td>${schemaLine(schema, 0)}${extra ? `<br>${escapeHtml(extra)}` : ''}</td></tr>`
    );
  });
  return (
    '<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function renderOperation(path: string, method: string, operation: JsonObject, document: JsonObject): string {
  const id = anchor('op', method, path);
  const parts = [
    `<section class="op" id="${escapeHtml(id)}">`,
    `<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>`,
  ];
  if (typeof operation.summary === 'string') parts.push(`<p class="summary">${escapeHtml(operation.summary)}</p>`);
  if (typeof operation.description === 'string') parts.push(`<p>${escapeHtml(operation.description)}</p>`);
  parts.push(`<p><strong>Auth:</strong> ${renderSecurity(operation, document)}</p>`);
  parts.push(renderParameters(operation.parameters));
  const body = asObject(operation.requestBody);
  if (Object.keys(body).length > 0) {
    parts.push(`<h4>Request body${body.required === true ? ' (required)' : ''}</h4>`);
    if (typeof body.description === 'string') parts.push(`<p>${escapeHtml(body.description)}</p>`);
    parts.push(renderContent(body.content));
  }
  const responses = Object.entries(asObject(operation.responses));
  if (responses.length > 0) {
    parts.push('<h4>Responses</h4><dl>');
    for (const [status, r] of responses) {
      const response = asObject(r);
      parts.push(
        `<dt><code>${escapeHtml(status)}</code> ${escapeHtml(response.description ?? '')}</dt>` +
          `<dd>${renderContent(response.content)}</dd>`,
      );
    }
    parts.push('</dl>');
  }
  parts.push('</section>');
  return parts.join('\n');
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
code{font:13px ui-monospace,monospace;background:#f3f3f5;padding:0 .2em;border-radius:3px}
.op{border-top:1px solid #ddd;padding-top:.5rem;margin-top:1.5rem}
.method{font:bold 12px ui-monospace,monospace;padding:.15em .5em;border-radius:3px;color:#fff;background:#555}
.method.get{background:#1565c0}.method.post{background:#2e7d32}.method.delete{background:#c62828}
.method.put,.method.patch{background:#ef6c00}
.summary{font-weight:600}.req{color:#c62828;font-size:12px}
.schema ul{margin:.2rem 0;padding-left:1.2rem;border-left:1px dotted #bbb}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
dt{margin-top:.5rem}nav li{list-style:none}
`;

/** The whole page for an OpenAPI 3.x document. */
export function renderDocsPage(doc: unknown): string {
  const document = asObject(doc as Json);
  const info = asObject(document.info);
  const title = typeof info.title === 'string' ? info.title : 'API';
  const operations: Array<{ path: string; method: string; operation: JsonObject }> = [];
  for (const [path, item] of Object.entries(asObject(document.paths))) {
    for (const method of METHODS) {
      const operation = asObject(item)[method];
      if (isObject(operation)) operations.push({ path, method, operation });
    }
  }
  const toc = operations
    .map(
      ({ path, method, operation }) =>
        `<li><a href="#${escapeHtml(anchor('op', method, path))}"><code>${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</code></a>` +
        `${typeof operation.summary === 'string' ? ` — ${escapeHtml(operation.summary)}` : ''}</li>`,
    )
    .join('\n');
  const schemas = Object.entries(asObject(asObject(document.components).schemas))
    .map(
      ([name, schema]) =>
        `<section id="${escapeHtml(anchor('schema', name))}"><h3><code>${escapeHtml(name)}</code></h3>${renderSchema(schema)}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — API reference</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)} <small>${escapeHtml(info.version ?? '')}</small></h1>
${typeof info.description === 'string' ? `<p>${escapeHtml(info.description)}</p>` : ''}
<p>Interactive reference (search, examples): <a href="${REFERENCE_PATH}">${REFERENCE_PATH}</a>.
Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(document.openapi ?? '')}).
History codes: <a href="/api/v1/history-codes">/api/v1/history-codes</a>.</p>
<h2>Endpoints</h2>
<nav><ul>
${toc}
</ul></nav>
${operations.map(({ path, method, operation }) => renderOperation(path, method, operation, document)).join('\n')}
<h2>Schemas</h2>
${schemas}
</body>
</html>
`;
}

/**
 * `GET /docs`, and the interactive reference beside it (reference-page.ts). The page is rendered on first request,
 * not at mount time, so it includes every path registered by routers created after this one.
 */
export function docsRouter(): Router {
  const router = Router();
  let page: string | undefined;
  router.get('/docs', (_req, res) => {
    page ??= renderDocsPage(buildOpenApiDocument());
    res.type('html').send(page);
  });
  router.use(referencePageRouter());
  return router;
}
