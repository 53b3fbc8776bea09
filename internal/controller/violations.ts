import { create, type DescMessage } from "@bufbuild/protobuf";
import { FieldPathSchema, type Violation, ViolationSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import type { FieldViolation } from "../domain/errors.js";

/**
 * A domain field violation as the `buf.validate.Violation` protovalidate itself sends, so
 * clients read one shape whichever rule fired. Field names are the request's top-level proto
 * names ("launch_date").
 */
export function toViolation(v: FieldViolation, input: DescMessage): Violation {
  const field = input.fields.find((f) => f.name === v.field);
  return create(ViolationSchema, {
    field: create(FieldPathSchema, {
      elements: [{ fieldName: v.field, fieldNumber: field?.number ?? 0, fieldType: field?.proto.type }],
    }),
    ruleId: v.rule,
    message: v.message,
  });
}

/** The top-level field a violation is about ("" for a message-level rule). */
export function violatedField(v: Violation): string {
  return v.field?.elements[0]?.fieldName ?? "";
}
