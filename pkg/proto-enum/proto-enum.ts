/**
 * Maps lower-case domain words to protobuf-es enum values and back by naming convention:
 * "asteroid_belt" <-> Destination.ASTEROID_BELT, "under construction" <-> UNDER_CONSTRUCTION.
 * protobuf-es generates TS enums whose keys are the value names without the type prefix, so one
 * rule covers every enum and no per-enum table can drift from the .proto.
 */
type ProtoEnum = Record<string, string | number>;

/** Word → value per enum, filled on first use: every response maps a few enums, and the name rule is a regex. */
const wordValues = new WeakMap<ProtoEnum, Map<string, number>>();

export function toProtoEnum<E extends ProtoEnum>(e: E, word: string): E[keyof E] & number {
  let values = wordValues.get(e);
  if (!values) wordValues.set(e, (values = new Map()));
  let value = values.get(word);
  if (value === undefined) {
    const found = e[word.toUpperCase().replace(/[ -]/g, "_")];
    if (typeof found !== "number") throw new Error(`no enum value for "${word}"`);
    values.set(word, (value = found));
  }
  return value as E[keyof E] & number;
}

/** The lower-case word of an enum value, or undefined for 0 (UNSPECIFIED) and unknown numbers. */
export function fromProtoEnum(e: ProtoEnum, value: number): string | undefined {
  if (value === 0) return undefined;
  const name = e[value];
  return typeof name === "string" ? name.toLowerCase() : undefined;
}
