import type { DescEnum, DescMessage, JsonValue } from "@bufbuild/protobuf";
import { findField, hasSpecialJson, isJsonObject } from "./json-fields.js";

/**
 * Accepts the short, case-insensitive spelling of enum values in REST JSON, query and path:
 * for `DESTINATION_ASTEROID_BELT` of enum `Destination`, `"asteroid_belt"`, `"Asteroid_Belt"`,
 * `"asteroid belt"`, `"asteroid-belt"` and `"destination_asteroid_belt"` all become the canonical
 * name. Humans type REST calls; gRPC clients use generated code and never need this.
 *
 * Rewrites the JSON in place before protobuf decoding; numbers pass through untouched. An unknown
 * name is left as it is, so `fromJson` rejects it with the usual error, unless `deferUnknown`:
 * then it becomes a number the enum does not define, exactly what a gRPC client may send to an
 * open proto3 enum, and the request reaches validation, where `enum.defined_only` reports it
 * together with every other problem of the request instead of hiding them.
 */
export function createLenientEnums(opts: { deferUnknown?: boolean } = {}): (message: DescMessage, json: JsonValue) => void {
  const aliases = new WeakMap<DescEnum, Map<string, string>>();

  const canonical = (desc: DescEnum, value: JsonValue): JsonValue => {
    if (typeof value !== "string") return value;
    let map = aliases.get(desc);
    if (!map) {
      map = buildAliases(desc);
      aliases.set(desc, map);
    }
    return map.get(normalize(value)) ?? (opts.deferUnknown ? undefinedNumber(desc) : value);
  };

  const walk = (message: DescMessage, json: JsonValue): void => {
    if (!isJsonObject(json) || hasSpecialJson(message)) return;
    for (const [key, value] of Object.entries(json)) {
      const field = findField(message, key);
      if (!field) continue;
      switch (field.fieldKind) {
        case "enum":
          json[key] = canonical(field.enum, value);
          break;
        case "message":
          walk(field.message, value);
          break;
        case "list":
          if (!Array.isArray(value)) break;
          if (field.listKind === "enum") value.forEach((v, i) => (value[i] = canonical(field.enum, v)));
          if (field.listKind === "message") value.forEach((v) => walk(field.message, v));
          break;
        case "map":
          if (!isJsonObject(value)) break;
          for (const [k, v] of Object.entries(value)) {
            if (field.mapKind === "enum") value[k] = canonical(field.enum, v);
            if (field.mapKind === "message") walk(field.message, v);
          }
          break;
      }
    }
  };
  return walk;
}

/** A number below every value the enum defines (-1 for the usual `*_UNSPECIFIED = 0` first). */
const undefinedNumber = (desc: DescEnum): number => Math.min(...desc.values.map((v) => v.number)) - 1;

const normalize = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/** `Destination` → `destination_`: the prefix buf's ENUM_VALUE_PREFIX lint rule requires. */
const enumPrefix = (name: string): string => `${name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()}_`;

function buildAliases(desc: DescEnum): Map<string, string> {
  const map = new Map<string, string>();
  const prefix = enumPrefix(desc.name);
  for (const value of desc.values) {
    const full = value.name.toLowerCase();
    if (full.startsWith(prefix) && full.length > prefix.length && !map.has(full.slice(prefix.length))) {
      map.set(full.slice(prefix.length), value.name);
    }
  }
  // Full names win over short forms if the two ever collide.
  for (const value of desc.values) map.set(value.name.toLowerCase(), value.name);
  return map;
}
