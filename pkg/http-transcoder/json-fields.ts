import type { DescField, DescMessage, JsonObject, JsonValue } from "@bufbuild/protobuf";

/**
 * Finds a field by the key a client used: protobuf JSON accepts both the JSON name (`firstName`)
 * and the proto name (`first_name`), so every place that walks client JSON must too.
 */
export function findField(message: DescMessage, key: string): DescField | undefined {
  return message.fields.find((f) => f.jsonName === key || f.name === key);
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Well-known types (Timestamp, Duration, Struct, Any, wrappers, ...) have their own JSON forms,
 * so their JSON must not be walked as if it were a plain message.
 */
export function hasSpecialJson(message: DescMessage): boolean {
  return message.typeName.startsWith("google.protobuf.");
}
