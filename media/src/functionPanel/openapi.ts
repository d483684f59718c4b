/**
 * The operations of an OpenAPI document as the function panel lists them: path, method and
 * the fields of the request and response bodies. Swagger UI would need its CDN, which an
 * offline editor cannot reach, so the panel draws this short summary itself. Pure.
 */
import { isRecord } from '../guards';

export interface SchemaField {
  name: string;
  /** `number`, `string[]`, `PredictInput`, `integer | null`, ... */
  type: string;
  required: boolean;
}

export interface BodySchema {
  /** The content type the schema is given for (`application/json` when offered). */
  contentType: string;
  /** The schema's name when it is a reference (`PredictInput`), else its type. */
  name: string;
  /** Its properties; empty for a schema without any (a plain object, a number). */
  fields: SchemaField[];
}

export interface Operation {
  method: string;
  path: string;
  summary: string | null;
  request: BodySchema | null;
  /** The 200 (else first 2xx) answer's body. */
  response: BodySchema | null;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const REF_PREFIX = '#/components/schemas/';

type Json = Record<string, unknown>;

function resolve(schema: unknown, doc: Json, seen = new Set<string>()): Json | null {
  if (!isRecord(schema)) return null;
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  if (!ref.startsWith(REF_PREFIX) || seen.has(ref)) return null;
  const components = isRecord(doc.components) && isRecord(doc.components.schemas) ? doc.components.schemas : {};
  seen.add(ref);
  return resolve(components[ref.slice(REF_PREFIX.length)], doc, seen);
}

/** A schema's type in a few characters: its reference's name, `T[]`, `A | B`, `object`. */
export function typeName(schema: unknown): string {
  if (!isRecord(schema)) return 'any';
  if (typeof schema.$ref === 'string') return schema.$ref.slice(schema.$ref.lastIndexOf('/') + 1);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return options.map(typeName).join(' | ');
  }
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.map(String).join(' | ');
  if (schema.type === 'array') return `${typeName(schema.items)}[]`;
  if (schema.type === 'object' && isRecord(schema.additionalProperties)) return `{[key]: ${typeName(schema.additionalProperties)}}`;
  return typeof schema.type === 'string' ? schema.type : 'any';
}

function bodySchema(content: unknown, doc: Json): BodySchema | null {
  if (!isRecord(content)) return null;
  const contentType = 'application/json' in content ? 'application/json' : Object.keys(content)[0];
  if (contentType === undefined) return null;
  const media = content[contentType];
  const raw = isRecord(media) ? media.schema : undefined;
  if (raw === undefined) return null;
  const schema = resolve(raw, doc);
  const required = new Set(Array.isArray(schema?.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const properties = schema !== null && isRecord(schema.properties) ? schema.properties : {};
  const fields = Object.entries(properties).map(([name, property]) => ({ name, type: typeName(property), required: required.has(name) }));
  return { contentType, name: typeName(raw), fields };
}

function successContent(responses: unknown): unknown {
  if (!isRecord(responses)) return undefined;
  const code = '200' in responses ? '200' : Object.keys(responses).find((c) => /^2\d\d$/.test(c));
  const answer = code === undefined ? undefined : responses[code];
  return isRecord(answer) ? answer.content : undefined;
}

/** Every operation of `doc` in the order of its paths; [] for anything that is not OpenAPI. */
export function operationsOf(doc: unknown): Operation[] {
  if (!isRecord(doc) || !isRecord(doc.paths)) return [];
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isRecord(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const requestBody = isRecord(operation.requestBody) ? operation.requestBody.content : undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        summary: typeof operation.summary === 'string' ? operation.summary : null,
        request: bodySchema(requestBody, doc),
        response: bodySchema(successContent(operation.responses), doc),
      });
    }
  }
  return operations;
}
