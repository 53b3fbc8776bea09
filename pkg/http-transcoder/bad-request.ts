import { create, ScalarType, type DescField } from "@bufbuild/protobuf";
import { FieldDescriptorProto_Type } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  FieldPathElementSchema,
  FieldPathSchema,
  ViolationSchema,
  ViolationsSchema,
  type FieldPathElement,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";

/**
 * Rule ids of the violations the transcoder reports itself. They live next to protovalidate's
 * ids (`string.min_len`, ...) in the same `buf.validate.Violations` detail, so a client handles
 * "the JSON was wrong" and "the value broke a rule" the same way.
 */
export const RULE = {
  unknownField: "transcoder.unknown_field",
  invalidValue: "transcoder.invalid_value",
  notSettable: "transcoder.not_settable",
  conflict: "transcoder.conflict",
} as const;

/** One step of a field path: a known field (with optional index or map key) or an unknown key. */
export type PathStep = { readonly field: DescField; readonly subscript?: number | string } | { readonly unknown: string };

/** A problem with one field of the request. */
export interface FieldProblem {
  readonly path: readonly PathStep[];
  readonly ruleId: string;
  readonly message: string;
}

/**
 * Builds the INVALID_ARGUMENT error for bad input. With field problems it carries a
 * `buf.validate.Violations` detail naming each field, exactly like `createValidateInterceptor()`.
 */
export function badRequest(message: string, problems: readonly FieldProblem[] = []): ConnectError {
  if (problems.length === 0) return new ConnectError(message, Code.InvalidArgument);
  const violations = problems.map((p) =>
    create(ViolationSchema, {
      field: create(FieldPathSchema, { elements: p.path.map(toElement) }),
      ruleId: p.ruleId,
      message: p.message,
    }),
  );
  return new ConnectError(message, Code.InvalidArgument, undefined, [{ desc: ViolationsSchema, value: { violations } }]);
}

/** INVALID_ARGUMENT for field problems, summarised the way protovalidate words its message. */
export function invalidFields(problems: readonly FieldProblem[]): ConnectError {
  const [first] = problems;
  const more = problems.length - 1;
  const summary = `${pathToString(first.path)}: ${first.message}`;
  return badRequest(more > 0 ? `${summary}, and ${more} more violation${more > 1 ? "s" : ""}` : summary, problems);
}

/** Renders a path as protovalidate does: `bookings[0].gender`, `labels["k"]`. */
export function pathToString(path: readonly PathStep[]): string {
  return path
    .map((step, i) => {
      const name = "unknown" in step ? step.unknown : step.field.name;
      const sub = "field" in step && step.subscript !== undefined ? `[${JSON.stringify(step.subscript)}]` : "";
      return (i === 0 ? "" : ".") + name + sub;
    })
    .join("");
}

function toElement(step: PathStep): FieldPathElement {
  if ("unknown" in step) return create(FieldPathElementSchema, { fieldName: step.unknown });
  const { field, subscript } = step;
  const element = create(FieldPathElementSchema, {
    fieldNumber: field.number,
    fieldName: field.name,
    fieldType: field.proto.type,
  });
  if (field.fieldKind === "map") {
    element.keyType = field.mapKey as number as FieldDescriptorProto_Type;
    element.valueType =
      field.mapKind === "scalar"
        ? (field.scalar as number as FieldDescriptorProto_Type)
        : field.mapKind === "enum"
          ? FieldDescriptorProto_Type.ENUM
          : FieldDescriptorProto_Type.MESSAGE;
    if (subscript !== undefined) element.subscript = mapKeySubscript(field.mapKey, String(subscript));
  } else if (typeof subscript === "number") {
    element.subscript = { case: "index", value: BigInt(subscript) };
  }
  return element;
}

function mapKeySubscript(keyType: ScalarType, key: string): FieldPathElement["subscript"] {
  const asBigInt = (): bigint | undefined => {
    try {
      return BigInt(key);
    } catch {
      return undefined;
    }
  };
  switch (keyType) {
    case ScalarType.BOOL:
      return { case: "boolKey", value: key === "true" };
    case ScalarType.UINT32:
    case ScalarType.UINT64:
    case ScalarType.FIXED32:
    case ScalarType.FIXED64: {
      const value = asBigInt();
      return value === undefined ? { case: "stringKey", value: key } : { case: "uintKey", value };
    }
    case ScalarType.STRING:
      return { case: "stringKey", value: key };
    default: {
      const value = asBigInt();
      return value === undefined ? { case: "stringKey", value: key } : { case: "intKey", value };
    }
  }
}
