/**
 * The UTF-8 byte length of a value's JSON, counted without serializing it: request bodies are cut to
 * Klaviyo's 5 MB limit profile by profile, and stringifying each profile only to measure it cost as much as
 * sending it. Exact for what JSON.stringify writes (object members whose value is undefined are left out);
 * values of other kinds (a Date, an object with toJSON) are measured by serializing them.
 */
export function jsonBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return PLAIN.test(value) ? value.length + 2 : Buffer.byteLength(JSON.stringify(value));
    case 'number':
      return Number.isFinite(value) ? String(value).length : NULL_BYTES;
    case 'boolean':
      return value ? 4 : 5;
    case 'object':
      if (value === null) return NULL_BYTES;
      if (Array.isArray(value)) return arrayBytes(value);
      if (Object.getPrototypeOf(value) === Object.prototype) return objectBytes(value as Record<string, unknown>);
      return serializedBytes(value);
    default:
      return serializedBytes(value);
  }
}

/** Printable ASCII but `"` and `\`: one byte per character, nothing escaped. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const NULL_BYTES = 4;

function arrayBytes(items: unknown[]): number {
  let bytes = 2 + Math.max(0, items.length - 1);
  for (const item of items) bytes += item === undefined || typeof item === 'function' ? NULL_BYTES : jsonBytes(item);
  return bytes;
}

function objectBytes(object: Record<string, unknown>): number {
  let bytes = 2;
  let members = 0;
  for (const key in object) {
    const value = object[key];
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    bytes += jsonBytes(key) + 1 + jsonBytes(value);
    members += 1;
  }
  return bytes + Math.max(0, members - 1);
}

function serializedBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return json === undefined ? 0 : Buffer.byteLength(json);
}
