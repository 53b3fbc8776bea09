/**
 * Maps lower-case domain words to protobuf-es enum values and back by naming convention:
 * "asteroid_belt" <-> Destination.ASTEROID_BELT, "under construction" <-> UNDER_CONSTRUCTION.
 * protobuf-es generates TS enums whose keys are the value names without the type prefix, so one
 * rule covers every enum and no per-enum table can drift from the .proto.
 */
type ProtoEnum = Record<string, string | number>;

export function toProtoEnum<E extends ProtoEnum>(e: E, word: string): E[keyof E] & number {
  const value = e[word.toUpperCase().replace(/[ -]/g, "_")];
  if (typeof value !== "number") throw new Error(`no enum value for "${word}"`);
  return value as E[keyof E] & number;
}

/** The lower-case word of an enum value, or undefined for 0 (UNSPECIFIED) and unknown numbers. */
export function fromProtoEnum(e: ProtoEnum, value: number): string | undefined {
  if (value === 0) return undefined;
  const name = e[value];
  return typeof name === "string" ? name.toLowerCase() : undefined;
}
